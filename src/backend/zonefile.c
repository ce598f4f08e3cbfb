/* Zone file → zparse → struct zone (sorted, checked) → zdb_zone. The
 * struct zone is a build-time scratch: freed once the serving form is
 * built. Refusing checks (ZONE_REFUSE) fail the load as the server
 * must not serve such a zone; plain check errors are reported as
 * warnings, as the zone still loads (BIND and Knot serve them). */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/zonefile.h"
#include "base/error.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

struct load {
	struct zone *z;
	zonefile_diag_fn diag;
	void *ctx;
	bool warnings;
	int refused;
};

static int on_rr(void *ctx, const struct zrr *rr)
{
	struct load *l = ctx;

	return zone_add(l->z, rr);
}

static void on_msg(void *ctx, const char *file, unsigned line, bool warning,
		   const char *msg)
{
	struct load *l = ctx;

	if (l->diag && (!warning || l->warnings))
		l->diag(l->ctx, file, line, !warning, msg);
}

static void on_check(void *ctx, const char *file, unsigned line,
		     enum zone_level level, const char *msg)
{
	struct load *l = ctx;

	if (level == ZONE_REFUSE)
		l->refused++;
	if (l->diag && (level == ZONE_REFUSE || l->warnings))
		l->diag(l->ctx, file, line, level == ZONE_REFUSE, msg);
}

/* The checks only read the finished zone, and so does the serving
 * build: on large zones they run side by side on two cores. */
struct check_job {
	struct load *l;
	bool refuse;
};

static void *check_thread(void *arg)
{
	struct check_job *j = arg;

	zone_check(j->l->z, &j->refuse);
	return NULL;
}

/* Below this many records a thread costs more than it saves, and the
 * builder's buffers are too small to matter once freed. */
#define PARALLEL_CHECK_RRS 20000

static int check_and_build(struct load *l, struct zdb_zone **out,
			   bool *refuse)
{
	struct check_job j = { .l = l };
	pthread_t t;
	int ret;

	if (l->z->nrr < PARALLEL_CHECK_RRS ||
	    pthread_create(&t, NULL, check_thread, &j) != 0) {
		zone_check(l->z, refuse);
		if (*refuse || l->refused)
			return 0;
		return zdb_zone_build(out, l->z);
	}
	ret = zdb_zone_build(out, l->z);
	pthread_join(t, NULL);
	*refuse = j.refuse;
	return ret;
}

static int build(struct load *l, struct zdb_zone **out)
{
	bool refuse = false;
	int ret;

	ret = zone_finish(l->z);
	if (ret < 0)
		return ret;
	l->z->diag = on_check;
	l->z->diag_ctx = l;
	l->z->no_warnings = !l->warnings;
	ret = check_and_build(l, out, &refuse);
	if (refuse || l->refused)
		return l->refused ? l->refused : 1;
	if (ret == BN_EINVAL) {
		if (l->diag)
			l->diag(l->ctx, NULL, 0, true, "no SOA at the apex");
		return 1;
	}
	return ret;
}

/* The zone's scratch freed; large ones give their pages back. */
static void done(struct zone *z)
{
	bool big = z->nrr >= PARALLEL_CHECK_RRS;

	zone_clear(z);
#ifdef __GLIBC__
	/* The builder's big buffers raise glibc's mmap threshold, so the
	 * ones allocated after them land in the heap, where free() keeps
	 * them: give those pages back. */
	if (big)
		malloc_trim(0);
#else
	(void)big;
#endif
}

static int finish(struct load *l, struct zdb_zone **out, int ret)
{
	if (ret == 0)
		ret = build(l, out);
	done(l->z);
	if (ret != 0 && *out) {
		zdb_zone_unref(*out);
		*out = NULL;
	}
	return ret;
}

int zonefile_load(struct zdb_zone **out, const uint8_t *origin,
		  const char *path, zonefile_diag_fn diag, void *ctx,
		  bool warnings)
{
	struct zparse_opts o = { 0 };
	struct zone z;
	struct load l = { .z = &z, .diag = diag, .ctx = ctx,
			  .warnings = warnings };

	*out = NULL;
	if (access(path, R_OK) < 0) {
		if (diag)
			diag(ctx, path, 0, true, strerror(errno));
		return BN_EIO;
	}
	zone_init(&z, origin, CLASS_IN);
	o.origin = origin;
	o.rclass = CLASS_IN;
	o.on_rr = on_rr;
	o.on_msg = on_msg;
	o.ctx = &l;
	return finish(&l, out, zparse_file(path, &o));
}

int zonefile_finish(struct zone *z, struct zdb_zone **out,
		    zonefile_diag_fn diag, void *ctx, bool warnings)
{
	struct load l = { .z = z, .diag = diag, .ctx = ctx,
			  .warnings = warnings };

	*out = NULL;
	return finish(&l, out, 0);
}
