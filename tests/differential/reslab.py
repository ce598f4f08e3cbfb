"""The mixed-server resolver lab (README.md): a root, four TLDs and, for
each server kind (banchi-auth, NSD, Knot DNS, BIND), the same zone z.KIND.
with children, delegations and CNAMEs crossing kinds, each zone on its own
127.0.0.100-160 port 53 address; one process per kind plus the root.
Lab.start() brings it up under /tmp/banchi-reslab.lock, Lab.stop() ends it."""

import concurrent.futures
import fcntl
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
sys.path.insert(0, str(HERE.parent / "resolver"))
import servers  # noqa: E402
import hierarchy  # noqa: E402
import relay  # noqa: E402

KINDS = ("banchi", "nsd", "knot", "bind")
ROOT_KIND = "nsd"
ROOT_ADDR = "127.0.0.100"
ROOT_NS = "a.rootns."           # data of the root zone itself
LOCK = "/tmp/banchi-reslab.lock"
# each kind K has 127.0.0.(110 + 10 * index(K) + role index)
ROLES = ("tld", "z", "gl", "pg1", "pg2", "sub", "refuse", "halfref")
# which kind serves the address (K, role): K shifted by this many kinds,
# so that no process serves both a zone and its parent (but co.z.K)
SHIFT = {"tld": -1, "z": 0, "gl": 2, "pg1": 2, "pg2": 2, "sub": 1,
         "refuse": 1, "halfref": 2}
ADDRS = [ROOT_ADDR] + ["127.0.0.%d" % (110 + 10 * i + j)
                       for i in range(len(KINDS)) for j in range(len(ROLES))]
BIG_TXT = " ".join('"%s"' % (chr(97 + i) * 200) for i in range(8))
SOA = "@ SOA %s hostmaster.%s 1 3600 600 86400 300\n"


def nxt(kind, n=1):
    return KINDS[(KINDS.index(kind) + n) % len(KINDS)]


def addr(kind, role):
    return "127.0.0.%d" % (110 + 10 * KINDS.index(kind) + ROLES.index(role))


def v4(kind, host):
    """The kind's data addresses, distinct per kind."""
    return "192.0.2.%d" % (20 * (KINDS.index(kind) + 1) + host)


def v6(kind, host):
    return "2001:db8:%d::%d" % (KINDS.index(kind) + 1, host)


def zone_of(kind, role):
    return {"tld": "%s." % kind, "z": "z.%s." % kind,
            "gl": "gl.z.%s." % kind, "pg1": "pg.z.%s." % kind,
            "pg2": "pg.z.%s." % kind, "sub": "sub.z.%s." % kind,
            "refuse": None, "halfref": "halfref.z.%s." % kind}[role]


def root_zone():
    text = "$TTL 86400\n" + SOA % (ROOT_NS, "rootns.")
    text += "@ NS %s\n%s A %s\n" % (ROOT_NS, ROOT_NS, ROOT_ADDR)
    for k in KINDS:
        text += "%s. NS ns.nic.%s.\nns.nic.%s. A %s\n" % (
            k, k, k, addr(k, "tld"))
    return text


def tld_zone(k):
    return ("$TTL 86400\n" + SOA % ("ns.nic.%s." % k, "nic.%s." % k) +
            "@ NS ns.nic\nns.nic A %s\n" % addr(k, "tld") +
            "z NS ns.z\nns.z A %s\n" % addr(k, "z"))


