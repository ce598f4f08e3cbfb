#!/bin/sh
# Remakes the zones test_denial.c takes its proofs from: zone.in signed
# with algorithm 13 (a KSK and a ZSK each), fixed dates (inception
# 2026-01-01, expiration 2036-01-01):
#   nsec.test.    BIND 9's dnssec-signzone, NSEC
#   nsec3.test.   dnssec-signzone, NSEC3, salt ab12cd, 0 iterations
#   optout.test.  dnssec-signzone, NSEC3 opt-out (-A), no salt
#   it150.test.   dnssec-signzone, NSEC3, 150 iterations (the most RFC
#                 9276 validators accept), a salt of 64 octets
#   it500.test.   Knot's kzonesign (BIND refuses more than 150), NSEC3,
#                 500 iterations, as of 2026-01-01 (-t): inception
#                 2025-12-31 22:30, expiration 2035-12-30
# Each is ZONE.signed; private keys and Knot's key database are deleted.
# Neither signer reads the network (no -i needed).
# Usage: sh mk.sh (in this folder; overwrites what is here).
set -eu
cd "$(dirname "$0")"
rm -f ./*.signed ./*.key ./*.private ./dsset-*
S=20260101000000
E=20360101000000
T=1767225600    # 2026-01-01 00:00:00 UTC

sign() {  # zone [dnssec-signzone args]
	z=$1
	shift
	dnssec-keygen -q -K . -a 13 -n ZONE -f KSK "$z" >/dev/null
	dnssec-keygen -q -K . -a 13 -n ZONE "$z" >/dev/null
	dnssec-signzone -q -S -K . -o "$z" -f "${z}signed" -s $S -e $E \
		"$@" zone.in >/dev/null
}

sign nsec.test.
sign nsec3.test. -3 ab12cd -H 0
sign optout.test. -3 - -H 0 -A
salt=$(printf '%0128d' 0 | tr 0 5)
sign it150.test. -3 "$salt" -H 150
rm -f ./*.private ./*.key ./dsset-*

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/knot.conf" <<KNOT
server:
  rundir: "$tmp"
database:
  storage: "$tmp"
  kasp-db: "$tmp/kasp"
policy:
  - id: p
    algorithm: ecdsap256sha256
    manual: on
    nsec3: on
    nsec3-iterations: 500
    rrsig-lifetime: 3650d
    rrsig-refresh: 1d
zone:
  - domain: it500.test.
    file: "$PWD/zone.in"
    dnssec-signing: on
    dnssec-policy: p
KNOT
for ksk in yes no; do
	keymgr -c "$tmp/knot.conf" it500.test. generate algorithm=13 \
		ksk=$ksk created=$T publish=$T ready=$T active=$T >/dev/null
done
mkdir "$tmp/out"
kzonesign -c "$tmp/knot.conf" -o "$tmp/out" -t $T it500.test. >/dev/null
mv "$tmp/out/zone.in" it500.test.signed
chmod 644 it500.test.signed
