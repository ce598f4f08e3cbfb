"""What the validating-resolver benchmarks (resolver_dnssec.py,
keytrap.py) share: the signing tools of tests/differential (signing.py:
dnssec-signzone; failzones.py: the KeyTrap zone), the trust anchor, the
lab root's DS written to top/anchor.txt, and each resolver's command
validating from it (a resolver's folder is top/NAME, so the anchor is
the file next to it): banchi-resolver, Unbound, Knot Resolver, and the
DS fields for BIND and PowerDNS Recursor."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" /
                       "differential"))
import failzones  # noqa: E402  (the KeyTrap zone and its root)
import signing  # noqa: E402  (dnssec-signzone)

# What the bench parts take from the DNSSEC lab.
__all__ = ["failzones", "signing"]

# top/name, made readable by a daemon that dropped privileges.
subdir = failzones.subdir


def write_anchor(top, ds):
    """top/anchor.txt: the root's DS line, readable by every resolver."""
    (top / "anchor.txt").write_text(ds + "\n")
    (top / "anchor.txt").chmod(0o644)


def anchor_of(d):
    """The anchor file of the resolver whose folder is d."""
    return d.parent / "anchor.txt"


def anchor_ds(d):
    """The DS's key tag, algorithm, digest type and digest."""
    return anchor_of(d).read_text().split()[-4:]


def banchi_argv(d, port, build, hints, extra=()):
    return [str(build / "banchi-resolver"), "--listen",
            "127.0.0.1:%d" % port, "--root-hints", str(hints),
            "--threads", "1", "--allow-root", "--control", "none",
            "--trust-anchor", str(anchor_of(d))] + list(extra)


def unbound_argv(d, port, hints, extra=()):
    """Unbound validating, its config in d; extra: more server: lines."""
    conf = ["server:", "  interface: 127.0.0.1", "  port: %d" % port,
            "  num-threads: 1", "  do-ip6: no", "  do-not-query-localhost: no",
            '  module-config: "validator iterator"',
            "  root-hints: %s" % hints,
            '  trust-anchor-file: "%s"' % anchor_of(d)] + list(extra) + [
            '  username: ""', '  chroot: ""', '  directory: "%s"' % d,
            '  pidfile: "%s/unbound.pid"' % d, "  use-syslog: no",
            '  logfile: ""', "  verbosity: 0",
            "remote-control:", "  control-enable: no"]
    (d / "unbound.conf").write_text("\n".join(conf) + "\n")
    return ["unbound", "-d", "-c", str(d / "unbound.conf")]


def kresd_argv(d, port, root_ns, root_addr, extra=()):
    """Knot Resolver validating, the root server root_ns at root_addr
    (loopback servers are skipped without ALLOW_LOCAL); extra: more Lua
    lines."""
    anchor = anchor_of(d).read_text().strip()
    conf = ["net.ipv6 = false",
            "net.listen('127.0.0.1', %d, { kind = 'dns' })" % port,
            "modules.load('hints > iterate')",
            "trust_anchors.remove('.')",
            "trust_anchors.add('%s')" % anchor,
            "hints.root({['%s'] = '%s'})" % (root_ns, root_addr),
            "cache.open(100 * MB, 'lmdb://%s/cache')" % d,
            "policy.add(policy.all(policy.FLAGS({'ALLOW_LOCAL'})))"] + \
        list(extra)
    (d / "config.lua").write_text("\n".join(conf) + "\n")
    return ["kresd", "-n", "-c", str(d / "config.lua"), str(d)]
