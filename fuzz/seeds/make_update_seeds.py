#!/usr/bin/python3
"""Writes the seed UPDATE messages of fuzz_update (zone example.test.,
as in fuzz/fuzz_update.c) into fuzz/seeds/update/."""
import os

import dns.rdataclass
import dns.rdatatype
import dns.update

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'update')


def msg(name, build):
    u = dns.update.UpdateMessage('example.test.')
    build(u)
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(u.to_wire())


msg('add', lambda u: u.add('new', 300, 'A', '192.0.2.99'))
msg('add-ttl', lambda u: u.add('www', 60, 'A', '192.0.2.82'))
msg('delete-rrset', lambda u: u.delete('www', 'A'))
msg('delete-name', lambda u: u.delete('www'))
msg('delete-rr', lambda u: u.delete('www', 'A', '192.0.2.80'))
msg('delete-apex', lambda u: (u.delete('@'), u.delete('@', 'NS', 'ns1')))
msg('cname', lambda u: (u.add('alias', 300, 'A', '192.0.2.1'),
                        u.add('www', 300, 'CNAME', 'mail')))
msg('soa', lambda u: u.add('@', 3600, 'SOA',
                           'ns1 hostmaster 5 7200 3600 1209600 300'))
msg('add-delete', lambda u: (u.add('x', 300, 'TXT', 'hi'),
                             u.delete('x', 'TXT', 'hi')))


def prereqs(u):
    u.present('www')
    u.absent('nope')
    u.present('www', 'A')
    u.absent('www', 'AAAA')
    u.present('mail', 'MX', '10 mail.example.test.')
    u.add('new', 300, 'MX', '10 mail')


msg('prereqs', prereqs)
