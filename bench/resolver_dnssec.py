"""The validating resolver rows of `make bench` (issue 13): the hierarchy
of bench/resolver.py signed (algorithm 13 everywhere; the root NSEC, the
TLD NSEC3, the second-level zones half NSEC, half NSEC3, a quarter of
those with a salt and 2 iterations) with dnssec-signzone, served by
banchi-auth on 127.0.53.x port 53, and banchi-resolver, Unbound, Knot
Resolver and PowerDNS Recursor each validating from the lab root's DS
(one worker pinned to core 1). The questions carry EDNS with DO. Per
resolver: the cold pass over the 2,000 names (wall and CPU), then
cache-hit QPS and answers per CPU-second in interleaved rounds."""

import shutil
import struct
import time

import dns.exception
import dns.flags
import dns.message
import dns.query

import measure
import peers
import report
import resolver
import validating
from validating import signing

BEGIN, END = "<!-- resolver-dnssec -->", "<!-- /resolver-dnssec -->"
PAYLOAD = 1232
MODES = resolver.MODES


def denial(k):
    """The denial kind of sld k: odd ones NSEC3 (every fourth salted,
    2 iterations), even ones NSEC."""
    return "nsec" if k % 2 == 0 else ("optout" if k % 4 == 3 else "nsec3")


def sign_layout(top):
    """Signs resolver.make_zones' hierarchy bottom up (each parent gets
    its children's DS); returns ({address: [(origin, signed path)]},
    the root's DS line: the trust anchor)."""
    plain = validating.subdir(top, "plain")
    layout = resolver.make_zones(plain)
    kinds = {".": "nsec", "test.": "nsec3"}
    kinds.update((resolver.sld(k), denial(k))
                 for k in range(resolver.SLD_COUNT))
    src = {o: f for zones in layout.values() for o, f in zones}
    signed, ds = {}, {}
    order = [resolver.sld(k) for k in range(resolver.SLD_COUNT)] + [
        "test.", "."]
    for origin in order:
        text = src[origin].read_text()
        text += "".join(ds[c] + "\n" for c in ds if parent(c) == origin)
        d = validating.subdir(top, origin.rstrip(".") or "root")
        signed[origin], ds[origin], _ = signing.sign(d, origin, 13,
                                                     kinds[origin], text)
    return ({a: [(o, signed[o]) for o, _ in zones]
             for a, zones in layout.items()}, ds["."])


def parent(origin):
    return origin.split(".", 1)[1] or "."


def write_queries(path, names):
    """dnsperf -B input as resolver.write_queries, each query with EDNS
    (1232) and DO: in the wire itself, which -B sends as it is."""
    out = bytearray()
    for i, (name, qtype) in enumerate(names):
        q = dns.message.make_query(name, qtype, use_edns=0,
                                   payload=PAYLOAD, want_dnssec=True)
        q.id = i & 0xffff
        w = q.to_wire()
        out += struct.pack("!H", len(w)) + w
    path.write_bytes(bytes(out))


