/* libFuzzer target for banchi-resolver's client side (resolve/front.h):
 * an input is one client query, handled as the daemon handles it, over
 * UDP and TCP, from an allowed client, a snooping one and a stranger,
 * with local data (records, CNAME, DNAME, special-use zones, a block
 * list) and a cache holding addresses and NODATA entries. Checks: every
 * reply parses, repeats the query's ID, and fits what was asked. */
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <urcu.h>

#include "resolve/cache.h"
#include "resolve/front.h"
#include "wire/msg.h"
#include "wire/name.h"
#include "wire/rrtype.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static struct front fe[2];
static struct chaos_ident ident;
static char longest[256];      /* 255 octets: the longest TXT string */
static struct answer ans;
static uint8_t out[65535];
static struct msg_rr rrs[512];

static const char *const records[] = {
	"nas.lan. 300 IN A 192.0.2.7", "nas.lan. 300 IN TXT \"file server\"",
	"alias.lan. 300 IN CNAME nas.lan.", "www.example.test. 60 A 192.0.2.1",
	"cname.example.test. 60 CNAME www.example.test.",
	"old.example.test. 60 DNAME example.test.",
};

/* name: an A record and a NODATA for AAAA (no SOA), cached. */
static void put(struct cache *c, const char *name)
{
	static const uint8_t rd[6] = { 0, 4, 192, 0, 2, 1 };
	uint8_t n[NAME_MAXLEN];
	struct rrset s = { .owner = n, .type = RR_A, .rclass = CLASS_IN,
			   .ttl = 600, .rank = RANK_ANSWER, .count = 1,
			   .rdata = rd, .rdata_len = sizeof(rd) };

	ASSERT(name_from_text(n, name, strlen(name), NULL) > 0);
	ASSERT(cache_insert(c, &s, 0) >= 0);
	s.type = RR_AAAA;
	s.kind = RRSET_NODATA;
	s.count = 0;
	s.rdata = NULL;
	s.rdata_len = 0;
	ASSERT(cache_insert(c, &s, 0) >= 0);
}

static void setup(void)
{
	char err[LOCAL_ERR_MAX];
	struct local_data *ld = local_new();
	struct acl *acl = acl_new(), *snoop = acl_new(), *none = acl_new();
	struct cache_conf cc;
	struct cache *c;

	rcu_register_thread();
	cache_conf_init(&cc);
	c = cache_new(&cc);
	ASSERT(ld && acl && snoop && none && c);
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
		ASSERT(local_add_text(ld, records[i], err) == 0);
	ASSERT(local_add_special(ld) == 0);
	ASSERT(local_load_blocklist(ld, "ads.test\n", 9, "bl", NULL, NULL,
				    err) == 1);
	ASSERT(acl_add_loopback(acl) == 0 && acl_add(snoop, "127.0.0.2") == 0);
	put(c, "www.example.test.");
	put(c, "mail.example.test.");
	/* the longest identity text, so that its answer fills a reply */
	memset(longest, 'x', sizeof(longest) - 1);
	chaos_ident_set(&ident, "fuzz-node", longest);
	fe[0] = (struct front){ .acl = acl, .snoop = snoop, .local = ld,
				.cache = c, .max_payload = 1232,
				.chaos = &ident };
	fe[1] = fe[0];
	fe[1].acl = none;               /* everyone a stranger */
}

static void check(const uint8_t *q, size_t qlen, enum front_kind k,
		  const struct front_query *fq, bool tcp)
{
	struct msg m;

	if (k == FRONT_NONE || k == FRONT_MISS) {
		ASSERT(fq->len == 0);
		return;
	}
	ASSERT(fq->len >= MSG_HDRLEN && fq->len <= sizeof(out));
	ASSERT(tcp || fq->len <= 65535);
	ASSERT(qlen >= 2 && out[0] == q[0] && out[1] == q[1]);
	ASSERT(msg_parse(&m, out, fq->len, rrs, 512) == 0);
	ASSERT(msg_hdr_qr(&m.hdr));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct front_query fq;
	struct sockaddr_in peer = { .sin_family = AF_INET };

	if (!fe[0].acl)
		setup();
	for (int who = 0; who < 3; who++) {
		peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (unsigned)who);
		for (int tcp = 0; tcp < 2; tcp++) {
			enum front_kind k = front_handle(
				&fe[who == 2], (const struct sockaddr *)&peer,
				data, size, tcp, 1000, &ans, &fq, out,
				tcp ? sizeof(out) : 4096);

			check(data, size, k, &fq, tcp);
		}
	}
	return 0;
}
