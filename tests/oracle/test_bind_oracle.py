"""BIND as the oracle for banchi-check: each zone of our corpus and of the
shared corpora is refused by both named-compilezone and `banchi-check zone
-p`, or accepted by both with equal RR sets; our checks are held against
named-checkzone -i local -k fail and kzonecheck. No network (-i none).
Run: /usr/bin/python3 -m pytest tests/oracle (BANCHI_CHECK=binary)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "zones"
OWN = ROOT / "tests" / "data" / "zones"
BIN = Path(os.environ.get("BANCHI_CHECK", "build/banchi-check"))
if not BIN.is_absolute():
    BIN = ROOT / BIN

COMPILE = shutil.which("named-compilezone")
CHECKZONE = shutil.which("named-checkzone")
KZONECHECK = shutil.which("kzonecheck")

# Known differences, each with its reason. Keep this short.
KNOWN = {
}
# Where we report a problem on fewer lines than the tools do.
KNOWN_LINES = {
    "simdzone/xbounds.zone": "BIND reports check-names on every copy of "
                             "duplicate NSEC3 records; we check after "
                             "dropping duplicates",
}

# Check cases neither tool judges, with what we find and why.
KNOWN_CHECKS = {
    "12-dnssec.zone": "hand-made signatures: kzonecheck cannot read the "
                      "file (Knot's dialect) and BIND does not check "
                      "signatures; we find the RRSIGs missing or expired "
                      "that kzonecheck finds in zones it reads",
}

LDNS_ORIGINS = {
    "08-zonereader.inputzone": "jelte.nlnetlabs.nl.",
    "08-zonereader.outputzone": "jelte.nlnetlabs.nl.",
    "14-read-zone.db": "miek.nl.",
    "20-sign-zone.db": "jelte.nlnetlabs.nl.",
    "A.1.Simple-EXAMPLE-Zone": "example.",
    "A.2.Complex-EXAMPLE-Zone": "example.",
    "A.3.EXAMPLE-Zone-with-multiple-digests": "example.",
    "A.4.The-URI.ARPA-Zone": "uri.arpa.",
    "A.5.The-ROOT-SERVERS.NET-Zone": "root-servers.net.",
}


def origin_comment(path, default):
    """First line "; origin NAME" overrides the default origin."""
    with open(path, "rb") as f:
        m = re.match(rb";\s*origin\s+(\S+)", f.readline())
    return m.group(1).decode() if m else default


def cases():
    """(id, cwd, file relative to cwd, origin) for every corpus file."""
    out = []
    for sub in ("", "refuse", "checks"):
        d = OWN / sub
        for p in sorted(d.glob("*.zone")):
            rel = p.relative_to(OWN)
            out.append(("own/" + str(rel), OWN, str(rel),
                        origin_comment(p, "example.")))
    bm = SHARED / "bind-master"
    for p in sorted(bm.glob("*.data")) if bm.is_dir() else []:
        out.append(("bind-master/" + p.name, bm, p.name, "test."))
    kz = SHARED / "knot-zscanner" / "data"
    for p in sorted(kz.glob("*.in")) if kz.is_dir() else []:
        out.append(("knot/" + p.name, kz, p.name, "."))
    dp = SHARED / "dnspython"
    if (dp / "example").is_file():
        out.append(("dnspython/example", dp, "example", "example."))
    ld = SHARED / "ldns"
    for p in sorted(ld.glob("*.tpkg/*")) if ld.is_dir() else []:
        if p.is_file():
            out.append(("ldns/" + p.name, p.parent, p.name,
                        LDNS_ORIGINS.get(p.name, ".")))
    sz = SHARED / "simdzone" / "xbounds.zone"
    if sz.is_file():
        out.append(("simdzone/xbounds.zone", sz.parent, sz.name,
                    "xxxxxxxxxxx.xxx."))
    return out


CASES = cases()


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)


def bind_compile(cwd, origin, path, out):
    r = run([COMPILE, "-q", "-i", "none", "-k", "ignore", "-o", str(out),
             origin, str(path)], cwd)
    return r.returncode


def ours(cwd, origin, path, out, generic):
    args = [str(BIN), "zone", "-p"] + (["-g"] if generic else []) + \
        ["-q", "-o", str(out), origin, str(path)]
    r = run(args, cwd)
    assert r.returncode in (0, 1), r.stderr.decode(errors="replace")
    return r.returncode


def split_rr(line):
    """Names compare exactly: BIND spells each RRset's owner as its first
    RR did and keeps the last duplicate's RDATA, and so do we."""
    owner, ttl, cls, typ, rest = (line.split(None, 4) + [""])[:5]
    return owner, int(ttl), cls.upper(), typ.upper(), rest.strip()


def bind_lines(path):
    """BIND output as a set of (owner, ttl, class, type, rdata text)."""
    rrs = set()
    for line in Path(path).read_text(errors="surrogateescape").splitlines():
        if line and not line.startswith(";"):
            rrs.add(split_rr(line))
    return rrs