def z_zone(k):
    """The test zone of kind k; N is the next kind (cross-kind CNAMEs,
    DNAME target, NS names of the glueless children), P the previous."""
    n, p = nxt(k), nxt(k, -1)
    zn, zp = "z.%s." % n, "z.%s." % p
    return ("$TTL 3600\n" + SOA % ("ns.z.%s." % k, "z.%s." % k) + """\
@ NS ns
@ MX 10 mail
@ TXT "apex of z.{k}"
ns A {ns}
www A {www}
www AAAA {www6}
www MX 10 mail
www TXT "www in z.{k}" "second string"
mail A {mail}
mail AAAA {mail6}
multi A {m1}
multi A {m2}
multi A {m3}
_sip._tcp SRV 0 5 5060 www
big TXT {big}
a.b.ent A {ent}
inzone CNAME www
chain CNAME chain2
chain2 CNAME chain3
chain3 CNAME www
cross CNAME www.{zn}
crosschain CNAME cross
crossmx CNAME mail.{zn}
dangling CNAME nothing
xdangling CNAME nothing.{zn}
loop1 CNAME loop2
loop2 CNAME loop1
selfloop CNAME selfloop
xloop CNAME xloop2.{zn}
xloop2 CNAME xloop.{zp}
old DNAME {zn}
here DNAME tree
www.tree A {tree}
todn CNAME www.old
tolame CNAME www.lamechild
*.wild A {wild}
*.wild TXT "wildcard in z.{k}"
*.wc CNAME www
*.wcx CNAME www.{zn}
sub NS ns.sub
ns.sub A {sub}
gl NS glns-{k}.{zn}
glns-{p} A {glp}
pg NS ns1.pg
pg NS pgns-{k}.{zn}
ns1.pg A {pg1}
pgns-{p} A {pg2p}
refused NS ns.refused
ns.refused A {refuse}
halfref NS ns1.halfref
halfref NS ns2.halfref
ns1.halfref A {refuse}
ns2.halfref A {halfref}
lamechild NS ns
co NS ns
""".format(k=k, p=p, zn=zn, zp=zp, ns=addr(k, "z"), www=v4(k, 1),
           www6=v6(k, 1), mail=v4(k, 2), mail6=v6(k, 2), m1=v4(k, 3),
           m2=v4(k, 4), m3=v4(k, 5), big=BIG_TXT, ent=v4(k, 6),
           tree=v4(k, 7), wild=v4(k, 8), sub=addr(k, "sub"),
           glp=addr(p, "gl"), pg1=addr(k, "pg1"), pg2p=addr(p, "pg2"),
           refuse=addr(k, "refuse"), halfref=addr(k, "halfref")))


def child_zone(k, role):
    """gl.z.K (NS name only in z.N, no glue), pg.z.K (glue for one of
    its two NS names), sub.z.K (plain delegation to another kind),
    halfref.z.K (two servers, the first REFUSES)."""
    z, zn = zone_of(k, role), "z.%s." % nxt(k)
    host = {"gl": 11, "pg1": 12, "sub": 13, "halfref": 14}[role]
    ns = {"gl": "@ NS glns-%s.%s\n" % (k, zn),
          "pg1": "@ NS ns1\n@ NS pgns-%s.%s\nns1 A %s\n" % (
              k, zn, addr(k, "pg1")),
          "sub": "@ NS ns\nns A %s\n" % addr(k, "sub"),
          "halfref": "@ NS ns1\n@ NS ns2\nns1 A %s\nns2 A %s\n" % (
              addr(k, "refuse"), addr(k, "halfref"))}[role]
    text = "$TTL 3600\n" + SOA % ("ns." + z, z) + ns
    text += 'www A %s\nwww TXT "www in %s"\n' % (v4(k, host), z)
    if role == "sub":
        text += "deeper CNAME www.z.%s.\n" % k
    return text


def zone_text(origin):
    if origin == ".":
        return root_zone()
    labels = origin.rstrip(".").split(".")
    k = labels[-1]
    if len(labels) == 1:
        return tld_zone(k)
    if len(labels) == 2:
        return z_zone(k)
    if labels[0] == "co":
        return ("$TTL 3600\n" + SOA % ("ns.z.%s." % k, origin) +
                '@ NS ns.z.%s.\nwww A %s\nwww TXT "www in %s"\n'
                % (k, v4(k, 15), origin))
    return child_zone(k, {"gl": "gl", "pg": "pg1", "sub": "sub",
                          "halfref": "halfref"}[labels[0]])


