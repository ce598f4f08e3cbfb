"""Fixtures of the DHCP tests: a fresh pair of network namespaces per
test (netns.py), and banchi-dhcp (env BANCHI_DHCP, default
build/banchi-dhcp). They need root (namespaces, port 67) and the three
clients; without them the tests are skipped."""

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import netns  # noqa: E402

TOOLS = ("ip", "dhclient", "udhcpc", "dhcpcd")


def pytest_collection_modifyitems(config, items):
    why = None
    if os.geteuid() != 0:
        why = "needs root (network namespaces)"
    elif not netns.BANCHI_DHCP.exists():
        why = "no %s" % netns.BANCHI_DHCP
    else:
        missing = [t for t in TOOLS if not shutil.which(t, path="/usr/sbin:"
                                                         "/usr/bin:/sbin")]
        if missing:
            why = "missing %s (make deps)" % ", ".join(missing)
    if why:
        for it in items:
            it.add_marker(pytest.mark.skip(reason=why))


def pytest_configure(config):
    # make test-asan runs the others again, not these (waits, peers)
    config.addinivalue_line("markers",
                            "slow: timing or peer test, not run again "
                            "under ASan")


@pytest.fixture
def link():
    lk = netns.Link()
    try:
        yield lk
    finally:
        lk.close()
