/* RFC 5011's state machine (autotrust.h): keys matched by their RDATA
 * with the REVOKE bit masked (revoking a key changes its flags and its
 * tag, not its key). Only secure entry points (SEP bit) are anchors. */
#include <string.h>
#include <sys/types.h>

#include "base/error.h"
#include "dnssec/autotrust.h"
#include "wire/buf.h"

static const char *const names[] = { "ADDPEND", "VALID", "MISSING",
				     "REVOKED" };

const char *ta_state_name(uint8_t state)
{
	return state <= TA_REVOKED ? names[state] : "?";
}

int ta_state_parse(const char *name, size_t len)
{
	for (int i = 0; i <= TA_REVOKED; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return i;
	return -1;
}

static bool trusted(uint8_t state)
{
	return state == TA_VALID || state == TA_MISSING;
}

static uint16_t flags_of(const uint8_t *rd, size_t len)
{
	return len >= 4 ? wire_get_u16(rd) : 0;
}

/* The same key, its REVOKE bit aside. */
static bool same_key(const uint8_t *a, size_t alen, const uint8_t *b,
		     size_t blen)
{
	return alen == blen && alen >= 4 && a[0] == b[0] &&
	       (a[1] & ~DNSKEY_FLAG_REVOKE) == (b[1] & ~DNSKEY_FLAG_REVOKE) &&
	       !memcmp(a + 2, b + 2, alen - 2);
}

static uint16_t plain_tag(const uint8_t *rd, size_t len)
{
	uint8_t tmp[TA_KEY_MAX];

	if (len > sizeof(tmp) || len < 4)
		return 0;
	memcpy(tmp, rd, len);
	tmp[1] &= (uint8_t)~DNSKEY_FLAG_REVOKE;
	return dnssec_key_tag(tmp, len);
}

/* Items as an RRset: 2-octet length, RDATA. */
static void put_item(uint8_t *out, size_t cap, size_t *used,
		     struct dnssec_rrset *set, const uint8_t *rd, size_t len)
{
	if (*used + 2 + len > cap)
		return;
	out[*used] = (uint8_t)(len >> 8);
	out[*used + 1] = (uint8_t)len;
	memcpy(out + *used + 2, rd, len);
	*used += 2 + len;
	set->count++;
	set->rdata_len = *used;
}

void ta_trusted_keys(const struct ta_point *p, uint8_t *out, size_t cap,
		     struct dnssec_rrset *set)
{
	size_t used = 0;

	*set = (struct dnssec_rrset){ .owner = p->zone, .type = 48,
				      .rclass = 1, .rdata = out };
	for (size_t i = 0; i < p->n; i++)
		if (trusted(p->k[i].state))
			put_item(out, cap, &used, set, p->k[i].rd,
				 p->k[i].len);
}

void ta_trusted_ds(const struct ta_point *p, uint8_t *out, size_t cap,
		   struct dnssec_rrset *set)
{
	size_t used = 0;

	*set = (struct dnssec_rrset){ .owner = p->zone, .type = 43,
				      .rclass = 1, .rdata = out };
	for (size_t i = 0; i < p->nds; i++)
		put_item(out, cap, &used, set, p->ds[i], p->dslen[i]);
}

int ta_verify(const struct ta_point *p, const struct dnssec_rrset *keys,
	      const struct dnssec_rrset *sigs, uint32_t now,
	      struct dnssec_budget *b)
{
	uint8_t buf[TA_KEYS_MAX * (TA_KEY_MAX + 2)];
	struct dnssec_rrset t;

	ta_trusted_keys(p, buf, sizeof(buf), &t);
	if (t.count)
		return dnssec_verify_rrset(keys, sigs, &t, now, b, NULL);
	ta_trusted_ds(p, buf, sizeof(buf), &t);
	if (!t.count)
		return DNSSEC_NO_KEY;
	return dnssec_verify_dnskeys(keys, sigs, &t, now, b, NULL);
}

static ssize_t find(const struct ta_point *p, const uint8_t *rd, size_t len)
{
	for (size_t j = 0; j < p->n; j++)
		if (same_key(p->k[j].rd, p->k[j].len, rd, len))
			return (ssize_t)j;
	return -1;
}

static bool ds_names(const struct ta_point *p, const uint8_t *rd, size_t len)
{
	for (size_t i = 0; i < p->nds; i++)
		if (dnssec_ds_match(p->ds[i], p->dslen[i], p->zone, rd, len) ==
		    DNSSEC_SECURE)
			return true;
	return false;
}

struct step {
	struct ta_point *p;
	int64_t now;
	const struct ta_params *pp;
	struct ta_event *ev;
	size_t ncap, changes;
	bool boot;                      /* no trusted key yet: the DS */
};

static void move(struct step *s, size_t j, int to, bool gone)
{
	struct ta_key *k = &s->p->k[j];

	if (s->changes < s->ncap)
		s->ev[s->changes] = (struct ta_event){
			.tag = plain_tag(k->rd, k->len), .from = k->state,
			.to = (uint8_t)(to < 0 ? k->state : to), .gone = gone };
	s->changes++;
	if (to >= 0) {
		k->state = (uint8_t)to;
		k->since = s->now;
	}
}

/* A key of the set, not revoked. */
static void present(struct step *s, const uint8_t *rd, size_t len)
{
	struct ta_point *p = s->p;
	ssize_t j = find(p, rd, len);

	if (j < 0) {
		if (p->n == TA_KEYS_MAX || len > TA_KEY_MAX)
			return;
		j = (ssize_t)p->n++;
		memcpy(p->k[j].rd, rd, len);
		p->k[j].len = (uint16_t)len;
		p->k[j].state = 0xff;
		move(s, (size_t)j, s->boot && ds_names(p, rd, len) ? TA_VALID :
		     TA_ADDPEND, false);
		return;
	}
	if (p->k[j].state == TA_MISSING ||
	    (p->k[j].state == TA_ADDPEND &&
	     s->now - p->k[j].since >= s->pp->add_holddown))
		move(s, (size_t)j, TA_VALID, false);
}

/* A key of the point not in the set. */
static bool absent(struct step *s, size_t j)
{
	const struct ta_key *k = &s->p->k[j];
	int64_t age = s->now - k->since;

	switch (k->state) {
	case TA_ADDPEND:
		move(s, j, -1, true);
		return true;
	case TA_VALID:
		move(s, j, TA_MISSING, false);
		return false;
	case TA_MISSING:
	case TA_REVOKED:
		if (age < (k->state == TA_MISSING ? s->pp->keep_missing :
			   s->pp->del_holddown))
			return false;
		move(s, j, -1, true);
		return true;
	}
	return false;
}

static void mark(struct step *s, const struct dnssec_rrset *keys,
		 const bool *revoked, bool *seen)
{
	const uint8_t *rd;
	uint16_t len;

	for (unsigned i = 0; i < keys->count; i++) {
		uint16_t f;
		ssize_t j;
		if (dnssec_rrset_item(keys, i, &rd, &len) < 0)
			return;
		f = flags_of(rd, len);
		if (!(f & DNSKEY_FLAG_ZONE) || !(f & DNSKEY_FLAG_SEP))
			continue;
		if (!(f & DNSKEY_FLAG_REVOKE)) {
			present(s, rd, len);
		} else if ((j = find(s->p, rd, len)) >= 0 && revoked[i] &&
			   s->p->k[j].state != TA_REVOKED) {
			move(s, (size_t)j, TA_REVOKED, false);
			memcpy(s->p->k[j].rd, rd, len);
		}
		if ((j = find(s->p, rd, len)) >= 0)
			seen[j] = true;
	}
}

size_t ta_update(struct ta_point *p, const struct dnssec_rrset *keys,
		 const bool *revoked, uint32_t ttl, int64_t now,
		 const struct ta_params *pp, struct ta_event *ev, size_t ncap)
{
	struct step s = { .p = p, .now = now, .pp = pp, .ev = ev,
			  .ncap = ncap };
	bool seen[TA_KEYS_MAX] = { false };
	size_t n = 0;

	for (size_t j = 0; j < p->n; j++)
		s.boot = s.boot || trusted(p->k[j].state);
	s.boot = !s.boot && p->nds;
	p->ttl = ttl;
	mark(&s, keys, revoked, seen);
	for (size_t j = 0; j < p->n; j++) {
		if (!seen[j] && absent(&s, j))
			continue;       /* forgotten */
		p->k[n++] = p->k[j];
	}
	p->n = n;
	for (size_t j = 0; j < p->n; j++)
		if (trusted(p->k[j].state))
			p->nds = 0;     /* keys now: the DS are done */
	return s.changes;
}

int64_t ta_next_change(const struct ta_point *p, const struct ta_params *pp)
{
	int64_t t = INT64_MAX;

	for (size_t j = 0; j < p->n; j++)
		if (p->k[j].state == TA_ADDPEND &&
		    p->k[j].since + pp->add_holddown < t)
			t = p->k[j].since + pp->add_holddown;
	return t;
}