# Mnemonics BIND (or we) print that dnspython 2.3 lacks.
EXTRA_TYPES = {"EID": 31, "NIMLOC": 32, "ATMA": 34, "SINK": 40,
               "NINFO": 56, "RKEY": 57, "TALINK": 58, "UINFO": 100,
               "UID": 101, "GID": 102, "UNSPEC": 103, "AVC": 258,
               "DOA": 259, "AMTRELAY": 260, "RESINFO": 261}


def type_code(text):
    m = re.fullmatch(r"TYPE(\d+)", text)
    if m:
        return int(m.group(1))
    if text in EXTRA_TYPES:
        return EXTRA_TYPES[text]
    return dns.rdatatype.from_text(text)


def class_code(text):
    m = re.fullmatch(r"CLASS(\d+)", text)
    return int(m.group(1)) if m else dns.rdataclass.from_text(text)


def to_wire(cls, typ, text):
    """RDATA text as BIND printed it to wire octets, None where dnspython
    cannot read it."""
    try:
        rd = dns.rdata.from_text(class_code(cls), type_code(typ), text,
                                 origin=dns.name.root)
        return rd.to_wire()
    except Exception:
        return None


def our_generic(path):
    rrs = set()
    for line in Path(path).read_text().splitlines():
        owner, ttl, cls, typ, rest = split_rr(line)
        m = re.fullmatch(r"\\# (\d+)((?: [0-9A-Fa-f]+)*)", rest)
        assert m, "not generic: " + line
        data = bytes.fromhex(m.group(2).replace(" ", ""))
        assert len(data) == int(m.group(1)), line
        rrs.add((owner, ttl, class_code(cls), type_code(typ), data))
    return rrs


def compare_generic(bind_rrs, gen_path, cwd, origin, tmp):
    """dnspython reads BIND's text; what it cannot read is compared after
    BIND read our generic output back in."""
    ours_set = our_generic(gen_path)
    want, types = set(), set()
    for owner, ttl, cls, typ, text in bind_rrs:
        wire = to_wire(cls, typ, text)
        if wire is None:
            types.add(type_code(typ))
        else:
            want.add((owner, ttl, class_code(cls), type_code(typ), wire))
    if types:
        back = tmp / "generic.bind"
        assert bind_compile(cwd, origin, gen_path, back) == 0
        got = {t for t in bind_lines(back) if type_code(t[3]) in types}
        assert got == {t for t in bind_rrs if type_code(t[3]) in types}
        ours_set = {t for t in ours_set if t[3] not in types}
        want = {t for t in want if t[3] not in types}
    missing = sorted(want - ours_set)[:5]
    extra = sorted(ours_set - want)[:5]
    assert not missing and not extra, f"missing {missing} extra {extra}"


@pytest.mark.skipif(not COMPILE, reason="named-compilezone not installed")
@pytest.mark.parametrize("cid,cwd,rel,origin", CASES,
                         ids=[c[0] for c in CASES])
def test_zone_vs_bind(cid, cwd, rel, origin, tmp_path):
    if cid in KNOWN:
        pytest.xfail(KNOWN[cid])
    bind_out, gen_out, txt_out = (tmp_path / n for n in
                                  ("bind.txt", "gen.txt", "pres.txt"))
    rb = bind_compile(cwd, origin, rel, bind_out)
    ro = ours(cwd, origin, rel, gen_out, True)
    if rb or ro:
        assert rb and ro, f"BIND exit {rb}, banchi-check exit {ro}"
        return
    bind_rrs = bind_lines(bind_out)
    compare_generic(bind_rrs, gen_out, cwd, origin, tmp_path)
    # Our presentation form must read back (in BIND) to the same set.
    assert ours(cwd, origin, rel, txt_out, False) == 0
    back = tmp_path / "pres.bind"
    assert bind_compile(cwd, origin, txt_out, back) == 0
    assert bind_lines(back) == bind_rrs


def test_corpus_is_varied():
    """Our corpus must use every type of the type table (by mnemonic or
    in the refused/check files)."""
    text = "\n".join(p.read_text(errors="replace")
                     for p in OWN.rglob("*.zone")).upper()
    assert len(list(OWN.glob("*.zone"))) >= 25
    for t in ("A6", "APL", "LOC", "SVCB", "HTTPS", "CAA", "NAPTR", "HIP",
              "IPSECKEY", "ZONEMD", "CSYNC", "$GENERATE", "$INCLUDE",
              "\\#", "AMTRELAY", "RESINFO", "EUI64", "TLSA", "DOA"):
        assert t in text, t


# --- semantic checks -------------------------------------------------------

# (id, path, origin): our check cases and corpus, and the shared zones
# with an apex (Knot's parser cases have none).
CHECKS = [(str(p.relative_to(OWN)), p, origin_comment(p, "example."))
          for p in sorted((OWN / "checks").glob("*.zone")) +
          sorted(OWN.glob("*.zone"))] + \
         [(c[0], Path(c[1]) / c[2], c[3]) for c in CASES
          if not c[0].startswith(("own/", "knot/"))]
BIND_NOISE = re.compile(r"loaded serial|^OK$|not loaded due to errors|"
                        r"loading from master file .* failed")


