"""What the DNSSEC differential tests share: their lab (banchi-auth,
banchi-resolvers and Unbound on loopback, each zone a stub zone of
banchi-auth), the config of an Unbound that validates it, a recursive
question with the DO and CD bits as asked (UDP, three tries), what of
its reply they compare, and banchi-resolver's counters."""

import shutil
import sys
import time
import urllib.request
from pathlib import Path

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent /
                       "integration"))
import servers  # noqa: E402

# Only loopback may be queried: every other IPv4 block is refused and
# IPv6 is off (lab zones name addresses in 192.0.2.0/24; the built-in
# root hints must never be reached).
REFUSE = ["0.0.0.0/2", "64.0.0.0/3", "96.0.0.0/4", "112.0.0.0/5",
          "120.0.0.0/6", "124.0.0.0/7", "126.0.0.0/8", "128.0.0.0/1"]
# Root hints on loopback: never asked while every zone is a stub.
HINTS = ". 3600 NS ns.\nns. 3600 A 127.0.0.1\n"
DO, CD = 1, 2           # the bits of ask_bits' flags


def unbound_conf(d, port, auth_port, stubs, extra=()):
    """d/unbound.conf: Unbound on 127.0.0.1@port, validating, each zone
    of stubs a stub zone of 127.0.0.1@auth_port (a stub for "." stands
    for the root hints); extra: more server: lines (its trust anchors,
    domain-insecure...). Returns its path."""
    conf = ["server:", "  interface: 127.0.0.1@%d" % port,
            '  username: ""', '  chroot: ""', '  directory: "%s"' % d,
            '  pidfile: ""', "  do-not-query-localhost: no", "  do-ip6: no",
            '  module-config: "validator iterator"',
            "  access-control: 127.0.0.0/8 allow", "  aggressive-nsec: no",
            "  val-log-level: 2", "  verbosity: 1", "  use-syslog: no",
            '  logfile: ""', "  num-threads: 1"] + list(extra)
    conf += ["  do-not-query-address: %s" % n for n in REFUSE]
    for z in stubs:
        conf += ["stub-zone:", '  name: "%s"' % z,
                 "  stub-addr: 127.0.0.1@%d" % auth_port]
    (d / "unbound.conf").write_text("\n".join(conf) + "\n")
    return d / "unbound.conf"


def ask(where, name, qtype, do=True, cd=False, timeout=5.0):
    """The reply to name/qtype with RD (None when three tries of timeout
    seconds each time out)."""
    q = dns.message.make_query(name, qtype, use_edns=0, payload=1232,
                               want_dnssec=do)
    q.flags |= dns.flags.RD
    if cd:
        q.flags |= dns.flags.CD
    for _ in range(3):
        try:
            return dns.query.udp(q, where[0], port=where[1],
                                 timeout=timeout)
        except dns.exception.Timeout:
            continue
    return None


def ask_bits(where, name, qtype, flags=DO):
    """ask with flags made of DO and CD."""
    return ask(where, name, qtype, do=bool(flags & DO), cd=bool(flags & CD))


def outcome(r):
    """(rcode text, AD, first EDE code or None) of a reply; None for
    none."""
    if r is None:
        return None
    ede = [o.code for o in r.options if o.otype == dns.edns.EDE]
    return (dns.rcode.to_text(r.rcode()), bool(r.flags & dns.flags.AD),
            ede[0] if ede else None)


def wait_for(where, name="tld.", limit=20.0):
    """Waits (at most limit seconds) until where answers name SOA. The
    tries are short: a query sent before the server listens is lost
    (no error comes back to an unconnected UDP socket)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if ask(where, name, "SOA", do=False, timeout=0.5) is not None:
            return
        time.sleep(0.2)
    raise RuntimeError("no answer from %s" % (where,))


def metrics(res):
    """banchi-resolver's banchi_resolver_* counters from its metrics
    port (res.metrics), each family summed over its labels."""
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % res.metrics,
                                timeout=5) as f:
        text = f.read().decode()
    got = {}
    for line in text.splitlines():
        if line.startswith("banchi_resolver_") and " " in line:
            k, v = line.rsplit(" ", 1)
            k = k.split("{")[0]
            got[k] = got.get(k, 0) + float(v)
    return got


class Lab:
    """A lab in a fresh folder (prefix): what the test starts in it is
    stopped, and the folder removed, when its with block ends. Skips the
    test without the tools it names or banchi's binaries."""

    def __init__(self, prefix, tools=("unbound",)):
        for tool in tools:
            if not shutil.which(tool):
                pytest.skip("no %s" % tool)
        if not servers.banchi_binary().exists():
            pytest.skip("no %s" % servers.banchi_binary())
        self.top = servers.world_dir(prefix)
        self.started = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for s in self.started:
            s.stop(timeout=5)
        shutil.rmtree(self.top, ignore_errors=True)

    def folder(self, name):
        """top/name, readable by a daemon that dropped privileges."""
        d = self.top / name
        d.mkdir()
        d.chmod(0o755)
        return d

    def auth(self, zones, name="auth"):
        """banchi-auth serving zones [(origin, path)], answering."""
        auth = servers.start_banchi(self.folder(name), zones)
        self.started.append(auth)
        return auth

    def resolver(self, name, auth, stubs, anchor, extra=(), ctl=True,
                 metrics=True):
        """banchi-resolver (one thread, loopback hints) validating from
        the anchor text (written to its folder), each zone of stubs a
        stub zone of the Server auth; extra: more flags. Not waited for.
        Its .ctl is its control socket and .metrics its metrics port
        (None when off)."""
        r = self.folder(name)
        (r / "hints").write_text(HINTS)
        (r / "anchor.txt").write_text(anchor)
        port = servers.free_port()
        mport = servers.free_port() if metrics else None
        argv = [str(servers.banchi_binary().parent / "banchi-resolver"),
                "--listen", "127.0.0.1:%d" % port, "--threads", "1",
                "--root-hints", str(r / "hints"),
                "--control", str(r / "ctl") if ctl else "none",
                "--trust-anchor", str(r / "anchor.txt")] + list(extra)
        if mport:
            argv += ["--metrics", "127.0.0.1:%d" % mport]
        for z in stubs:
            argv += ["--stub", "%s=127.0.0.1:%d" % (z, auth.where[1])]
        res = servers.Server("banchi-resolver", argv, ("127.0.0.1", port), r,
                             ".", wait=False)
        self.started.append(res)
        res.ctl = r / "ctl" if ctl else None
        res.metrics = mport
        return res

    def unbound(self, auth, stubs, anchor=None, extra=(), name="unbound"):
        """Unbound (unbound_conf) with the anchor text as its trust-anchor
        file when given. Not waited for."""
        u = self.folder(name)
        if anchor is not None:
            (u / "anchor.txt").write_text(anchor)
            extra = ['  trust-anchor-file: "%s"' % (u / "anchor.txt")] + \
                list(extra)
        port = servers.free_port()
        conf = unbound_conf(u, port, auth.where[1], stubs, extra)
        ub = servers.Server("unbound", ["unbound", "-d", "-c", str(conf)],
                            ("127.0.0.1", port), u, ".", wait=False)
        self.started.append(ub)
        return ub
