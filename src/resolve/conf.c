/* The resolver's settings: defaults, the built-in IANA root hints, a
 * root hints file read with the zone parser, forward/stub lookup by
 * longest zone match, and the loopback test that keeps delegations from
 * pointing the resolver at the machine itself. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "resolve/conf.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

#define DNS_PORT 53

void res_conf_init(struct res_conf *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->qname_min = true;
	rc->use_0x20 = true;
	rc->query_loopback = false;
	rc->edns_payload = 1232;
	rc->max_upstream = 64;
	rc->max_depth = 5;
	rc->max_cname = 12;
	rc->max_time_ms = 10000;
	rc->max_ns_names = 16;
}

/* IANA root.hints: name letter, IPv4, IPv6. */
static const struct {
	char letter;
	const char *v4, *v6;
} root_hints[] = {
	{ 'a', "198.41.0.4", "2001:503:ba3e::2:30" },
	{ 'b', "170.247.170.2", "2801:1b8:10::b" },
	{ 'c', "192.33.4.12", "2001:500:2::c" },
	{ 'd', "199.7.91.13", "2001:500:2d::d" },
	{ 'e', "192.203.230.10", "2001:500:a8::e" },
	{ 'f', "192.5.5.241", "2001:500:2f::f" },
	{ 'g', "192.112.36.4", "2001:500:12::d0d" },
	{ 'h', "198.97.190.53", "2001:500:1::53" },
	{ 'i', "192.36.148.17", "2001:7fe::53" },
	{ 'j', "192.58.128.30", "2001:503:c27::2:30" },
	{ 'k', "193.0.14.129", "2001:7fd::1" },
	{ 'l', "199.7.83.42", "2001:500:9f::42" },
	{ 'm', "202.12.27.33", "2001:dc3::35" },
};

static void addr_v4(struct res_addr *a, const void *octets)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;

	memset(a, 0, sizeof(*a));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(DNS_PORT);
	memcpy(&sin->sin_addr, octets, 4);
	a->len = sizeof(*sin);
}

static void addr_v6(struct res_addr *a, const void *octets)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->sa;

	memset(a, 0, sizeof(*a));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(DNS_PORT);
	memcpy(&sin6->sin6_addr, octets, 16);
	a->len = sizeof(*sin6);
}

int res_conf_builtin_hints(struct res_conf *rc)
{
	size_t n = sizeof(root_hints) / sizeof(root_hints[0]);
	struct res_hint *h = calloc(2 * n, sizeof(*h));
	uint8_t raw[16];
	char text[32];

	if (!h)
		return BN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "%c.root-servers.net.",
			 root_hints[i].letter);
		name_from_text(h[2 * i].name, text, strlen(text), NULL);
		memcpy(h[2 * i + 1].name, h[2 * i].name, NAME_MAXLEN);
		inet_pton(AF_INET, root_hints[i].v4, raw);
		addr_v4(&h[2 * i].addr, raw);
		inet_pton(AF_INET6, root_hints[i].v6, raw);
		addr_v6(&h[2 * i + 1].addr, raw);
	}
	free(rc->hints);
	rc->hints = h;
	rc->nhints = 2 * n;
	return 0;
}

void res_conf_clear(struct res_conf *rc)
{
	free(rc->hints);
	rc->hints = NULL;
	rc->nhints = 0;
	for (size_t i = 0; i < rc->nfwd; i++)
		free(rc->fwd[i].addrs);
	free(rc->fwd);
	rc->fwd = NULL;
	rc->nfwd = 0;
	dnssec_anchors_clear(&rc->anchors);
}

int res_conf_root_anchor(struct res_conf *rc)
{
	char err[256];

	return dnssec_anchors_add_text(&rc->anchors, dnssec_root_anchors,
				       strlen(dnssec_root_anchors), "builtin",
				       err);
}

const struct res_fwd *res_conf_forward(const struct res_conf *rc,
				       const uint8_t *name)
{
	const struct res_fwd *best = NULL;
	int best_labels = -1;

	for (size_t i = 0; i < rc->nfwd; i++) {
		const struct res_fwd *f = &rc->fwd[i];
		int labels = name_labels(f->zone);

		if (labels > best_labels && name_is_subdomain(name, f->zone)) {
			best = f;
			best_labels = labels;
		}
	}
	return best;
}