def check_answers(where, names, sample=50):
    """A fixed sample of the set asked again with DO (from the cache):
    how many came back right and validated (AD, with RRSIGs)."""
    good = 0
    for name, qtype in names[::max(1, len(names) // sample)][:sample]:
        rcode, addr = resolver.expected(name, qtype)
        q = dns.message.make_query(name, qtype, use_edns=0,
                                   payload=PAYLOAD, want_dnssec=True)
        try:
            r = dns.query.udp(q, where[0], port=where[1], timeout=2)
        except (dns.exception.DNSException, OSError):
            continue
        got = {rr.to_text() for s in r.answer for rr in s}
        sigs = any(s.rdtype == 46 for s in r.answer + r.authority)
        good += (r.rcode() == rcode and (addr is None or addr in got) and
                 bool(r.flags & dns.flags.AD) and sigs)
    return good


# The resolvers, validating from top/anchor.txt.
def banchi_resolver(d, port, pin, build, hints):
    return peers.Proc("banchi-resolver", pin + validating.banchi_argv(
        d, port, build, hints, ["--allow-special", "test"]), port, d)


def unbound(d, port, pin, build, hints):
    return peers.Proc("unbound", pin + validating.unbound_argv(
        d, port, hints, ['  local-zone: "test." nodefault']), port, d)


def kresd(d, port, pin, build, hints):
    # test. is refused by kresd's special-name policy
    return peers.Proc("kresd", pin + validating.kresd_argv(
        d, port, "rootns.", resolver.ROOT_ADDR, [
            "policy.add(policy.suffix(policy.PASS, {todname('test.')}))"]),
        port, d)


def pdns_recursor(d, port, pin, build, hints):
    (d / "anchors.lua").write_text("clearTA()\naddTA('.', '%s')\n"
                                   % " ".join(validating.anchor_ds(d)))
    conf = ["local-address=127.0.0.1", "local-port=%d" % port,
            "threads=1", "pdns-distributes-queries=no",
            "hint-file=%s" % hints, "dont-query=", "dnssec=validate",
            "lua-config-file=%s" % (d / "anchors.lua"),
            "socket-dir=%s" % d, "daemon=no", "disable-syslog=yes",
            "quiet=yes", "loglevel=3", "security-poll-suffix=",
            "reuseport=no"]
    (d / "recursor.conf").write_text("\n".join(conf) + "\n")
    return peers.Proc("pdns-recursor", pin + [
        "pdns_recursor", "--config-dir=%s" % d], port, d)


# In the order of the rounds; the first is the reference for ratios.
ALL = [("banchi-resolver", banchi_resolver), ("unbound", unbound),
       ("pdns-recursor", pdns_recursor), ("kresd", kresd)]
TOOLS = {"unbound": "unbound", "pdns-recursor": "pdns_recursor",
         "kresd": "kresd"}


def run(top, mode, build, only=None):
    """{"stats": {name: figures}, "failed": {name: why}, "params",
    "signing_s"}."""
    ncold, nwarm, seconds = MODES[mode]
    which = [(n, fn) for n, fn in ALL if not only or n in only]
    failed = {}
    if not (build / "banchi-resolver").exists():
        failed["banchi-resolver"] = "not built in %s" % build
    for name, tool in TOOLS.items():
        if not shutil.which(tool):
            failed[name] = "%s not installed" % tool
    names = resolver.name_set()
    qfile, hints = top / "queries-do.bin", top / "root.hints"
    write_queries(qfile, names)
    resolver.write_hints(hints)
    t = time.monotonic()
    layout, anchor = sign_layout(top)
    signing_s = time.monotonic() - t
    validating.write_anchor(top, anchor)
    hier, started = [], {}
    try:
        resolver.start_hierarchy(top, build, hier, layout)
        print("signed hierarchy (%d zones, %d names) signed in %.1f s, up "
              "in %.1f s" % (resolver.SLD_COUNT + 2, resolver.NAMES,
                             signing_s, time.monotonic() - t), flush=True)
        cold = resolver.cold_rounds(top, which, build, hints, qfile, names,
                                    ncold, started, failed, check_answers)
        warm = resolver.warm_rounds(started, qfile, nwarm, seconds)
        stats = {n: resolver.summarize(cold[n], warm[n],
                                       measure.tree_memory(p.pid))
                 for n, p in started.items()}
        return {"stats": stats, "failed": failed, "params": MODES[mode],
                "signing_s": signing_s}
    finally:
        for p in list(started.values()) + hier:
            resolver.stop(p)
            shutil.copy(p.log, top / ("%s.log" % p.name))


def _cold(stats):
    f = report._f
    rows = ["| resolver | cold pass ms (median) | min–max ms | CPU ms "
            "(median) | answered (fewest) | SERVFAIL (all rounds) | lost "
            "(all rounds) | right+AD of 50 (fewest) | PSS MiB after |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, s in stats.items():
        rows.append("| %s | %s | %s–%s | %s | %d | %d | %d | %d | %s |" % (
            name, f(1000 * s["cold_s"]), f(1000 * s["cold_min"]),
            f(1000 * s["cold_max"]), f(1000 * s["cold_cpu"]),
            s["cold_answered"], s["cold_servfail"], s["cold_lost"],
            s["correct"], f(s["pss"], "%.1f")))
    return rows


def targets(stats):
    """Issue 13's two resolver rows against Unbound, met or not."""
    b, u = stats.get("banchi-resolver"), stats.get("unbound")
    if not (b and u):
        return []
    per = b["per_cpu"] / u["per_cpu"]
    cold = b["cold_s"] / u["cold_s"]
    return [
        "| target (issue 13) | banchi-resolver | unbound | ratio | met |",
        "|---|---|---|---|---|",
        "| cache hits with DO: answers per CPU-s ≥ 1.2× Unbound's | %.0f "
        "| %.0f | %.2f | %s |" % (b["per_cpu"], u["per_cpu"], per,
                                 "yes" if per >= 1.2 else "**no**"),
        "| cold pass over %s signed names ≤ Unbound's time (ms, median) "
        "| %.0f | %.0f | %.2f | %s |" % (
            "{:,}".format(resolver.NAMES), 1000 * b["cold_s"],
            1000 * u["cold_s"], cold, "yes" if cold <= 1.0 else "**no**"),
        "", "(Cache-hit QPS for reference: %.0f vs %.0f, %.2f×; cold-pass "
        "CPU %.0f vs %.0f ms.)" % (b["qps"], u["qps"], b["qps"] / u["qps"],
                                  1000 * b["cold_cpu"],
                                  1000 * u["cold_cpu"])]


def section(res):
    """The markdown lines of the validating resolver section."""
    ncold, nwarm, seconds = res["params"]
    stats = res["stats"]
    ref = next((n for n in ("banchi-resolver", "unbound") if n in stats),
               "banchi-resolver")
    w = [BEGIN, "## Validating resolver (DNSSEC)", "",
         "- The hierarchy of the resolver section (root, test., %d "
         "second-level zones, %s names, the same name set) signed with "
         "dnssec-signzone, algorithm 13 (ECDSA P-256) in every zone, KSK "
         "and ZSK: the root with NSEC, test. with NSEC3 (no salt, 0 "
         "iterations), the second-level zones half NSEC, half NSEC3 (a "
         "quarter of them with a salt and 2 iterations); each parent "
         "holds its children's DS. Served by banchi-auth as there."
         % (resolver.SLD_COUNT, "{:,}".format(resolver.NAMES)),
         "- Each resolver validates from the lab root's DS (banchi-"
         "resolver --trust-anchor; Unbound module-config \"validator "
         "iterator\", trust-anchor-file; Knot Resolver trust_anchors.add; "
         "PowerDNS Recursor dnssec=validate, addTA), otherwise configured "
         "as in the resolver section: one worker pinned to core 1, "
         "dnsperf on core 0. Every question carries EDNS (1232) with DO "
         "(in the -B wire file itself), so answers hold RRSIGs.",
         "- Cold: a fresh start, the whole set once (`dnsperf -n 1 -q 100 "
         "-c 4 -t 5`): wall time, and the resolver's CPU over the pass "
         "(utime+stime, 10 ms ticks); %d round(s), median. Then 50 names "
         "asked again with DO must come back right, with AD and RRSIGs "
         "(right+AD of 50)." % ncold,
         "- Warm: %d interleaved rounds of %d s of dnsperf (`-c 4 -q 200 "
         "-T 1`) over the cached set; answers per server CPU-second = "
         "completed queries / resolver CPU seconds." % (nwarm, seconds), ""]
    for name, why in res["failed"].items():
        w.append("- **%s not measured**: %s" % (name, why))
    if res["failed"]:
        w.append("")
    if stats:
        w += ["### Cache hits with DO", ""] + report._res_warm(stats, ref)
        w += ["", "### Cold pass", ""] + _cold(stats)
        t = targets(stats)
        if t:
            w += ["", "### Targets", ""] + t
        w += ["", "Reading these figures:", ""] + NOTES
    return w + ["", END]


NOTES = [
    "- The cold pass is mostly signature checks: about 2,100 ECDSA "
    "verifications for the 2,000 answers in banchi-resolver and in "
    "Unbound alike (counted with uprobes), so its CPU is the steadier "
    "figure; its wall time also waits on the hierarchy's servers, which "
    "share core 0 with dnsperf.",
    "- Server and dnsperf CPU % both well under 100 mean the two cores "
    "were shared with other work during the run: QPS then says little, "
    "answers per server CPU-second still compare the resolvers.",
]

