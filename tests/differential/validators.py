"""What the DNSSEC differential tests share: the config of an Unbound
that validates a loopback lab, a recursive question with the DO and CD
bits as asked (UDP, three tries), and what of its reply they compare."""

import time

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode

# Only loopback may be queried: every other IPv4 block is refused and
# IPv6 is off (lab zones name addresses in 192.0.2.0/24; the built-in
# root hints must never be reached).
REFUSE = ["0.0.0.0/2", "64.0.0.0/3", "96.0.0.0/4", "112.0.0.0/5",
          "120.0.0.0/6", "124.0.0.0/7", "126.0.0.0/8", "128.0.0.0/1"]


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


def ask(where, name, qtype, do=True, cd=False):
    """The reply to name/qtype with RD (None when three tries time out)."""
    q = dns.message.make_query(name, qtype, use_edns=0, payload=1232,
                               want_dnssec=do)
    q.flags |= dns.flags.RD
    if cd:
        q.flags |= dns.flags.CD
    for _ in range(3):
        try:
            return dns.query.udp(q, where[0], port=where[1], timeout=5)
        except dns.exception.Timeout:
            continue
    return None


def outcome(r):
    """(rcode text, AD, first EDE code or None) of a reply; None for
    none."""
    if r is None:
        return None
    ede = [o.code for o in r.options if o.otype == dns.edns.EDE]
    return (dns.rcode.to_text(r.rcode()), bool(r.flags & dns.flags.AD),
            ede[0] if ede else None)


def wait_for(where, name="tld.", limit=20.0):
    """Waits (at most limit seconds) until where answers name SOA."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if ask(where, name, "SOA", do=False) is not None:
            return
        time.sleep(0.2)
    raise RuntimeError("no answer from %s" % (where,))