bool res_addr_is_loopback(const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };
	const uint8_t *a;

	if (sa->sa_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		return a[0] == 127 || (a[0] | a[1] | a[2] | a[3]) == 0;
	}
	if (sa->sa_family != AF_INET6)
		return false;
	a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	if (memcmp(a, mapped, 12) == 0)
		return a[12] == 127 || (a[12] | a[13] | a[14] | a[15]) == 0;
	for (int i = 0; i < 15; i++)
		if (a[i])
			return false;
	return a[15] <= 1;
}

/* Root hints file: NS records of "." name the servers, their A/AAAA
 * records give the addresses; anything else is ignored, as BIND does. */
#define HINTS_MAX_NS 64
#define HINTS_MAX_ADDRS 256

struct hints_ctx {
	uint8_t ns[HINTS_MAX_NS][NAME_MAXLEN];
	size_t nns;
	struct res_hint addrs[HINTS_MAX_ADDRS];
	size_t naddrs;
	char *err;
	bool failed;
};

static int hints_rr(void *vctx, const struct zrr *rr)
{
	struct hints_ctx *c = vctx;
	struct res_hint *h;

	if (rr->type == RR_NS && rr->owner[0] == 0) {
		if (c->nns < HINTS_MAX_NS && name_check(rr->rdata, rr->rdlen) > 0)
			memcpy(c->ns[c->nns++], rr->rdata, rr->rdlen);
		return 0;
	}
	if ((rr->type != RR_A || rr->rdlen != 4) &&
	    (rr->type != RR_AAAA || rr->rdlen != 16))
		return 0;
	if (c->naddrs == HINTS_MAX_ADDRS)
		return 0;
	h = &c->addrs[c->naddrs++];
	memcpy(h->name, rr->owner, name_length(rr->owner));
	if (rr->type == RR_A)
		addr_v4(&h->addr, rr->rdata);
	else
		addr_v6(&h->addr, rr->rdata);
	return 0;
}

static void hints_msg(void *vctx, const char *file, unsigned line,
		      bool warning, const char *msg)
{
	struct hints_ctx *c = vctx;

	if (warning || c->failed)
		return;
	c->failed = true;
	snprintf(c->err, 256, "%s:%u: %s", file, line, msg);
}

static bool hints_is_ns(const struct hints_ctx *c, const uint8_t *name)
{
	for (size_t i = 0; i < c->nns; i++)
		if (name_equal(c->ns[i], name))
			return true;
	return false;
}

/* Keeps the addresses of names listed as root NS; 0 or BN_ENOMEM. */
static int hints_take(struct res_conf *rc, const struct hints_ctx *c)
{
	struct res_hint *h = calloc(c->naddrs ? c->naddrs : 1, sizeof(*h));
	size_t n = 0;

	if (!h)
		return BN_ENOMEM;
	for (size_t i = 0; i < c->naddrs; i++)
		if (hints_is_ns(c, c->addrs[i].name))
			h[n++] = c->addrs[i];
	if (n == 0) {
		free(h);
		return BN_ENOTFOUND;
	}
	free(rc->hints);
	rc->hints = h;
	rc->nhints = n;
	return 0;
}

int res_conf_load_hints(struct res_conf *rc, const char *path, char *err)
{
	static const uint8_t root[1] = { 0 };
	struct zparse_opts o = { .origin = root, .on_rr = hints_rr,
				 .on_msg = hints_msg, .no_include = true };
	struct hints_ctx *c = calloc(1, sizeof(*c));
	int ret;

	err[0] = 0;
	if (!c) {
		snprintf(err, 256, "%s: out of memory", path);
		return BN_ENOMEM;
	}
	c->err = err;
	o.ctx = c;
	ret = zparse_file(path, &o);
	if (ret != 0 || c->failed) {
		if (!c->failed)
			snprintf(err, 256, "%s:0: %s", path,
				 ret < 0 ? bn_strerror(ret) : "cannot read");
		ret = ret < 0 ? ret : BN_ESYNTAX;
		goto out;
	}
	ret = hints_take(rc, c);
	if (ret == BN_ENOTFOUND)
		snprintf(err, 256, "%s:0: no NS records of \".\" with addresses",
			 path);
	else if (ret < 0)
		snprintf(err, 256, "%s: out of memory", path);
out:
	free(c);
	return ret;
}
