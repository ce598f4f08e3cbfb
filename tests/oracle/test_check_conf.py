"""banchi-check conf: banchi-auth's config file checked without serving;
each mistake in the zones' access lists and keys reported as FILE:LINE
with exit status 1, a good file accepted (exit 0). Run: /usr/bin/python3
-m pytest tests/oracle (BANCHI_CHECK=binary)."""

import os
import subprocess
from pathlib import Path

import pytest

BIN = Path(os.environ.get("BANCHI_CHECK", "build/banchi-check"))

GOOD = """server:
  listen: 127.0.0.1:5300
  zone-dir: /var/lib/banchi
zones:
  - name: example.test
    file: example.test.zone
    allow-transfer: [192.0.2.53, "key:k1"]
    allow-update: "key:k1"
keys:
  - name: k1
    algorithm: hmac-sha256
    secret: "FDdHLDXmMQDKZMkQj0xpXZLQlLBaGXx3jy5hYo1oUF4="
"""

BAD = [
    ('    allow-update: "300.1.1.1"\n', 8, "allow-update: '300.1.1.1'"),
    ('    allow-update: "key:"\n', 8, "not a key name"),
    ('    allow-transfer: {a: b}\n', 7, "expected a string or a list"),
    ('    allow-updates: "::1"\n', 8, "unknown key 'zones.allow-updates'"),
    ('    notify-ns: maybe\n', 8, "zones.notify-ns: expected true, false"),
    ('    notify-ns: "key:"\n', 8, "not a key name"),
    # checked once the keys are read: still at the zone's line
    ('    notify-ns: key:nokey\n', 8, "no key 'nokey.'"),
]


def run(tmp_path, text):
    p = tmp_path / "auth.yaml"
    p.write_text(text)
    r = subprocess.run([str(BIN), "conf", str(p)], capture_output=True,
                       text=True, timeout=20)
    return p, r


def test_good_file(tmp_path):
    p, r = run(tmp_path, GOOD)
    assert r.returncode == 0, r.stderr
    assert "1 zones, 1 keys, 1 allow-transfer, 1 allow-update" in r.stdout


@pytest.mark.parametrize("line,lineno,msg", BAD)
def test_mistakes_have_file_and_line(tmp_path, line, lineno, msg):
    lines = GOOD.splitlines(keepends=True)
    lines[lineno - 1] = line
    p, r = run(tmp_path, "".join(lines))
    assert r.returncode == 1
    assert r.stderr.startswith("%s:" % p), r.stderr
    assert msg in r.stderr, r.stderr
    if "notify-ns" in line:
        assert r.stderr.startswith("%s:%d: " % (p, lineno)), r.stderr


def test_notify_ns_accepted(tmp_path):
    lines = GOOD.splitlines(keepends=True)
    lines[7] = "    notify-ns: key:k1\n"
    p, r = run(tmp_path, "".join(lines))
    assert r.returncode == 0, r.stderr
