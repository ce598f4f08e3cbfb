/* Trust anchors from zone-file text: the records are gathered per zone
 * (owner) and type into one buffer per anchor, in the RDATA item layout
 * the verifier reads (u16 length, octets). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "dnssec/anchor.h"
#include "wire/buf.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

const char dnssec_root_anchors[] =
	". IN DS 20326 8 2 "
	"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
	". IN DS 38696 8 2 "
	"683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";

#define ANCHOR_MAX_RR 64        /* records per text: a file of anchors */

struct rec {
	uint8_t owner[NAME_MAXLEN];
	uint16_t type, len;
	uint8_t *rd;
};

struct reading {
	struct rec rec[ANCHOR_MAX_RR];
	unsigned n;
	int ret;
	char *err;
	const char *name;
};

static int on_rr(void *ctx, const struct zrr *rr)
{
	struct reading *r = ctx;
	struct rec *c = &r->rec[r->n];

	if (rr->type != RR_DS && rr->type != RR_DNSKEY)
		return 0;
	if (r->n == ANCHOR_MAX_RR) {
		snprintf(r->err, 256, "%s:%u: more than %d anchors", r->name,
			 rr->line, ANCHOR_MAX_RR);
		return r->ret = BN_ESYNTAX;
	}
	c->rd = malloc(rr->rdlen + 1u);
	if (!c->rd)
		return r->ret = BN_ENOMEM;
	memcpy(c->owner, rr->owner, name_length(rr->owner));
	name_to_lower(c->owner);
	c->type = rr->type;
	c->len = rr->rdlen;
	memcpy(c->rd, rr->rdata, rr->rdlen);
	r->n++;
	return 0;
}

static void on_msg(void *ctx, const char *file, unsigned line, bool warning,
		   const char *msg)
{
	struct reading *r = ctx;

	if (!warning && r->ret == 0) {
		snprintf(r->err, 256, "%s:%u: %s", file, line, msg);
		r->ret = BN_ESYNTAX;
	}
}

/* The records of r owned by zone, of type, into s (its data at *w). */
static void fill(struct dnssec_rrset *s, struct wbuf *w,
		 const struct reading *r, const uint8_t *zone, uint16_t type)
{
	size_t start = w->len;

	s->type = type;
	s->rclass = CLASS_IN;
	s->count = 0;
	for (unsigned i = 0; i < r->n; i++) {
		if (r->rec[i].type != type || !name_equal(r->rec[i].owner, zone))
			continue;
		/* w has room for every record: sized by add_zone. */
		(void)wbuf_u16(w, r->rec[i].len);
		(void)wbuf_bytes(w, r->rec[i].rd, r->rec[i].len);
		s->count++;
	}
	s->rdata = w->data + start;
	s->rdata_len = w->len - start;
}

/* One anchor for zone from the records of r, appended to as. */
static int add_zone(struct dnssec_anchors *as, const struct reading *r,
		    const uint8_t *zone)
{
	struct dnssec_anchor *grown, *a;
	struct wbuf w;
	size_t size = 1;

	for (unsigned i = 0; i < r->n; i++)
		if (name_equal(r->rec[i].owner, zone))
			size += 2u + r->rec[i].len;
	grown = realloc(as->a, (as->n + 1) * sizeof(*as->a));
	if (!grown)
		return BN_ENOMEM;
	as->a = grown;
	/* the sets' owners point at their anchor's zone: moved with it */
	for (size_t i = 0; i < as->n; i++)
		as->a[i].ds.owner = as->a[i].dnskey.owner = as->a[i].zone;
	a = &as->a[as->n];
	memset(a, 0, sizeof(*a));
	a->data = malloc(size);
	if (!a->data)
		return BN_ENOMEM;
	memcpy(a->zone, zone, name_length(zone));
	wbuf_init(&w, a->data, size);
	fill(&a->ds, &w, r, zone, RR_DS);
	fill(&a->dnskey, &w, r, zone, RR_DNSKEY);
	a->ds.owner = a->dnskey.owner = a->zone;
	as->n++;
	return 0;
}

/* Each zone of r once (the first record of its owner). */
static int add_all(struct dnssec_anchors *as, const struct reading *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		bool seen = false;
		int ret;

		for (unsigned k = 0; k < i && !seen; k++)
			seen = name_equal(r->rec[k].owner, r->rec[i].owner);
		if (seen)
			continue;
		ret = add_zone(as, r, r->rec[i].owner);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int dnssec_anchors_add_text(struct dnssec_anchors *as, const char *text,
			    size_t len, const char *name, char *err)
{
	static const uint8_t root[1] = { 0 };
	struct reading *r = calloc(1, sizeof(*r));
	struct zparse_opts o = {
		.origin = root, .rclass = CLASS_IN, .default_ttl = 3600,
		.has_default_ttl = true, .no_include = true, .on_rr = on_rr,
		.on_msg = on_msg,
	};
	size_t n0 = as->n;
	int ret;

	if (!r)
		return BN_ENOMEM;
	r->err = err;
	r->name = name;
	o.ctx = r;
	ret = zparse_text(text, len, name, &o);
	if (r->ret == 0 && ret != 0) {
		snprintf(err, 256, "%s: cannot be read", name);
		r->ret = ret < 0 ? ret : BN_ESYNTAX;
	}
	if (r->ret == 0 && r->n == 0) {
		snprintf(err, 256, "%s: no DS or DNSKEY record", name);
		r->ret = BN_ENOTFOUND;
	}
	if (r->ret == 0)
		r->ret = add_all(as, r);
	while (r->ret < 0 && as->n > n0)
		free(as->a[--as->n].data);
	ret = r->ret;
	for (unsigned i = 0; i < r->n; i++)
		free(r->rec[i].rd);
	free(r);
	return ret;
}

const struct dnssec_anchor *dnssec_anchors_find(const struct dnssec_anchors *as,
						const uint8_t *name)
{
	const struct dnssec_anchor *best = NULL;

	for (size_t i = 0; i < as->n; i++)
		if (name_is_subdomain(name, as->a[i].zone) &&
		    (!best || name_labels(as->a[i].zone) > name_labels(best->zone)))
			best = &as->a[i];
	return best;
}

int dnssec_anchors_add_insecure(struct dnssec_anchors *as,
				const uint8_t *zone)
{
	struct reading *r = calloc(1, sizeof(*r));  /* no record: */
	uint8_t z[NAME_MAXLEN];                     /* both sets empty */
	int ret;

	if (!r)
		return BN_ENOMEM;
	memcpy(z, zone, name_length(zone));
	name_to_lower(z);
	ret = add_zone(as, r, z);
	free(r);
	return ret;
}

void dnssec_anchors_clear(struct dnssec_anchors *as)
{
	for (size_t i = 0; i < as->n; i++)
		free(as->a[i].data);
	free(as->a);
	as->a = NULL;
	as->n = 0;
}

int dnssec_anchor_verify_keys(const struct dnssec_anchor *a,
			      const struct dnssec_rrset *keys,
			      const struct dnssec_rrset *sigs, uint32_t now,
			      struct dnssec_budget *b,
			      struct dnssec_verdict *v)
{
	int ret;

	if (a->ds.count) {
		ret = dnssec_verify_dnskeys(keys, sigs, &a->ds, now, b, v);
		if (ret == DNSSEC_SECURE || !a->dnskey.count)
			return ret;
	}
	return dnssec_verify_rrset(keys, sigs, &a->dnskey, now, b, v);
}
