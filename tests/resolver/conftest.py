"""Fixtures for the banchi-resolver tests: the loopback hierarchy
(session; banchi-auth from BANCHI_AUTH, NSD, fault servers on
127.0.0.10-40 port 53, so these tests run as root) and resolvers started
per test (BANCHI_RESOLVER), each stopped at the end even on failure.
RTEST_PEER=unbound runs the scenarios against Unbound instead (to check
the tests themselves); banchi_only tests are skipped then."""

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import daemons  # noqa: E402
import hierarchy  # noqa: E402
from hierarchy import servers  # noqa: E402


PEER = os.environ.get("RTEST_PEER", "")
# what the comparison with Unbound runs with (both sides)
COMPARE_FLAGS = ["--forward", "corp.=127.0.0.35", "--stub",
                 "branch.=127.0.0.36"]


def pytest_configure(config):
    config.addinivalue_line("markers",
                            "banchi_only: daemon behaviour, not for peers")
    config.addinivalue_line("markers",
                            "slow: timing or peer test, not run again "
                            "under ASan")


def pytest_collection_modifyitems(config, items):
    why = None
    if PEER:
        for it in items:
            if "banchi_only" in it.keywords:
                it.add_marker(pytest.mark.skip(reason="peer mode"))
    if os.geteuid() != 0:
        why = "needs root (servers on 127.0.0.x:53)"
    elif not servers.banchi_binary().exists():
        why = "no %s" % servers.banchi_binary()
    if why is None:
        return
    for it in items:
        it.add_marker(pytest.mark.skip(reason=why))


@pytest.fixture(scope="session")
def world():
    w = hierarchy.World()
    try:
        w.start()
        yield w
    finally:
        w.stop()
        w.remove()


@pytest.fixture
def world_clean(world):
    """The hierarchy with the fault servers' counters at zero."""
    world.reset_counters()
    return world


@pytest.fixture(autouse=True)
def no_fault_server_errors(request):
    """A fault server that failed to answer would make a test pass or
    fail for the wrong reason: each test checks they all went well."""
    yield
    if "world" in request.fixturenames:
        w = request.getfixturevalue("world")
        assert not w.fault_errors(), w.fault_errors()


@pytest.fixture
def start_resolver(world, tmp_path):
    """start(extra=(), config=None, hints=world.hints, **kw) -> Resolver;
    every resolver started is stopped (and its log checked for sanitizer
    reports) when the test ends."""
    if not PEER and not daemons.resolver_binary().exists():
        pytest.skip("no %s" % daemons.resolver_binary())
    tmp_path.chmod(0o755)
    started = []

    def go(extra=(), hints=None, **kw):
        if PEER:
            r = start_peer(tmp_path / ("u%d" % len(started)),
                           hints or world.hints, extra, **kw)
        else:
            r = daemons.start_resolver(tmp_path, hints or world.hints,
                                       extra=extra, **kw)
        started.append(r)
        return r
    try:
        yield go
        for r in started:
            r.stop(timeout=5)
            r.check_log()
    finally:
        for r in started:
            r.stop(timeout=5)


# banchi-resolver's cache: keys and Unbound's names for them
UNBOUND_KEYS = {"max-ttl": "cache-max-ttl", "min-ttl": "cache-min-ttl",
                "negative-max-ttl": "cache-max-negative-ttl"}


def start_peer(d, hints, extra, config=None, listen=("127.0.0.1",),
               special=("test",), threads=1):
    """Unbound with the config closest to the flags and YAML given
    (one thread whatever threads says)."""
    d.mkdir()
    more = []
    if config is not None:
        for line in config.read_text().splitlines():
            k, _, v = line.strip().partition(":")
            if k == "serve-stale" and int(v) > 0:
                more += ["serve-expired: yes", "serve-expired-ttl: " + v]
            elif k in UNBOUND_KEYS:
                more.append("%s: %s" % (UNBOUND_KEYS[k], v.strip()))
            elif k not in ("cache", "serve-stale"):
                pytest.skip("no Unbound equivalent of " + line)
    return daemons.start_unbound(d, hints, listen=listen, extra=extra,
                                 special=special, more=more)


@pytest.fixture
def rsv(start_resolver):
    """A resolver with the default settings and a cold cache."""
    return start_resolver()


@pytest.fixture(scope="session")
def unbound(world):
    if shutil.which("unbound") is None:
        pytest.skip("no unbound")
    d = servers.world_dir("banchi-rtest-unbound-")
    u = daemons.start_unbound(d, world.hints, extra=COMPARE_FLAGS)
    try:
        yield u
    finally:
        u.stop(timeout=5)
        shutil.rmtree(d, ignore_errors=True)
