#!/bin/sh
# Remakes the signed zones test_dnssec.c verifies: zone.in signed by BIND
# 9's dnssec-signzone once per algorithm (8, 10, 13, 14, 15, 16; NSEC for
# some, NSEC3 for others), a KSK and a ZSK each, fixed dates (inception
# 2026-01-01, expiration 2036-01-01); the KSK's DS in SHA-1, SHA-256 and
# SHA-384 (dnssec-dsfromkey), and keys.txt: "zone algorithm tag KSK|ZSK"
# from the key files' names. Private keys are deleted after signing.
# dnssec-signzone and dnssec-dsfromkey read no network (no -i needed).
# Usage: sh mk.sh (in this folder; overwrites what is here).
set -eu
cd "$(dirname "$0")"
rm -f ./*.signed ./*.ds ./*.key ./*.private ./dsset-* keys.txt
for spec in 8:nsec 10:nsec3 13:nsec 14:nsec3 15:nsec 16:nsec3; do
	alg=${spec%%:*}
	denial=${spec#*:}
	zone=a$alg.verify.test.
	bits=
	[ "$alg" = 8 ] || [ "$alg" = 10 ] && bits="-b 2048"
	# shellcheck disable=SC2086
	ksk=$(dnssec-keygen -q -K . -a "$alg" $bits -n ZONE -f KSK "$zone")
	[ "$alg" = 8 ] || [ "$alg" = 10 ] && bits="-b 1024"
	# shellcheck disable=SC2086
	zsk=$(dnssec-keygen -q -K . -a "$alg" $bits -n ZONE "$zone")
	n3=
	[ "$denial" = nsec3 ] && n3="-3 ab12 -H 1"
	# shellcheck disable=SC2086
	dnssec-signzone -q -S -K . -o "$zone" -f "a$alg.signed" \
		-s 20260101000000 -e 20360101000000 $n3 zone.in
	for d in 1 2 4; do
		case $d in 1) a=SHA-1 ;; 2) a=SHA-256 ;; 4) a=SHA-384 ;; esac
		dnssec-dsfromkey -a "$a" "$ksk.key" 2>/dev/null >>"a$alg.ds"
	done
	for k in "$ksk" "$zsk"; do
		tag=${k##*+}
		kind=ZSK
		[ "$k" = "$ksk" ] && kind=KSK
		echo "$zone $alg $(expr "$tag" + 0) $kind" >>keys.txt
	done
done
rm -f ./*.private ./*.key ./dsset-*
