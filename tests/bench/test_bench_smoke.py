"""Smoke test of the benchmark: `make bench QUICK=1 SMOKE=1` (quick mode
made smaller still, bench.py --smoke) runs to the end and
writes its table and chart (figures are not checked; benchmarks are not
tests). Output goes to a scratch directory, not doc/."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_runs_to_the_end(tmp_path):
    out = tmp_path / "benchmarks.md"
    build = os.environ.get("BUILD", "build")
    p = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT),
                        "bench", "QUICK=1", "SMOKE=1", "BUILD=" + build,
                        "BENCH_OUT=" + str(out)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    text = out.read_text()
    for server in ("banchi-auth", "nsd", "knot", "bind", "powerdns",
                   "ceiling"):
        assert "| %s |" % server in text
    assert "## 1,000 records" in text
    # The resolver rows: each peer resolved the name set on the test
    # hierarchy, and a sample of 50 answers asked again was right.
    assert "## Resolver" in text
    for server in ("unbound", "pdns-recursor", "kresd"):
        cold = re.search(r"^\| %s \| \d+ \| [^|]+ \| (\d+) \| (\d+) \| "
                         r"\d+ \| (\d+) \|" % server, text, re.M)
        assert cold, server
        assert cold.group(3) == "50", cold.group(0)
    # The validating rows (signed hierarchy, DO): each resolver answered
    # the whole cold pass, and 50 of 50 sampled answers were right and
    # validated (AD, RRSIGs).
    assert "## Validating resolver (DNSSEC)" in text
    val = text[text.index("## Validating resolver (DNSSEC)"):]
    val = val[:val.index("<!-- /resolver-dnssec -->")]
    for server in ("banchi-resolver", "unbound", "pdns-recursor", "kresd"):
        cold = re.search(r"^\| %s \| \d+ \| \d+–\d+ \| \d+ \| (\d+) \| "
                         r"\d+ \| \d+ \| (\d+) \|" % server, val, re.M)
        assert cold, (server, val)
        assert cold.group(1) == "2000" and cold.group(2) == "50", cold[0]
    assert re.search(r"^\| cache hits with DO: .* \| (yes|\*\*no\*\*) \|$",
                     val, re.M), val
    # The transfer rows: each server gave the whole zone (same count).
    assert "## Zone transfer (AXFR)" in text
    xfr = text[text.index("## Zone transfer (AXFR)"):]
    rows = [re.search(r"^\| %s \|(?: [^|]+ \|){6} (\d+) \|" % server,
                      xfr, re.M) for server in ("banchi-auth", "nsd", "knot")]
    assert None not in rows, text
    assert len({m.group(1) for m in rows}) == 1
    # The secondary rows: each secondary followed the change set by IXFR
    # (the primary logged one per round), and Knot took the zone from
    # each primary, the replayed one included (same message count as
    # banchi-auth's, whose AXFR it replays).
    assert "## Secondaries: IXFR in, AXFR floor" in text
    sec = text[text.index("## Secondaries: IXFR in, AXFR floor"):]
    sec = sec[:sec.index("<!-- /secondary -->")]
    for server in ("banchi-auth", "nsd", "knot", "bind"):
        assert re.search(r"^\| %s \| [\d.]+ \| [\d.]+–[\d.]+ \| [\d.]+ "
                         r"\| 1 IXFR \|$" % server, sec, re.M), server
    msgs = [re.search(r"^\| %s \| [\d.]+ \| [\d.]+–[\d.]+ \| [\d.]+ "
                      r"\| [\d.]+ \| [\d.]+ \| (\d+) \|" % server, sec,
                      re.M)
            for server in ("banchi-auth", "nsd", "knot", "replay")]
    assert None not in msgs, sec
    assert msgs[0].group(1) == msgs[3].group(1), sec
    # The dynamic update rows: every server answered updates NOERROR with
    # 1 and 16 in flight, and served a name the memory row added.
    assert "## Dynamic updates" in text
    for server in ("banchi-auth", "knot", "bind"):
        rates = re.search(r"^\| %s \| (\d+) \| \d+–\d+ \| [\d.]+ \| "
                          r"(\d+) \|" % server, text, re.M)
        assert rates and int(rates.group(1)) > 0 and \
            int(rates.group(2)) > 0, server
        assert re.search(r"^\| %s \| [\d.]+ \| [\d.]+ \| .* \| yes \|$"
                         % server, text, re.M), server
    # The SQL rows: every server answered the mix from its database (QPS
    # above zero, first pass without SERVFAIL), and every server reading
    # a database served the old address before each change and the new
    # one after it (seen = polled).
    assert "## Zones in SQL (PowerDNS databases)" in text
    sql = text[text.index("## Zones in SQL (PowerDNS databases)"):]
    sql = sql[:sql.index("<!-- /sql -->")]
    for server in ("banchi-file", "banchi-sqlite", "pdns-gsqlite3",
                   "banchi-pg", "pdns-gpgsql"):
        qps = re.search(r"^\| %s \| [^|]+ \| (\d+) \|" % server, sql, re.M)
        assert qps and int(qps.group(1)) > 0, server
        assert re.search(r"^\| [\d,]+ \| %s \|(?: [^|]+ \|){5} 0 \|"
                         % server, sql, re.M), server
    for server in ("banchi-sqlite", "pdns-gsqlite3", "banchi-pg",
                   "pdns-gpgsql"):
        ch = re.search(r"^\| %s \| (\d+) \| (\d+) \|(?: [^|]+ \|){3} "
                       r"(\d+) of (\d+) \| 0 \|" % server, sql, re.M)
        assert ch, server
        assert int(ch.group(1)) > 0 and len(set(ch.groups())) == 1, ch[0]
    # The KeyTrap rows: every resolver answered each malicious question
    # (all SERVFAIL, none lost).
    assert "## KeyTrap: CPU per malicious query" in text
    kt = text[text.index("## KeyTrap: CPU per malicious query"):]
    kt = kt[:kt.index("<!-- /keytrap -->")]
    for server in ("banchi-resolver", "unbound", "kresd", "bind"):
        row = re.search(r"^\| %s \| (\d+) \| (\d+) \| 0 \| ([\d.]+) \|"
                        % server, kt, re.M)
        assert row, kt
        assert int(row.group(1)) > 0 and row.group(1) == row.group(2), \
            row[0]
    # The signed-zone rows: each server answered the mix (QPS above zero)
    # and gave the same DO answers as Knot (NSD adds the apex NS to
    # positive answers): the NSEC3 proofs and their RRSIGs.
    assert "## Signed zone (NSEC3), DO=1 on half the queries" in text
    sg = text[text.index("## Signed zone (NSEC3)"):]
    sg = sg[:sg.index("<!-- /signed -->")]
    for server in ("banchi-auth", "nsd", "knot"):
        qps = re.search(r"^\| %s \| (\d+) \|" % server, sg, re.M)
        assert qps and int(qps.group(1)) > 0, sg
    do = {server: re.search(r"^\| %s \| (NOERROR.*)$" % server, sg,
                            re.M) for server in ("banchi-auth", "knot")}
    assert None not in do.values(), sg
    assert do["banchi-auth"].group(1) == do["knot"].group(1), sg
    assert "NXDOMAIN, 0+4 RRSIG, 3 NSEC3" in do["banchi-auth"].group(1)
    # The operations rows: plain, metrics and dnstap answered; reloads
    # under load all succeeded and the server answered meanwhile.
    assert "## Metrics, dnstap and reload under load" in text
    ops = text[text.index("## Metrics, dnstap and reload under load"):]
    ops = ops[:ops.index("<!-- /ops -->")]
    for run in ("plain", "metrics on", "dnstap on"):
        row = re.search(r"^\| %s \| (\d+) \(" % run, ops, re.M)
        assert row and int(row.group(1)) > 0, ops
    row = re.search(r"^\| reloads \| (\d+) \| (\d+) \| (\d+) \| "
                    r"(\d+) \(0\) \|", ops, re.M)
    assert row and int(row.group(2)) > 0 and int(row.group(4)) > 0, ops
    assert out.with_suffix(".png").stat().st_size > 1000
