/* The change lists: records copied into the change's arena, lists grown
 * by doubling (copied into the arena too: a change is dropped whole). */
#include <string.h>

#include "base/error.h"
#include "wire/name.h"
#include "wire/rrtype.h"
#include "zone/change.h"

void zchange_init(struct zchange *c)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->arena, 16384);
}

void zchange_clear(struct zchange *c)
{
	arena_clear(&c->arena);
	memset(c, 0, sizeof(*c));
}

static int copy_rr(struct zchange *c, struct zchange_rr *rr,
		   const uint8_t *owner, uint16_t type, uint32_t ttl,
		   const uint8_t *rdata, uint16_t rdlen)
{
	int olen = name_check(owner, NAME_MAXLEN);

	if (olen < 0)
		return BN_EINVAL;
	rr->owner = arena_memdup(&c->arena, owner, (size_t)olen);
	rr->rdata = rdlen ? arena_memdup(&c->arena, rdata, rdlen) :
			    (const uint8_t *)"";
	if (!rr->owner || !rr->rdata)
		return BN_ENOMEM;
	rr->type = type;
	rr->ttl = ttl;
	rr->rdlen = rdlen;
	return 0;
}

/* Room for one more in a list; the old array stays in the arena. */
static struct zchange_rr *grow(struct zchange *c, struct zchange_rr **list,
			       size_t n, size_t *cap)
{
	struct zchange_rr *nl;

	if (n < *cap)
		return &(*list)[n];
	*cap = *cap ? *cap * 2 : 16;
	nl = arena_alloc(&c->arena, *cap * sizeof(*nl));
	if (!nl)
		return NULL;
	if (n)
		memcpy(nl, *list, n * sizeof(*nl));
	*list = nl;
	return &nl[n];
}

int zchange_del(struct zchange *c, const uint8_t *owner, uint16_t type,
		uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	struct zchange_rr *rr = grow(c, &c->del, c->ndel, &c->cap_del);
	int ret;

	if (!rr)
		return BN_ENOMEM;
	ret = copy_rr(c, rr, owner, type, ttl, rdata, rdlen);
	if (!ret)
		c->ndel++;
	return ret;
}

int zchange_add(struct zchange *c, const uint8_t *owner, uint16_t type,
		uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	struct zchange_rr *rr = grow(c, &c->add, c->nadd, &c->cap_add);
	int ret;

	if (!rr)
		return BN_ENOMEM;
	ret = copy_rr(c, rr, owner, type, ttl, rdata, rdlen);
	if (!ret)
		c->nadd++;
	return ret;
}

int zchange_set_soa(struct zchange *c, bool to, const uint8_t *origin,
		    uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	return copy_rr(c, to ? &c->soa_to : &c->soa_from, origin, RR_SOA, ttl,
		       rdata, rdlen);
}

uint32_t zchange_soa_serial(const uint8_t *rdata, uint16_t rdlen)
{
	size_t p = 0;

	if (!rdata)
		return 0;
	for (int n = 0; n < 2; n++) {
		while (p < rdlen && rdata[p])
			p += (size_t)rdata[p] + 1;
		p++;
	}
	if (p + 4 > rdlen)
		return 0;
	return (uint32_t)rdata[p] << 24 | (uint32_t)rdata[p + 1] << 16 |
	       (uint32_t)rdata[p + 2] << 8 | rdata[p + 3];
}

static size_t rr_size(const struct zchange_rr *rr)
{
	return rr->owner ? name_length(rr->owner) + 10 + rr->rdlen : 0;
}

size_t zchange_size(const struct zchange *c)
{
	size_t n = rr_size(&c->soa_from) + rr_size(&c->soa_to);

	for (size_t i = 0; i < c->ndel; i++)
		n += rr_size(&c->del[i]);
	for (size_t i = 0; i < c->nadd; i++)
		n += rr_size(&c->add[i]);
	return n;
}

int zchange_set_soa_serial(struct zchange *c, bool to,
			   const struct zchange_rr *soa, uint32_t serial)
{
	uint8_t rd[2 * NAME_MAXLEN + 20];
	size_t off;

	if (soa->rdlen < 22 || soa->rdlen > sizeof(rd))
		return BN_EINVAL;
	off = soa->rdlen - 20;          /* serial, then four 32-bit timers */
	memcpy(rd, soa->rdata, soa->rdlen);
	rd[off] = (uint8_t)(serial >> 24);
	rd[off + 1] = (uint8_t)(serial >> 16);
	rd[off + 2] = (uint8_t)(serial >> 8);
	rd[off + 3] = (uint8_t)serial;
	return zchange_set_soa(c, to, soa->owner, soa->ttl, rd, soa->rdlen);
}
