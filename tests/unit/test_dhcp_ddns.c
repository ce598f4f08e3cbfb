/* The DNS side of leases (src/dhcp/ddns.c, dhcp_lease_dns): RFC 4701's
 * DHCID examples, the UPDATE of each RFC 4703 step read back by the
 * message parser, the step order, and what a lease's change asks of its
 * names. */
#include <string.h>

#include "base/encode.h"
#include "dhcp/ddns.h"
#include "dhcp/pool.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "check.h"

static void name(uint8_t *dst, const char *text)
{
	CHECK(name_from_text(dst, text, strlen(text), NULL) > 0);
}

static void test_dhcid(void)
{
	uint8_t fqdn[NAME_MAXLEN], d[DDNS_DHCID_LEN];
	char b64[64];

	/* RFC 4701 3.6, examples 2 (client identifier option) and 3
	 * (htype and chaddr) */
	name(fqdn, "chi.example.com.");
	CHECK(ddns_dhcid(d, true, (const uint8_t *)"\x01\x07\x08\x09\x0a"
			 "\x0b\x0c", 7, fqdn) == 0);
	CHECK(base64_encode(d, sizeof(d), b64, sizeof(b64)) > 0);
	CHECK(!strcmp(b64, "AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No="));
	name(fqdn, "Client.Example.Com.");      /* case does not count */
	CHECK(ddns_dhcid(d, false, (const uint8_t *)"\x01\x01\x02\x03\x04"
			 "\x05\x06", 7, fqdn) == 0);
	CHECK(base64_encode(d, sizeof(d), b64, sizeof(b64)) > 0);
	CHECK(!strcmp(b64, "AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY="));
}

static void test_names(void)
{
	uint8_t zone[NAME_MAXLEN], out[NAME_MAXLEN], want[NAME_MAXLEN];
	char big[80];

	name(zone, "lan.test.");
	CHECK(ddns_fqdn(out, "pc1", zone) == 14);
	name(want, "pc1.lan.test.");
	CHECK(name_equal(out, want));
	memset(big, 'a', 64);
	big[64] = 0;
	CHECK(ddns_fqdn(out, big, zone) == BN_ELABEL);
	CHECK(ddns_fqdn(out, "", zone) == BN_ELABEL);
	CHECK(ddns_reverse(out, 0x0a4d0032) > 0);
	name(want, "50.0.77.10.in-addr.arpa.");
	CHECK(name_equal(out, want));
}

/* Builds step and parses it: the section counts and each record's
 * type and class, in order (prerequisites, then updates). */
static void check_step(enum ddns_step step, int npr, int nup,
		       const uint16_t *tc)
{
	uint8_t zone[NAME_MAXLEN], fqdn[NAME_MAXLEN], rev[NAME_MAXLEN];
	uint8_t dhcid[DDNS_DHCID_LEN] = { 0, 1, 1 }, buf[512];
	struct ddns_req r = { zone, fqdn, rev, 0x0a4d0032, 120, dhcid, 77 };
	struct msg_rr rr[16];
	struct msg m;
	int len, i;

	name(zone, step >= DDNS_PTR_SET ? "0.77.10.in-addr.arpa." :
	     "lan.test.");
	name(fqdn, "pc1.lan.test.");
	name(rev, "50.0.77.10.in-addr.arpa.");
	len = ddns_build(buf, sizeof(buf), step, &r);
	CHECK(len > 0);
	CHECK(ddns_build(buf, 40, step, &r) == BN_ENOSPC);
	len = ddns_build(buf, sizeof(buf), step, &r);
	CHECKF(msg_parse(&m, buf, (size_t)len, rr, 16) == 0, "step %d", step);
	CHECK(m.hdr.id == 77 && msg_hdr_opcode(&m.hdr) == OPCODE_UPDATE);
	CHECK(msg_section_count(&m, MSG_QUESTION) == 1);
	CHECK(msg_section_count(&m, MSG_ANSWER) == npr);
	CHECK(msg_section_count(&m, MSG_AUTHORITY) == nup);
	for (i = 0; i < npr + nup; i++) {
		const struct msg_rr *x = &rr[1 + i];

		CHECKF(x->type == tc[2 * i] && x->rclass == tc[2 * i + 1],
		       "step %d record %d: %u/%u", step, i, x->type,
		       x->rclass);
	}
}

