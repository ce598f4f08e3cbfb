#!/usr/bin/python3
"""UPDATE edge cases against BIND 9.18 and Knot 3.2 on loopback (ports
53541 and 53542), one zone per case, each server started once: prints
the rcode and the net change (AXFR before and after) each gives, and
whether they agree. Not a pytest test: the record of what src/update
was checked against (apply.c says which side it follows); it can take
banchi-auth as a third column once the daemon serves UPDATE. Run with
/usr/bin/python3; about a minute."""
import os, shutil, subprocess, tempfile, time, signal
import dns.query, dns.update, dns.zone, dns.rcode, dns.message, dns.rdatatype, dns.rdataclass, dns.name, dns.rrset

D = tempfile.mkdtemp(prefix='banchi-update-peers-')
ZONE = """$TTL 3600
@ SOA ns1 hostmaster {serial} 7200 3600 1209600 300
@ NS ns1
@ NS ns2
@ A 192.0.2.1
@ MX 10 mail
ns1 A 192.0.2.53
ns2 A 192.0.2.54
www A 192.0.2.80
www A 192.0.2.81
www TXT "hello"
alias CNAME www
alias RRSIG CNAME 8 2 3600 20300101000000 20200101000000 1 {origin} AAAA
mail 300 MX 10 Mail.Example.COM.
sub NS ns.sub
ns.sub A 192.0.2.9
a.b.ent A 192.0.2.7
tk KEY 256 3 8 AwEAAQ==
"""

def U(z): return dns.update.UpdateMessage(z)

def rr(u, sec, name, ttl, rdclass, rdtype, *rd):
    """Adds a raw record to a section of u."""
    n = dns.name.from_text(name, u.origin)
    rs = u.find_rrset(sec, n, dns.rdataclass.from_text(rdclass),
                      dns.rdatatype.from_text(rdtype), create=True, force_unique=True)
    if rd:
        rs.add(dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), rd[0], u.origin), ttl)
    else:
        rs.update_ttl(ttl)
    return u

CASES = {}
def case(f):
    CASES[f.__name__] = f
    return f

@case
def ttl_existing(u): u.add('www', 600, 'A', '192.0.2.80')
@case
def ttl_new(u): u.add('www', 60, 'A', '192.0.2.82')
@case
def cname_beside_data(u): u.add('www', 300, 'CNAME', 'mail')
@case
def data_beside_cname(u): u.add('alias', 300, 'A', '192.0.2.5')
@case
def key_beside_cname(u): u.add('alias', 300, 'KEY', r'\# 8 0100030803010001')
@case
def cname_beside_key(u): u.add('tk', 300, 'CNAME', 'www')
@case
def cname_replace(u): u.add('alias', 3600, 'CNAME', 'mail')
@case
def soa_lower(u): u.add('@', 3600, 'SOA', 'ns1 hostmaster 9 7200 3600 1209600 300')
@case
def soa_equal(u): u.add('@', 3600, 'SOA', 'ns1 hostmaster 10 1 1 1 1')
@case
def soa_higher(u): u.add('@', 3600, 'SOA', 'ns1 hostmaster 20 7200 3600 1209600 300')
@case
def soa_twice(u):
    u.add('@', 3600, 'SOA', 'ns1 hostmaster 20 7200 3600 1209600 300')
    u.add('@', 3600, 'SOA', 'ns1 hostmaster 15 7200 3600 1209600 300')
@case
def soa_nonapex(u): u.add('www', 3600, 'SOA', 'ns1 hostmaster 30 7200 3600 1209600 300')
@case
def soa_delete(u): u.delete('@', 'SOA')
@case
def apex_delete_name(u): u.delete('@')
@case
def apex_delete_ns(u): u.delete('@', 'NS')
@case
def apex_last_ns(u):
    u.delete('@', 'NS', 'ns1')
    u.delete('@', 'NS', 'ns2')
