"""Signed test zones made in the test itself: keys from dnssec-keygen,
signatures from dnssec-signzone (BIND 9), for the algorithms and denial
kinds the DNSSEC tests cover. Loopback only: BIND's tools never look a
name up here (-i none is not needed by dnssec-signzone, which reads no
network; -P skips nothing that would)."""

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "zones" / "signed.zone.in"

# (origin, algorithm, denial): NSEC, NSEC3 (no salt, 0 iterations: RFC
# 9276), NSEC3 with opt-out and a salt.
KINDS = [("nsec8.", 8, "nsec"), ("nsec3-13.", 13, "nsec3"),
         ("optout15.", 15, "optout"), ("nsec13.", 13, "nsec"),
         ("nsec3-8.", 8, "optout")]
KINDS_DENIAL = [(origin, denial) for origin, _, denial in KINDS]


def run(args, cwd):
    r = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if r.returncode:
        raise RuntimeError("%s: %s" % (" ".join(map(str, args)),
                                       r.stderr.decode(errors="replace")))
    return r.stdout.decode()


def keygen(d, origin, alg, ksk):
    args = ["dnssec-keygen", "-q", "-K", str(d), "-a", str(alg), "-n",
            "ZONE"]
    if alg in (5, 7, 8, 10):
        args += ["-b", "2048" if ksk else "1024"]
    if ksk:
        args += ["-f", "KSK"]
    return run(args + [origin], d).strip()


def sign(d, origin, alg, denial, text=None, extra=()):
    """Signs the template (or text) as origin in directory d; returns
    (signed zone path, the DS lines of its KSK, the KSK's DNSKEY line)."""
    d = Path(d)
    d.mkdir(parents=True, exist_ok=True)
    name = origin.rstrip(".") or "root"
    src = d / (name + ".zone")
    src.write_text(text if text is not None else TEMPLATE.read_text())
    ksk = keygen(d, origin, alg, True)
    keygen(d, origin, alg, False)
    out = d / (name + ".signed")
    args = ["dnssec-signzone", "-q", "-S", "-K", str(d), "-o", origin,
            "-f", str(out), "-s", "now-3600", "-e", "now+2592000"]
    if denial == "nsec3":
        args += ["-3", "-", "-H", "0"]
    elif denial == "optout":
        args += ["-3", "c0ffee", "-H", "2", "-A"]
    run(args + list(extra) + [str(src)], d)
    out.chmod(0o644)
    ds = run(["dnssec-dsfromkey", "-2", str(d / (ksk + ".key"))], d)
    key = (d / (ksk + ".key")).read_text().splitlines()
    key = [ln for ln in key if ln and not ln.startswith(";")][-1]
    return out, ds.strip(), key


def sign_all(top, kinds=KINDS):
    """Every kind signed under top: {origin: (path, ds, dnskey)}."""
    return {origin: sign(Path(top) / origin.rstrip("."), origin, alg, den)
            for origin, alg, den in kinds}
