"""RFC 5011 rollover of the root's key in a loopback lab: banchi-auth
serves a root signed with dnssec-signzone, banchi-resolver reaches it
as a stub zone and keeps its trust anchor in a state file
(--auto-trust-anchor, started from the DS of KSK 1, hold-downs of 3 s,
--permit-small-holddown). KSK 2 is published: pending, then trusted
after the hold-down; KSK 1 revoked (signing the set itself): no longer
trusted; then withdrawn: forgotten after the remove hold-down. Answers
stay secure (AD) throughout and after a restart from the file, while a
resolver with a static anchor of KSK 1 fails (SERVFAIL) once KSK 1 is
gone. A state file that is wrong stops the start with its line."""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dns.flags
import dns.rcode
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent /
                       "integration"))
import servers  # noqa: E402
import validators  # noqa: E402

HOLD = 3


def sh(*argv, cwd):
    return subprocess.run([str(a) for a in argv], cwd=cwd, check=True,
                          capture_output=True, text=True,
                          timeout=60).stdout.strip()


class Root:
    """Keys and the signed root zone in d (served from d/signed)."""

    def __init__(self, d):
        self.d = d
        gen = ["dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-L", "2",
               "-K", "."]
        self.k1 = sh(*gen, "-f", "KSK", ".", cwd=d)
        self.k2 = sh(*gen, "-f", "KSK", ".", cwd=d)
        self.zsk = sh(*gen, ".", cwd=d)
        self.serial = 0

    def tag(self, key):
        return int(key.split("+")[-1])

    def sign(self, keys, ksks):
        self.serial += 1
        inc = "".join("$INCLUDE %s.key\n" % k for k in keys + [self.zsk])
        (self.d / "root.zone").write_text(
            "$TTL 2\n. SOA ns. h. %d 3600 600 86400 2\n. NS ns.\n"
            "ns. A 127.0.0.1\nwww. A 192.0.2.1\n%s" % (self.serial, inc))
        ks = sum((["-k", k] for k in ksks), [])
        sh("dnssec-signzone", "-q", "-K", ".", "-o", ".", *ks, "-f",
           "signed", "root.zone", self.zsk + ".key", cwd=self.d)
        (self.d / "signed").chmod(0o644)

    def ds(self, key):
        return sh("dnssec-dsfromkey", "-2", key + ".key", cwd=self.d)


def states(path):
    """{tag: state} of the state file."""
    out = {}
    for line in path.read_text().splitlines():
        m = re.search(r"DNSKEY (\d+) 3 (\d+) (\S+).*;;state=(\w+)", line)
        if m:
            out[line] = m.group(4)
    return out


def state_of(path, root, key):
    """The state of key in the file (matched by its public key)."""
    pub = (root.d / (key + ".key")).read_text().split("DNSKEY")[1].split()
    for line, st in states(path).items():
        if "".join(pub[3:]) in line.replace(" ", ""):
            return st
    return None


def wait(what, fn, limit=15):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if fn():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for %s" % what)


def secure(where):
    r = validators.ask(where, "www.", "A")
    return r is not None and r.rcode() == dns.rcode.NOERROR and \
        bool(r.flags & dns.flags.AD)


def resolver(d, auth, extra):
    port = servers.free_port()
    (d / "hints").write_text(validators.HINTS)    # never the Internet's
    argv = [str(servers.banchi_binary().parent / "banchi-resolver"),
            "--listen", "127.0.0.1:%d" % port, "--threads", "1",
            "--root-hints", str(d / "hints"), "--control", "none", "--stub",
            ".=127.0.0.1:%d" % auth.where[1]] + extra
    return servers.Server("banchi-resolver", argv, ("127.0.0.1", port), d,
                          ".", wait=False)


@pytest.mark.skipif(not shutil.which("dnssec-signzone"),
                    reason="no dnssec-signzone (bind9-dnsutils)")
