#!/bin/sh
# Remakes a signed hierarchy for validation tests, signed bottom-up by
# BIND 9's dnssec-signzone so that each parent carries its children's DS
# (dnssec-dsfromkey, SHA-256):
#   .            algorithm 8, NSEC        (anchor.txt: its KSK's DS)
#   tld.         algorithm 13, NSEC
#   sld.tld.     algorithm 15, NSEC3 (no salt, 0 iterations)
#   expired.tld. algorithm 13, signatures of 2020 (expired)
#   wrongds.tld. algorithm 13, the DS in tld. is of a key it does not have
#   badsig.tld.  algorithm 13, www's address changed after signing
#   insecure.tld. unsigned, no DS in tld. (tld.'s NSEC proves it)
# Dates 2026-01-01 to 2036-01-01 unless said. Each zone is ZONE.signed
# (insecure.tld. is ZONE.zone); private keys are deleted.
# dnssec-signzone and dnssec-dsfromkey read no network (no -i needed).
# Usage: sh mk.sh (in this folder; overwrites what is here).
set -eu
cd "$(dirname "$0")"
rm -f ./*.signed ./*.zone ./*.key ./*.private ./dsset-* anchor.txt
S=20260101000000
E=20360101000000
P=20190101000000  # keys published and active since (the expired zone)

soa() {  # zone ttl: the apex of a zone served by ns.ZONE
	sfx=$1
	[ "$sfx" = . ] && sfx=
	printf '$TTL %s\n@ SOA ns.%s h.%s 1 3600 900 604800 300\n' \
		"$2" "$sfx" "$sfx"
	printf '@ NS ns.%s\n' "$sfx"
}

# zone alg start end [extra dnssec-signzone args]: signs ZONE.zone
sign() {
	z=$1 alg=$2 s=$3 e=$4
	shift 4
	bits=
	[ "$alg" = 8 ] && bits="-b 2048"
	# shellcheck disable=SC2086
	ksk=$(dnssec-keygen -q -K . -P $P -A $P -a "$alg" $bits -n ZONE -f KSK "$z")
	[ "$alg" = 8 ] && bits="-b 1024"
	# shellcheck disable=SC2086
	dnssec-keygen -q -K . -P $P -A $P -a "$alg" $bits -n ZONE "$z" >/dev/null
	dnssec-signzone -q -S -K . -o "$z" -f "${z}signed" -s "$s" -e "$e" \
		"$@" "${z}zone" >/dev/null
	dnssec-dsfromkey -2 "$ksk.key" >"${z}ds"
	rm -f "${z}zone"
}

leaf() {  # zone address: a leaf zone's text
	soa "$1" 300
	printf 'ns A %s\nwww A %s\ntxt TXT "one" "two"\n' "$2" "$2"
}

leaf sld.tld. 192.0.2.50 >sld.tld.zone
sign sld.tld. 15 $S $E -3 - -H 0
leaf expired.tld. 192.0.2.51 >expired.tld.zone
sign expired.tld. 13 20200101000000 20200201000000 -P  # no check: expired
leaf wrongds.tld. 192.0.2.52 >wrongds.tld.zone
sign wrongds.tld. 13 $S $E
other=$(dnssec-keygen -q -K . -a 13 -n ZONE -f KSK wrongds.tld.)
dnssec-dsfromkey -2 "$other.key" >wrongds.tld.ds
leaf badsig.tld. 192.0.2.53 >badsig.tld.zone
sign badsig.tld. 13 $S $E
sed -i '/^www\./s/192\.0\.2\.53$/192.0.2.99/' badsig.tld.signed
leaf insecure.tld. 192.0.2.54 >insecure.tld.zone

{
	soa tld. 3600
	echo "ns A 192.0.2.10"
	for c in sld expired wrongds badsig insecure; do
		echo "$c NS ns.$c"
	done
	echo "ns.sld A 192.0.2.50"
	echo "ns.expired A 192.0.2.51"
	echo "ns.wrongds A 192.0.2.52"
	echo "ns.badsig A 192.0.2.53"
	echo "ns.insecure A 192.0.2.54"
	cat sld.tld.ds expired.tld.ds wrongds.tld.ds badsig.tld.ds
} >tld.zone
sign tld. 13 $S $E
{
	soa . 86400
	echo "ns A 192.0.2.1"
	echo "tld. NS ns.tld."
	echo "ns.tld. A 192.0.2.10"
	cat tld.ds
} >.zone
sign . 8 $S $E
mv .signed root.signed
mv .ds anchor.txt
rm -f ./*.ds ./*.key ./*.private ./dsset-*