static void test_build(void)
{
	static const uint16_t a_new[] = { RR_ANY, CLASS_NONE, RR_A, CLASS_IN,
					  RR_DHCID, CLASS_IN };
	static const uint16_t a_ours[] = { RR_DHCID, CLASS_IN, RR_A, CLASS_ANY,
					   RR_A, CLASS_IN };
	static const uint16_t a_del[] = { RR_DHCID, CLASS_IN, RR_A,
					  CLASS_NONE };
	static const uint16_t dhcid_del[] = { RR_A, CLASS_NONE, RR_AAAA,
					      CLASS_NONE, RR_DHCID,
					      CLASS_ANY };
	static const uint16_t ptr_set[] = { RR_PTR, CLASS_ANY, RR_PTR,
					    CLASS_IN };
	static const uint16_t ptr_del[] = { RR_PTR, CLASS_NONE };

	check_step(DDNS_A_NEW, 1, 2, a_new);
	check_step(DDNS_A_OURS, 1, 2, a_ours);
	check_step(DDNS_A_DEL, 1, 1, a_del);
	check_step(DDNS_DHCID_DEL, 2, 1, dhcid_del);
	check_step(DDNS_PTR_SET, 0, 2, ptr_set);
	check_step(DDNS_PTR_DEL, 0, 1, ptr_del);
}

static void test_steps(void)
{
	CHECK(ddns_next(DDNS_A_NEW, RCODE_NOERROR) == DDNS_PTR_SET);
	CHECK(ddns_next(DDNS_A_NEW, RCODE_YXDOMAIN) == DDNS_A_OURS);
	CHECK(ddns_next(DDNS_A_OURS, RCODE_NOERROR) == DDNS_PTR_SET);
	CHECK(ddns_next(DDNS_A_OURS, RCODE_NXRRSET) == DDNS_CONFLICT);
	CHECK(ddns_next(DDNS_PTR_SET, RCODE_NOERROR) == DDNS_DONE);
	CHECK(ddns_next(DDNS_A_DEL, RCODE_NOERROR) == DDNS_DHCID_DEL);
	CHECK(ddns_next(DDNS_DHCID_DEL, RCODE_NOERROR) == DDNS_PTR_DEL);
	CHECK(ddns_next(DDNS_DHCID_DEL, RCODE_YXRRSET) == DDNS_PTR_DEL);
	CHECK(ddns_next(DDNS_A_DEL, RCODE_NXRRSET) == DDNS_PTR_DEL);
	CHECK(ddns_next(DDNS_PTR_DEL, RCODE_NOERROR) == DDNS_DONE);
	CHECK(ddns_next(DDNS_A_NEW, RCODE_REFUSED) == -1);
	CHECK(ddns_next(DDNS_PTR_SET, RCODE_SERVFAIL) == -1);
	CHECK(ddns_next(DDNS_A_OURS, RCODE_NOTAUTH) == -1);
}

static void test_intent(void)
{
	struct dhcp_lease e;

	memset(&e, 0, sizeof(e));
	e.state = DL_BOUND;
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_NONE);               /* no name, nothing */
	strcpy(e.host, "pc");
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_ADD);
	e.dns = DNS_OK;
	dhcp_lease_dns(&e, 0, 0);                     /* a renewal */
	CHECK(e.dns == DNS_OK);
	e.state = DL_RELEASED;
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_DEL);
	e.state = DL_BOUND;                     /* back before removal */
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_ADD);
	e.dns = DNS_REFUSED;
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_REFUSED);
	e.state = DL_EXPIRED;
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_NONE);
	/* an expired lease's names stay for the grace period */
	e.dns = DNS_OK;
	e.expires = 1000;
	dhcp_lease_dns(&e, 1299, 300);
	CHECK(e.dns == DNS_OK);
	dhcp_lease_dns(&e, 1300, 300);
	CHECK(e.dns == DNS_DEL);
	e.dns = DNS_NONE;
	/* a static lease's name is wanted whatever its state */
	e.is_static = true;
	e.state = DL_FREE;
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_ADD);
	e.dns = DNS_OK;
	e.state = DL_RELEASED;
	dhcp_lease_dns(&e, 0, 0);
	CHECK(e.dns == DNS_OK);
}

int main(void)
{
	test_dhcid();
	test_names();
	test_build();
	test_steps();
	test_intent();
	return check_done();
}