def test_rollover_and_revocation():
    top = servers.world_dir("banchi-autotrust-")
    started = []
    try:
        root = Root(top)
        root.sign([root.k1], [root.k1])
        auth = servers.start_banchi(top, [(".", top / "signed")],
                                    extra=["--control", "none"])
        started.append(auth)
        keep = top / "state"            # the resolver's user writes here
        keep.mkdir()
        keep.chmod(0o777)
        state = keep / "root.key"
        state.write_text(root.ds(root.k1) + "\n")
        auto = ["--auto-trust-anchor", str(state), "--permit-small-holddown",
                "--add-holddown", str(HOLD), "--del-holddown", str(HOLD)]
        res = resolver(top, auth, auto)
        started.append(res)
        wait("KSK 1 trusted", lambda: state_of(state, root, root.k1) ==
             "VALID")
        wait("a secure answer", lambda: secure(res.where))
        assert "DS" not in state.read_text().split(";;")[-1]

        root.sign([root.k1, root.k2], [root.k1, root.k2])
        auth.proc.send_signal(1)
        wait("KSK 2 pending", lambda: state_of(state, root, root.k2) ==
             "ADDPEND")
        t0 = time.monotonic()
        wait("KSK 2 trusted", lambda: state_of(state, root, root.k2) ==
             "VALID")
        assert time.monotonic() - t0 >= HOLD - 1.5
        assert "new key %d" % root.tag(root.k2) in res.log_text()

        k1r = sh("dnssec-revoke", "-K", ".", root.k1, cwd=top)
        root.sign([k1r, root.k2], [k1r, root.k2])
        auth.proc.send_signal(1)
        wait("KSK 1 revoked", lambda: state_of(state, root, k1r) ==
             "REVOKED")
        assert secure(res.where)

        root.sign([root.k2], [root.k2])
        auth.proc.send_signal(1)
        wait("KSK 1 forgotten", lambda: state_of(state, root, k1r) is None)
        assert state_of(state, root, root.k2) == "VALID"
        assert secure(res.where)
        log = res.log_text()
        assert "revoked (no longer trusted)" in log and "forgotten" in log

        # a static anchor of KSK 1 fails now; the state file does not
        static = top / "static.key"
        static.write_text(root.ds(root.k1) + "\n")
        static.chmod(0o644)
        old = resolver(top, auth, ["--trust-anchor", str(static)])
        started.append(old)
        wait("the static resolver", lambda: validators.ask(
            old.where, "www.", "A") is not None)
        assert validators.ask(old.where, "www.", "A").rcode() == \
            dns.rcode.SERVFAIL
        res.stop(timeout=5)
        res2 = resolver(top, auth, auto)
        started.append(res2)
        wait("secure after a restart", lambda: secure(res2.where))
    finally:
        for s in started:
            s.stop(timeout=5)
        shutil.rmtree(top, ignore_errors=True)


def test_bad_state_file():
    top = servers.world_dir("banchi-autotrust-bad-")
    try:
        state = top / "root.key"
        state.write_text(". 3600 IN DS 20326 8 2 E06D44B8\n"
                         ". 3600 IN DNSKEY 257 3 8 AwEAAQ== ;;state=LATER\n")
        r = subprocess.run([str(servers.banchi_binary().parent /
                                "banchi-resolver"), "--listen",
                            "127.0.0.1:%d" % servers.free_port(),
                            "--control", "none", "--auto-trust-anchor",
                            str(state)], capture_output=True, text=True,
                           timeout=20)
        assert r.returncode == 1, r
        assert re.search(r"root\.key: line 1: RDATA does not match",
                         r.stderr), r.stderr
        state.write_text(". 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D"
                         "08458E880409BBC683457104237C7F8EC8D\n")
        r = subprocess.run([str(servers.banchi_binary().parent /
                                "banchi-resolver"), "--control", "none",
                            "--listen", "127.0.0.1:%d" % servers.free_port(),
                            "--auto-trust-anchor", str(state),
                            "--trust-anchor", str(state)],
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 1 and "one or the other" in r.stderr, r
    finally:
        shutil.rmtree(top, ignore_errors=True)