@case
def apex_ns_swap(u):
    u.add('@', 3600, 'NS', 'ns3')
    u.delete('@', 'NS', 'ns1')
    u.delete('@', 'NS', 'ns2')
@case
def delete_name_rrsig(u): u.delete('alias')
@case
def any_ttl(u): rr(u, u.update, 'www', 300, 'ANY', 'A')
@case
def none_any(u): rr(u, u.update, 'www', 0, 'NONE', 'ANY')
@case
def add_axfr(u): rr(u, u.update, 'www', 300, 'IN', 'AXFR')
@case
def prereq_dup(u):
    u.present('www', 'A', '192.0.2.80'); u.present('www', 'A', '192.0.2.81')
    u.present('www', 'A', '192.0.2.80')
    u.add('new', 300, 'A', '192.0.2.99')
@case
def prereq_order(u):
    u.present('www', 'A', '192.0.2.80')
    u.absent('www')
@case
def prereq_vs_prescan(u):
    u.present('nope')
    u.add('www.example.org.', 300, 'A', '192.0.2.1')
@case
def prereq_ent(u): u.present('b.ent')
@case
def add_nsec(u): u.add('x', 300, 'NSEC', 'x A')
@case
def delete_rrsig(u): u.delete('alias', 'RRSIG')
@case
def ds_apex(u): u.add('@', 300, 'DS', '1 8 2 ' + '00' * 32)
@case
def ns_wildcard(u): u.add('*.w', 300, 'NS', 'ns1')
@case
def md_add(u): u.add('x', 300, 'MD', r'\# 5 036e733100')
@case
def add_then_delete(u):
    u.add('new', 300, 'A', '192.0.2.99'); u.delete('new', 'A', '192.0.2.99')
@case
def cname_then_a(u):
    u.add('new', 300, 'CNAME', 'www'); u.add('new', 300, 'A', '192.0.2.1')
@case
def delete_name_then_cname(u):
    u.delete('www'); u.add('www', 300, 'CNAME', 'mail')
@case
def zone_class_ch(u): u.raw = dns.update.UpdateMessage(u.origin, rdclass='CH').to_wire()
@case
def any_ttl_raw(u):
    u.delete('www', 'A')
    w = bytearray(u.to_wire()); w[-6:-2] = (300).to_bytes(4, 'big'); u.raw = bytes(w)
@case
def none_no_rdata(u):
    u.delete('www', 'A')
    w = bytearray(u.to_wire()); w[-8:-6] = (254).to_bytes(2, 'big'); u.raw = bytes(w)
@case
def prereq_ttl(u): rr(u, u.prerequisite, 'www', 300, 'IN', 'A', '192.0.2.80')
@case
def wrap(u): u.add('x', 60, 'A', '192.0.2.2')
@case
def wrap_soa0(u): u.add('@', 60, 'SOA', 'ns1 hostmaster 2147483647 1 1 1 1')
@case
def mx_case(u): u.delete('mail', 'MX', '10 MAIL.example.COM.')
@case
def delete_glue_cut(u): u.delete('sub', 'NS'); u.delete('ns.sub', 'A', '192.0.2.9')
@case
def dname_replace(u): u.add('dn', 300, 'DNAME', 'a.example.net.'); u.add('dn', 300, 'DNAME', 'b.example.net.')
@case
def add_ns_at_cname(u): u.add('alias', 300, 'NS', 'ns1')

@case
def nscheck_del_addr(u): u.delete('ns1', 'A')
@case
def nscheck_swap_addr(u): u.delete('ns1', 'A'); u.add('ns1', 300, 'AAAA', '2001:db8::53')
@case
def nscheck_outside(u): u.add('@', 3600, 'NS', 'ns.example.net.'); u.add('@', 3600, 'NS', 'x.sub')
@case
def nscheck_new_with_addr(u):
    u.add('@', 3600, 'NS', 'ns3'); u.delete('@', 'NS', 'ns1'); u.delete('@', 'NS', 'ns2'); u.add('ns3', 300, 'AAAA', '2001:db8::3')