def process_plan():
    """{kind: (addresses, zone origins)}, the first address serving the
    first zone (the one waited for at start). co.z.K is the one child
    served by its parent's server (the referral is never seen)."""
    plan = {k: ([], ["co.z.%s." % k]) for k in KINDS}
    for k in KINDS:
        for role in sorted(ROLES, key=lambda r: r != "z"):
            p = nxt(k, SHIFT[role])
            addrs, zones = plan.setdefault(p, ([], []))
            addrs.append(addr(k, role))
            z = zone_of(k, role)
            if z is not None and z not in zones:
                zones.append(z)
    for p, (addrs, zones) in plan.items():
        first = addr(p, "z")
        addrs.remove(first)
        addrs.insert(0, first)
        zones.remove("z.%s." % p)
        zones.insert(0, "z.%s." % p)
    return plan


def start_kind(d, kind, origins, addrs):
    """One server of kind on addrs port 53 serving origins (BIND on
    127.0.0.1 and a free port: Lab.start relays addrs to it)."""
    if kind == "banchi":
        return hierarchy.start_auth(d, "banchi", [(o, zone_text(o))
                                                  for o in origins], addrs)
    sub = Path(d) / (kind if origins != ["."] else "root")
    sub.mkdir()
    sub.chmod(0o755)
    zl = [(o, hierarchy.write(sub, (o.rstrip(".") or "root") + ".zone",
                              zone_text(o))) for o in origins]
    if kind == "bind":
        return servers.start_bind(sub, zl)
    start = {"nsd": servers.start_nsd, "knot": servers.start_knot}[kind]
    return start(sub, zl, port=53, addrs=addrs)


class Lab:
    """The running lab. procs: name -> servers.Server; hints: the root
    hints file (the lab's root only)."""

    def __init__(self):
        self.dir = servers.world_dir("banchi-reslab-")
        self.procs = {}
        self.relays = []
        self.lock = None
        self.keep = False       # set: remove() leaves the logs
        self.hints = hierarchy.write(
            self.dir, "root.hints", ". 3600000 NS %s\n%s 3600000 A %s\n"
            % (ROOT_NS, ROOT_NS, ROOT_ADDR))

    def _lock(self, wait):
        """A second run waits (bounded) for the first to end."""
        self.lock = open(LOCK, "a")
        end = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > end:
                    raise RuntimeError("%s held for %ds" % (LOCK, wait))
                time.sleep(0.5)

    def start(self, wait=300.0):
        self._lock(wait)
        busy = hierarchy.check_free(ADDRS)
        if busy:
            self.stop()
            raise RuntimeError("addresses in use: " + " ".join(busy))
        jobs = {"root": (ROOT_KIND, ["."], [ROOT_ADDR])}
        for k, (addrs, zones) in process_plan().items():
            jobs[k] = (k, zones, addrs)
        with concurrent.futures.ThreadPoolExecutor(len(jobs)) as ex:
            futs = {name: ex.submit(start_kind, self.dir, *job)
                    for name, job in jobs.items()}
            errors = []
            for name, f in futs.items():
                try:
                    self.procs[name] = f.result()
                except Exception as e:  # noqa: BLE001 (all reported)
                    errors.append("%s: %s" % (name, e))
        if errors:
            self.stop()
            raise RuntimeError("lab did not start:\n" + "\n".join(errors))
        bind = self.procs["bind"]
        for a in jobs["bind"][2]:
            self.relays.append(relay.Relay((a, 53), bind.where).start())
        servers.wait_answering((jobs["bind"][2][0], 53), "z.bind.")
        return self

    def logs(self):
        return "\n".join("== %s\n%s" % (k, s.log_text()[-1500:])
                         for k, s in self.procs.items())

    def stop(self):
        for r in self.relays:
            r.stop()
        self.relays.clear()
        for s in self.procs.values():
            s.stop(timeout=5)
        self.procs.clear()
        if self.lock is not None:
            self.lock.close()           # releases the flock
            self.lock = None

    def remove(self):
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