def tool_runs(path, origin):
    """named-checkzone and kzonecheck output; Knot's own dialect may fail
    to read what BIND reads (CLASS1, a relative $ORIGIN, MD in a bitmap):
    BIND's reading is ours, so such a Knot run counts as silent."""
    b = run([CHECKZONE, "-i", "local", "-k", "fail", origin, path.name],
            path.parent)
    k = run([KZONECHECK, "-v", "-o", origin, path.name], path.parent)
    ktext = k.stderr.decode() + k.stdout.decode()
    if "failed to load zone" in ktext:
        k, ktext = subprocess.CompletedProcess(k.args, 0, b"", b""), ""
    btext = [ln for ln in b.stdout.decode().splitlines()
             if ln and not BIND_NOISE.search(ln)]
    return b.returncode, btext, k.returncode, ktext.splitlines()


def expected_level(path, origin):
    """2 error (either tool fails), 1 warning only, 0 silent."""
    brc, btext, krc, ktext = tool_runs(path, origin)
    if brc or krc:
        return 2
    knotes = [ln for ln in ktext if ln.startswith(("warning:", "notice:"))]
    return 1 if btext or knotes else 0


def tool_mentions(path, origin):
    """What the tools point at: ("line", n) or ("name", owner.)."""
    _, btext, _, ktext = tool_runs(path, origin)
    out = set()
    for ln in btext:
        m = re.search(r":(\d+): ", ln)
        z = re.match(r"zone [^ ]+: (?:'([^']+)' found|([^ ']+)/[A-Z0-9]+ )",
                     ln)
        if m and not ln.startswith("zone "):
            out.add(("line", int(m.group(1))))
        elif z:
            out.add(("name", (z.group(1) or z.group(2)).lower() + "."))
        else:
            out.add(("name", origin.lower()))
    for ln in ktext:
        m = re.match(r"\[([^\]]+)\] ", ln) or \
            re.search(r"owner ([^ ,]+)", ln)
        if m:
            out.add(("name", m.group(1).lower()))
    return out


def our_mentions(diag):
    out = set()
    for ln in diag:
        m = re.match(r"[^:]+:(\d+): (?:warning: )?(?:([^ /]+)/)?", ln)
        if m:
            out.add(("line", int(m.group(1))))
        if m and m.group(2):
            out.add(("name", m.group(2).lower()))
        out.update(("name", q.lower()) for q in re.findall(r"'([^']+)'", ln))
    return out


@pytest.mark.skipif(not (CHECKZONE and KZONECHECK),
                    reason="named-checkzone or kzonecheck missing")
@pytest.mark.parametrize("cid,path,origin", CHECKS,
                         ids=[c[0] for c in CHECKS])
def test_checks_vs_tools(cid, path, origin):
    if cid in KNOWN_CHECKS:
        pytest.xfail(KNOWN_CHECKS[cid])
    want = expected_level(path, origin)
    r = run([str(BIN), "zone", origin, path.name], path.parent)
    err = r.stderr.decode()
    diag = [ln for ln in err.splitlines() if re.match(r"[^:]+:\d+: ", ln)]
    assert len(diag) == len(err.splitlines()), err
    warned = any(": warning: " in ln for ln in diag)
    if want == 2:
        assert r.returncode == 1, err
    else:
        assert r.returncode == 0, err
        assert warned == (want == 1), err
    # Whatever the tools point at (a line, an owner), we point at too,
    # unless the file did not parse (then neither tool nor we go on).
    if any(not re.match(r"[^:]+:\d+: (warning: )?[^ /]+/[A-Z0-9]+: ", ln)
           and ": warning: " not in ln for ln in diag) or cid in KNOWN_LINES:
        return
    missed = tool_mentions(path, origin) - our_mentions(diag)
    assert not missed, f"not reported: {sorted(missed)}\n{err}"


# --- Knot's parser cases, given an apex ------------------------------------

KNOT = [c for c in CASES if c[0].startswith("knot/")]
KNOT_APEX = ("$TTL 3600\n. SOA ns.example. h.example. 1 2 3 4 5\n"
             ". NS ns.example.\nns.example. A 192.0.2.1\n")


@pytest.mark.skipif(not COMPILE, reason="named-compilezone not installed")
@pytest.mark.parametrize("cid,cwd,rel,origin", KNOT, ids=[c[0] for c in KNOT])
def test_knot_case_with_apex(cid, cwd, rel, origin, tmp_path):
    """Knot's cases have no SOA, so BIND refuses them all; with an apex
    prepended, the records themselves get compared."""
    src = tmp_path / "with-apex.zone"
    src.write_bytes(KNOT_APEX.encode() + (Path(cwd) / rel).read_bytes())
    bind_out, gen_out = tmp_path / "bind.txt", tmp_path / "gen.txt"
    rb = bind_compile(cwd, origin, src, bind_out)
    ro = ours(cwd, origin, src, gen_out, True)
    if rb or ro:
        assert rb and ro, f"BIND exit {rb}, banchi-check exit {ro}"
        return
    compare_generic(bind_lines(bind_out), gen_out, cwd, origin, tmp_path)
