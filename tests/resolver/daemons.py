"""Starting the resolvers under test on 127.0.0.1: banchi-resolver (env
BANCHI_RESOLVER, default build/banchi-resolver) with flags or a YAML
config, and Unbound on the same root hints. Reading the resolver's
SIGUSR1 counters; querying with RD set."""

import os
import re
import signal
import time
from pathlib import Path

import pytest

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from hierarchy import servers

STATS_RE = re.compile(r"stats: (queries=.*)$", re.M)


def resolver_binary():
    b = Path(os.environ.get("BANCHI_RESOLVER", "build/banchi-resolver"))
    return b if b.is_absolute() else servers.ROOT / b


class Resolver(servers.Server):
    """A banchi-resolver process; stats() reads its counters."""

    def stats(self, limit=3.0):
        """Sends SIGUSR1, waits for the new stats line; returns a dict
        of ints (queries, cache_hits, upstream, ...)."""
        before = len(STATS_RE.findall(self.log_text()))
        self.signal(signal.SIGUSR1)
        end = time.monotonic() + limit
        while time.monotonic() < end:
            found = STATS_RE.findall(self.log_text())
            if len(found) > before:
                return {k: int(v) for k, v in
                        re.findall(r"(\w+)=(\d+)", found[-1])}
            time.sleep(0.02)
        raise AssertionError("no stats line after SIGUSR1:\n" +
                             self.log_text()[-3000:])

    def upstream(self):
        st = self.stats()
        return st["upstream"] + st.get("upstream_tcp", 0)

    def check_log(self):
        text = self.log_text()
        for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:"):
            assert mark not in text, text[-4000:]


def start_resolver(workdir, hints, extra=(), config=None, threads=1,
                   port=None, listen=("127.0.0.1",), wait=True,
                   special=("test",)):
    """banchi-resolver on listen[0]:port (and the other listen addresses
    at the same port), iterating from hints, test. allowed."""
    port = port or servers.free_port()
    argv = [str(resolver_binary())]
    if config is not None:
        argv += ["-c", str(config)]
    for a in listen:
        argv += ["--listen", "%s:%d" % (a, port)]
    if hints is not None:
        argv += ["--root-hints", str(hints)]
    for z in special:
        argv += ["--allow-special", z]
    # the loopback hierarchy is unsigned, under a root of its own
    argv += ["--threads", str(threads), "--no-dnssec",
             "--allow-root", "--log-level", "debug"]
    argv += list(extra)
    # localhost is answered locally: a probe that sends nothing upstream
    r = Resolver("banchi-resolver", argv, (listen[0], port), workdir,
                 "localhost", wait=False)
    if wait:
        wait_recursive(r, "localhost.")
    return r


def unbound_conf(d, hints, port, listen=("127.0.0.1",), extra=(),
                 special=("test",), more=()):
    """Unbound's config equivalent to banchi-resolver's with these
    flags; more: further server: lines."""
    server, zones = unbound_extra(extra, special)
    return "\n".join(
        ["server:"] + ["  interface: %s@%d" % (a, port) for a in listen] + [
            "  port: %d" % port,
            "  do-ip6: yes",
            "  num-threads: 1",
            "  root-hints: \"%s\"" % hints,
            "  do-not-query-localhost: no",
            "  module-config: \"iterator\"",
            "  username: \"\"",
            "  chroot: \"\"",
            "  directory: \"%s\"" % d,
            "  pidfile: \"%s/unbound.pid\"" % d,
            "  logfile: \"\"",
            "  use-syslog: no",
            "  verbosity: %s" % os.environ.get("RTEST_UNBOUND_VERBOSITY",
                                               "1"),
            "  so-reuseport: no",
            "  minimal-responses: yes",
            # replies that took over 1.9 s are dropped by default
            # (the client is expected to have retried): not here
            "  discard-timeout: 12000",
            "  prefetch: yes"] + server +
        ["  " + x for x in more] + zones +
        ["remote-control:", "  control-enable: no", ""])


BOOL_FLAGS = {"--no-qname-minimisation": "qname-minimisation: no",
              "--case-randomisation": "use-caps-for-id: yes"}


def unbound_extra(extra, special):
    """banchi-resolver flags as Unbound config lines (server: lines,
    zone clauses); pytest.skip for what Unbound cannot do."""
    server, zones, acl = [], [], []
    if "test" in special:
        server.append('  local-zone: "test." nodefault')
    it = iter(extra)
    for flag in it:
        if flag in BOOL_FLAGS:
            server.append("  " + BOOL_FLAGS[flag])
            continue
        val = next(it, None)
        if flag in ("--forward", "--stub"):
            zone, to = val.split("=")
            addr, _, p = to.partition(":")
            kind = flag[2:]
            zones += ["%s-zone:" % kind, '  name: "%s"' % zone,
                      "  %s-addr: %s@%s" % (kind, addr, p or 53)]
        elif flag == "--allow":
            acl.append("  access-control: %s allow" % val)
        elif flag == "--allow-snoop":
            # banchi: RD=0 from the cache, no access by itself; Unbound's
            # allow_snoop also serves: listed prefixes are served here
            acl.append("  access-control: %s allow_snoop" % val)
        elif flag == "--local-data":
            server.append("  local-data: '%s'" % val)
        elif flag in ("--identity", "--version-text"):
            key = "identity" if flag == "--identity" else "version"
            server.append('  hide-%s: yes' % key if val == "none"
                          else '  %s: "%s"' % (key, val))
        elif flag == "--blocklist":
            for line in Path(val).read_text().splitlines():
                w = line.split("#")[0].split()
                if w:
                    server.append('  local-zone: "%s" always_nxdomain'
                                  % w[-1])
        else:
            pytest.skip("Unbound has no equivalent of " + flag)
    if "--allow" in extra:
        # exactly the listed clients (allow_snoop ones among them)
        server += acl + ["  access-control: 0.0.0.0/0 refuse",
                         "  access-control: 127.0.0.0/8 refuse"]
    else:
        # loopback, as Unbound's and banchi's default; RD=0 answered
        # from the cache for allow_snoop prefixes only
        server += ["  access-control: 127.0.0.0/8 allow"] + acl
    return server, zones


