/* IXFR's changes from a zone's journal, for the zones that take updates
 * and the secondary zones alike: the changes from the client's serial up
 * to the version being transferred, copied out of the journal (they
 * outlive the read), released with the transfer. The journal may
 * already hold a change the workers do not serve yet (appended before
 * publication): the copy stops at the transferred version's serial.
 * Runs in a worker: a pread per change. */
#include <stdlib.h>

#include "authd/journal_ixfr.h"
#include "base/error.h"

struct ixfr_copy {
	struct zchange **chg;
	size_t n, cap;
	uint32_t until;
	bool reached;
};

static int copy_rr(struct zchange *d, const struct zchange_rr *rr, bool add)
{
	return add ? zchange_add(d, rr->owner, rr->type, rr->ttl, rr->rdata,
				 rr->rdlen)
		   : zchange_del(d, rr->owner, rr->type, rr->ttl, rr->rdata,
				 rr->rdlen);
}

static int copy_change(struct zchange *d, const struct zchange *c)
{
	int ret = zchange_set_soa(d, false, c->soa_from.owner, c->soa_from.ttl,
				  c->soa_from.rdata, c->soa_from.rdlen);

	if (ret == 0)
		ret = zchange_set_soa(d, true, c->soa_to.owner, c->soa_to.ttl,
				      c->soa_to.rdata, c->soa_to.rdlen);
	for (size_t i = 0; i < c->ndel && ret == 0; i++)
		ret = copy_rr(d, &c->del[i], false);
	for (size_t i = 0; i < c->nadd && ret == 0; i++)
		ret = copy_rr(d, &c->add[i], true);
	return ret;
}

static int take(void *ctx, const struct zchange *c)
{
	struct ixfr_copy *x = ctx;
	struct zchange *d;

	if (x->reached)
		return 1;       /* past the version transferred: stop */
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 16;
		struct zchange **n = realloc(x->chg, cap * sizeof(*n));
		if (!n)
			return BN_ENOMEM;
		x->chg = n;
		x->cap = cap;
	}
	d = malloc(sizeof(*d));
	if (!d)
		return BN_ENOMEM;
	zchange_init(d);
	x->chg[x->n++] = d;
	if (copy_change(d, c) < 0)
		return BN_ENOMEM;
	x->reached = zchange_to(c) == x->until;
	return 0;
}

static void release(void *ctx)
{
	struct ixfr_copy *x = ctx;

	for (size_t i = 0; i < x->n; i++) {
		zchange_clear(x->chg[i]);
		free(x->chg[i]);
	}
	free(x->chg);
	free(x);
}

int journal_ixfr_changes(struct journal *j, const struct zdb_zone *z,
			 uint32_t from, struct auth_xfr_changes *out)
{
	struct ixfr_copy *x;
	int ret;

	if (!j)
		return BN_ENOTFOUND;
	x = calloc(1, sizeof(*x));
	if (!x)
		return BN_ENOMEM;
	x->until = zdb_zone_serial(z);
	ret = journal_read(j, from, take, x);
	if (ret < 0 || !x->reached) {
		release(x);
		return ret < 0 ? ret : BN_ENOTFOUND;
	}
	out->chg = (const struct zchange *const *)x->chg;
	out->n = x->n;
	out->release = release;
	out->ctx = x;
	return 0;
}
