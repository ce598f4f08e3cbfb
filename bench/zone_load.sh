#!/bin/sh
# Zone load benchmark: generates (fixed seed) a 1,000,000-record zone and
# times banchi-check zone -p against named-checkzone and kzonecheck,
# 3 runs each, printing the medians as a markdown table.
# Usage: bench/zone_load.sh [BUILD_DIR] [RECORDS]
#   (BANCHI_CHECK=path overrides BUILD_DIR/banchi-check; `make bench`
#   passes its build directory)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
if [ $# -gt 0 ] && [ -d "$1" ]; then
	BUILD=$1
	shift
fi
N=${1:-1000000}
BIN=${BANCHI_CHECK:-$BUILD/banchi-check}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
ZONE=$TMP/bench.zone

/usr/bin/python3 - "$N" "$ZONE" <<'EOF'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(20240101)
out = open(path, "w")
w = out.write
w("$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n")
w("@ NS ns1\n@ NS ns2\nns1 A 192.0.2.1\nns2 AAAA 2001:db8::2\n")
count, i = 4, 0
while count < n:
    i += 1
    k = rnd.random()
    h = "h%d" % i
    if k < 0.35:
        w("%s A 10.%d.%d.%d\n" % (h, rnd.randrange(256), rnd.randrange(256),
                                  rnd.randrange(256)))
        count += 1
    elif k < 0.50:
        w("%s AAAA 2001:db8:%x::%x\n" % (h, rnd.randrange(65536),
                                         rnd.randrange(65536)))
        count += 1
    elif k < 0.62:
        w("%s MX 10 h%d\n%s MX 20 mail.example.net.\n" % (h, max(1, i - 1), h))
        count += 2
    elif k < 0.77:
        w('%s TXT "v=spf1 ip4:10.%d.0.0/16 -all" "%08x"\n'
          % (h, rnd.randrange(256), rnd.getrandbits(32)))
        count += 1
    elif k < 0.87:
        w("%s CNAME h%d\n" % (h, rnd.randrange(1, i + 1)))
        count += 1
    else:
        # Delegation with in-bailiwick glue and one external server.
        w("d%d NS ns.d%d\nd%d NS ns.example.net.\nns.d%d A 10.1.%d.%d\n"
          % (i, i, i, i, rnd.randrange(256), rnd.randrange(256)))
        count += 3
out.close()
EOF
RECS=$(grep -vc '^\$' "$ZONE")

# "wall cpu": medians over 3 runs of wall-clock and user+system seconds
# (CPU time is steadier on a busy machine).
median() {
	: >"$TMP/times"
	for run in 1 2 3; do
		/usr/bin/time -f "%e %U %S" -o "$TMP/time" "$@" \
			>/dev/null 2>&1 || true
		tail -n 1 "$TMP/time" >>"$TMP/times"
	done
	w=$(awk '{ print $1 }' "$TMP/times" | sort -n | sed -n 2p)
	c=$(awk '{ printf "%.2f\n", $2 + $3 }' "$TMP/times" | sort -n | sed -n 2p)
	printf '%s | %s' "$w" "$c"
}

echo "Zone: $RECS records, $(du -m "$ZONE" | cut -f1) MiB"
echo
echo "| tool | command | wall (s) | CPU (s) |"
echo "|---|---|---|---|"
t=$(median "$BIN" zone -p -q -o /dev/null example. "$ZONE")
echo "| banchi-check | zone -p -o /dev/null | $t |"
t=$(median "$BIN" zone -q example. "$ZONE")
echo "| banchi-check | zone (checks) | $t |"
if command -v named-checkzone >/dev/null; then
	t=$(median named-checkzone -i local example. "$ZONE")
	echo "| named-checkzone | -i local | $t |"
fi
if command -v kzonecheck >/dev/null; then
	t=$(median kzonecheck -o example. "$ZONE")
	echo "| kzonecheck | -o example. | $t |"
fi