def serial_of(name):
    return 4294967295 if name.startswith('wrap') else 10

def write_zones(d):
    os.makedirs(d, exist_ok=True)
    for c in CASES:
        o = c.replace('_', '-') + '.test.'
        with open(f'{d}/{c}.zone', 'w') as f:
            f.write(ZONE.format(serial=serial_of(c), origin=o))

def bind_conf(d, port):
    z = ''.join(f'zone "{c.replace("_","-")}.test" {{ type primary; file "{d}/{c}.zone"; allow-update {{ any; }}; }};\n' for c in CASES)
    return f'''options {{ directory "{d}"; listen-on port {port} {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};
recursion no; pid-file "{d}/named.pid"; }};
{z}'''

def knot_conf(d, port):
    z = ''.join(f'  - domain: {c.replace("_","-")}.test\n    file: {d}/{c}.zone\n    acl: up\n' for c in CASES)
    return f'''server:
  listen: 127.0.0.1@{port}
  rundir: {d}
  user: root
database:
  storage: {d}
acl:
  - id: up
    address: 127.0.0.1
    action: [update, transfer]
template:
  - id: default
    storage: {d}
    zonefile-sync: -1
    journal-content: none
zone:
{z}'''

def snapshot(origin, port):
    z = dns.zone.from_xfr(dns.query.xfr('127.0.0.1', origin, port=port, timeout=5))
    out = set()
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            for r in rds:
                out.add(f'{name} {rds.ttl} {dns.rdatatype.to_text(rds.rdtype)} {r.to_text()}')
    return out

def run(kind, port):
    d = f'{D}/{kind}'
    subprocess.run(['rm', '-rf', d]); write_zones(d)
    if kind == 'bind':
        open(f'{d}/named.conf', 'w').write(bind_conf(d, port))
        p = subprocess.Popen(['named', '-g', '-u', 'root', '-c', f'{d}/named.conf'], stdout=open(f'{d}/log', 'w'), stderr=subprocess.STDOUT)
    else:
        open(f'{d}/knot.conf', 'w').write(knot_conf(d, port))
        p = subprocess.Popen(['knotd', '-c', f'{d}/knot.conf'], stdout=open(f'{d}/log', 'w'), stderr=subprocess.STDOUT)
    time.sleep(3)
    res = {}
    try:
        for c, f in CASES.items():
            if kind == 'knot' and c == 'dname_replace':
                res[c] = ('knotd 3.2.6 segfaults', [])
                continue
            o = c.replace('_', '-') + '.test.'
            before = snapshot(o, port)
            u = U(o); f(u)
            try:
                if hasattr(u, 'raw'):
                    import socket
                    so = socket.create_connection(('127.0.0.1', port), timeout=5)
                    so.sendall(len(u.raw).to_bytes(2, 'big') + u.raw)
                    hdr = so.recv(6); so.close()
                    rc = dns.rcode.to_text(hdr[5] & 15)
                else:
                    r = dns.query.tcp(u, '127.0.0.1', port=port, timeout=5)
                    rc = dns.rcode.to_text(r.rcode())
            except Exception as e:
                rc = 'EXC ' + type(e).__name__
            time.sleep(0.05)
            after = snapshot(o, port)
            dl = sorted('-' + x for x in before - after) + sorted('+' + x for x in after - before)
            res[c] = (rc, dl)
    finally:
        p.send_signal(signal.SIGTERM); p.wait(timeout=10)
    return res

if __name__ == '__main__':
    try:
        b = run('bind', 53541)
        k = run('knot', 53542)
    finally:
        shutil.rmtree(D, ignore_errors=True)
    for c in CASES:
        same = b[c] == k[c]
        print(f'== {c}: {"SAME" if same else "DIFFER"}')
        print(f'  bind: {b[c][0]} ' + ' | '.join(b[c][1]))
        if not same:
            print(f'  knot: {k[c][0]} ' + ' | '.join(k[c][1]))
