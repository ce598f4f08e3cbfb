"""Fixtures: the real banchi-auth (env BANCHI_AUTH, default
build/banchi-auth) serving tests/integration/zones on a free loopback port.
BANCHI_ITEST_PEER=knot|nsd|bind runs the answer tests against a peer
instead (to check the tests themselves)."""

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers  # noqa: E402

ZONES = Path(__file__).resolve().parent / "zones"
ZONE_LIST = [("itest.test", "itest.test.zone"),
             ("other.test", "other.test.zone")]
PEER = os.environ.get("BANCHI_ITEST_PEER", "")


def pytest_collection_modifyitems(config, items):
    if PEER:
        skip = pytest.mark.skip(reason="banchi-only test (peer mode)")
        for it in items:
            if "banchi_only" in it.keywords:
                it.add_marker(skip)
        return
    if not servers.banchi_binary().exists():
        skip = pytest.mark.skip(reason="no %s" % servers.banchi_binary())
        for it in items:
            it.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line("markers",
                            "banchi_only: daemon behaviour, not for peers")
    # `make test` runs these once: their time goes to waits, loads and
    # peers, not to code ASan would see more of (make test-asan skips them)
    config.addinivalue_line("markers",
                            "slow: timing or load test, not run again "
                            "under ASan")


def make_zone_dir():
    d = servers.world_dir("banchi-itest-")
    zones = []
    for origin, fname in ZONE_LIST:
        zones.append((origin, servers.copy_zone(ZONES / fname, d)))
    return d, zones


def check_log(s):
    """Sanitizer reports, and system calls the sandbox refused, in a
    server's log fail the test that ran it."""
    text = s.log_text()
    for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                 "runtime error:", "sandbox: system call"):
        assert mark not in text, text[-4000:]


def start(d, zones, **kw):
    if PEER == "knot":
        return servers.start_knot(d, zones)
    if PEER == "nsd":
        return servers.start_nsd(d, zones)
    if PEER == "bind":
        return servers.start_bind(d, zones)
    return servers.start_banchi(d, zones, **kw)


@pytest.fixture(scope="session")
def auth():
    """The shared server: read-only tests only (nothing that reloads,
    stops or floods it)."""
    d, zones = make_zone_dir()
    s = start(d, zones)
    try:
        yield s
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def fresh():
    """A server of its own for one test; returns (start_fn, zone_dir,
    zones) where start_fn(**kw) starts it (kept and stopped at the end)."""
    d, zones = make_zone_dir()
    started = []

    def go(**kw):
        s = start(d, zones, **kw)
        started.append(s)
        return s
    try:
        yield go, d, zones
        for s in started:
            s.stop(timeout=5)
            check_log(s)
    finally:
        for s in started:
            s.stop(timeout=5)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def where(auth):
    return auth.where