def start_unbound(workdir, hints, port=None, listen=("127.0.0.1",),
                  extra=(), special=("test",), more=()):
    port = port or servers.free_port()
    d = Path(workdir)
    (d / "unbound.conf").write_text(unbound_conf(d, hints, port, listen,
                                                 extra, special, more))
    u = Peer("unbound", ["unbound", "-d", "-c", str(d / "unbound.conf")],
             (listen[0], port), d, "test.", wait=False)
    wait_recursive(u, "localhost.")
    return u


# kresd's default modules that query on their own (trust anchor
# refresh and signalling, time-skew probe) or need DNSSEC
KRESD_UNLOAD = ("ta_update", "ta_signal_query", "ta_sentinel",
                "detect_time_skew", "detect_time_jump", "watchdog")


def kresd_conf(d, hints, port, verbose=False):
    """Knot Resolver 5 on 127.0.0.1:port iterating from the hints file
    only (kresd falls back to the Internet's root hints when none are
    set: the config panics instead), no DNSSEC, loopback upstream
    allowed (ALLOW_LOCAL), its cache in d."""
    lines = ["log_level('%s')" % ("debug" if verbose else "notice"),
             "net.ipv6 = false",
             "net.listen('127.0.0.1', %d, { kind = 'dns' })" % port]
    lines += ["modules.unload('%s')" % m for m in KRESD_UNLOAD]
    lines += ["trust_anchors.remove('.')",
              "option('ALLOW_LOCAL', true)",
              "cache.open(32 * MB, 'lmdb://%s/cache')" % d,
              "modules.load('hints > iterate')",
              "hints.root_file('%s')" % hints,
              "for name, addrs in pairs(hints.root()) do",
              "  for _, a in ipairs(addrs) do",
              "    if not a:match('^127%.') then",
              "      panic('root hint off loopback: ' .. name .. ' ' .. a)",
              "    end",
              "  end",
              "end", ""]
    return "\n".join(lines)


def start_kresd(workdir, hints, port=None):
    """kresd (Knot Resolver 5.6) on 127.0.0.1, cold cache in workdir."""
    port = port or servers.free_port()
    d = Path(workdir)
    verbose = bool(os.environ.get("RTEST_KRESD_VERBOSE"))
    (d / "kresd.conf").write_text(kresd_conf(d, hints, port, verbose))
    k = Peer("kresd", ["kresd", "-n", "-c", str(d / "kresd.conf"), str(d)],
             ("127.0.0.1", port), d, ".", wait=False)
    wait_recursive(k, "localhost.")
    return k


class Peer(servers.Server):
    """A peer resolver (Unbound, kresd), or Unbound standing in for
    banchi-resolver (RTEST_PEER=unbound): no counters; tests count
    upstream queries at the servers."""
    stats = None

    def check_log(self):
        pass


def wait_recursive(s, name, limit=15.0):
    """Waits until s answers name with RD set (servers.wait_answering
    asks with RD clear, which a resolver answers from its cache only)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if s.proc.poll() is not None:
            break
        try:
            ask(s.where, name, "A", timeout=0.3)
            return
        except (dns.exception.Timeout, dns.query.BadResponse, OSError):
            # BadResponse: a late answer of a slow start, not this one's
            time.sleep(0.1)
    s.stop()
    raise RuntimeError("%s did not start: %s\n%s" % (
        s.name, " ".join(map(str, s.argv)), s.log_text()[-3000:]))


def ask(where, qname, qtype="A", tcp=False, timeout=5.0, rd=True,
        source=None, use_edns=0):
    """One recursive query (RD set unless rd=False); returns the reply."""
    q = dns.message.make_query(qname, qtype, use_edns=use_edns,
                               payload=1232)
    if not rd:
        q.flags &= ~dns.flags.RD
    host, port = where
    if tcp:
        return dns.query.tcp(q, host, port=port, timeout=timeout,
                             source=source)
    return dns.query.udp(q, host, port=port, timeout=timeout,
                         source=source)


def ask_full(where, qname, qtype="A", timeout=5.0):
    """UDP, then TCP when the reply is truncated."""
    r = ask(where, qname, qtype, timeout=timeout)
    if r.flags & dns.flags.TC:
        r = ask(where, qname, qtype, tcp=True, timeout=timeout)
    return r


def addrs(r, rdtype="A"):
    """The rdata texts of every rdtype record in the answer."""
    out = []
    for rr in r.answer:
        if dns.rdatatype.to_text(rr.rdtype) == rdtype:
            out += [x.to_text() for x in rr]
    return sorted(out)


def answer_set(r):
    """rcode and answer RRsets without TTLs: comparable across servers."""
    sets = []
    for rr in r.answer:
        sets.append((rr.name.to_text().lower(),
                     dns.rdatatype.to_text(rr.rdtype),
                     tuple(sorted(x.to_text().lower() for x in rr))))
    return dns.rcode.to_text(r.rcode()), tuple(sorted(sets))

