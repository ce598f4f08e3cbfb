#!/bin/sh
# Remakes collide.test., signed by BIND 9's dnssec-signzone (Ed25519,
# 2026-01-01 to 2036-01-01), whose DNSKEY set holds, besides its KSK
# and ZSK, 4 made-up keys of the ZSK's key tag (key-tag collisions,
# KeyTrap CVE-2023-50387), sorted before it: a validator that tries
# every key of a tag does 5 verifications for each RRSIG of the ZSK.
# anchor.txt: the DS of its KSK (SHA-256). Private keys are deleted.
# Usage: sh mk.sh (in this folder; overwrites what is here).
set -eu
cd "$(dirname "$0")"
rm -f ./*.signed ./*.zone ./*.key ./*.private ./dsset-* anchor.txt
Z=collide.test.
ksk=$(dnssec-keygen -q -K . -a 15 -n ZONE -f KSK $Z)
zsk=$(dnssec-keygen -q -K . -a 15 -n ZONE $Z)
{
	printf '$TTL 300\n@ SOA ns.%s h.%s 1 3600 900 604800 300\n' $Z $Z
	printf '@ NS ns.%s\nns A 192.0.2.60\nwww A 192.0.2.61\n' $Z
	cat "$ksk.key" "$zsk.key"
	# 4 keys of the ZSK's tag, first octet 0 (they sort first)
	/usr/bin/python3 - "$zsk.key" <<'PY'
import base64, os, sys
for line in open(sys.argv[1]):
    if " DNSKEY " in line:
        f = line.split()
        break
i = f.index("DNSKEY")
key = base64.b64decode("".join(f[i + 4:]))
def tag(rd):
    ac = sum(b << 8 if k % 2 == 0 else b for k, b in enumerate(rd))
    return (ac + (ac >> 16)) & 0xFFFF
want = tag(bytes([1, 0, 3, 15]) + key)
made = 0
while made < 4:
    k = bytearray(os.urandom(32))
    k[0] = 0
    for x in range(65536):
        k[30], k[31] = x >> 8, x & 0xFF
        if tag(bytes([1, 0, 3, 15]) + bytes(k)) == want and bytes(k) != key:
            print("@ DNSKEY 256 3 15 " + base64.b64encode(bytes(k)).decode())
            made += 1
            break
PY
} >$Z.zone
dnssec-signzone -q -P -K . -o $Z -f collide.test.signed \
	-s 20260101000000 -e 20360101000000 $Z.zone "$ksk" "$zsk" >/dev/null
dnssec-dsfromkey -2 "$ksk.key" >anchor.txt
rm -f ./*.zone ./*.key ./*.private ./dsset-*
