#!/bin/sh
# The cores (base, wire, zparse, zone, and later auth, resolve, dnssec,
# dhcp) never include the I/O layers (net, daemon, ctl and the daemons' own
# folders, backend): DESIGN.md's dependency rule. Fails listing the
# offending lines.
cd "$(dirname "$0")/../.." || exit 1
bad=$(grep -rnE '#include "(net|daemon|ctl|authd|resolverd|backend)/' \
	src/base src/wire src/zparse src/zone \
	$(for d in auth resolve dnssec dhcp; do [ -d src/$d ] && echo src/$d; done))
if [ -n "$bad" ]; then
	echo "core code includes an I/O layer:"
	echo "$bad"
	exit 1
fi
echo "1 passed, 0 failed"
