/* The secondaries' copies in the zone dir: NAME.zone (the last whole
 * version, written after an AXFR in and when the journal grows past its
 * bound) and NAME.jnl (the IXFR changes received: those since the file,
 * and some before it, which IXFR out serves). At start the file is
 * loaded and the journal replayed over it, so a restart serves at once
 * what was last transferred. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authd/journal_replay.h"
#include "authd/secondary_int.h"
#include "authd/zone_dir.h"
#include "backend/zonefile.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "daemon/log.h"

static void diag(void *ctx, bool fatal, const char *msg)
{
	log_msg(fatal ? LOG_LVL_ERR : LOG_LVL_WARN, "zone %s: journal: %s",
		(const char *)ctx, msg);
}

static void load_diag(void *ctx, const char *file, unsigned line, bool error,
		      const char *msg)
{
	log_msg(error ? LOG_LVL_ERR : LOG_LVL_DEBUG, "zone %s: %s:%u: %s",
		(const char *)ctx, file ? file : "?", line, msg);
}

static int open_journal(struct sec_zone *z)
{
	int ret = journal_open(z->jpath, z->origin, diag, z->name, &z->j);

	if (ret == BN_EINVAL && journal_set_aside(z->jpath, NULL, 0) == 0)
		ret = journal_open(z->jpath, z->origin, diag, z->name, &z->j);
	if (ret < 0)
		log_err("zone %s: journal %s: cannot open: %s", z->name,
			z->jpath, ret == BN_EIO ? strerror(errno) :
			bn_strerror(ret));
	return ret;
}

/* The stored version: the file, the journal's changes after it. */
static void load(struct sec_zone *z)
{
	struct zdb_zone *v = NULL;
	uint32_t serial;
	size_t n = 0;
	int ret;

	if (access(z->path, F_OK) < 0)
		return;
	if (zonefile_load(&v, z->origin, z->path, load_diag, z->name,
			  false) != 0) {
		log_err("zone %s: stored copy %s does not load: a transfer "
			"is needed", z->name, z->path);
		return;
	}
	serial = zdb_zone_serial(v);
	if (journal_count(z->j) && journal_last(z->j) != serial) {
		ret = journal_replay(z->j, &v, &n);
		if (ret < 0) {
			log_warn("zone %s: journal (serial %u..%u) does not "
				 "follow the stored copy (serial %u): %s; "
				 "emptied", z->name, journal_first(z->j),
				 journal_last(z->j), serial, bn_strerror(ret));
			journal_reset(z->j);
		}
	}
	z->v = v;
	log_info("zone %s: stored copy loaded, serial %u (%zu changes from "
		 "the journal), %zu records", z->name, zdb_zone_serial(z->v),
		 n, zdb_zone_rr_count(z->v));
}

int sec_store_open(struct sec_zone *z, const char *dir)
{
	zone_dir_path(z->path, sizeof(z->path), dir, z->origin, "zone");
	zone_dir_path(z->jpath, sizeof(z->jpath), dir, z->origin, "jnl");
	if (open_journal(z) < 0)
		return -1;
	load(z);
	return 0;
}

/* Age of the stored copy (seconds since its last write), for expiry. */
long sec_store_age(const struct sec_zone *z, time_t now)
{
	struct stat a, b;
	time_t t = 0;

	if (stat(z->path, &a) == 0)
		t = a.st_mtime;
	if (journal_count(z->j) && stat(z->jpath, &b) == 0 && b.st_mtime > t)
		t = b.st_mtime;
	return t && now > t ? (long)(now - t) : 0;
}

/* The file rewritten whole; 0 or the error (logged). */
static int save_file(struct sec_zone *z, const struct zdb_zone *v)
{
	int ret = zonefile_save(z->path, v);

	if (ret < 0)
		log_err("zone %s: cannot write %s: %s; served, but a restart "
			"needs a transfer", z->name, z->path,
			ret == BN_EIO ? strerror(errno) : bn_strerror(ret));
	return ret;
}

/* A journal past half its bound: the file written whole (a restart
 * replays nothing), the journal cut to its newest quarter rather than
 * emptied, so that secondaries of this one still get those changes by
 * IXFR. Every record after the file's serial stays, whatever happens. */
static void compact(struct sec_zone *z, const struct zdb_zone *v,
		    size_t journal_max)
{
	size_t dropped = 0;

	if (save_file(z, v) < 0)
		return;
	if (journal_trim(z->j, journal_max / 4, &dropped) < 0)
		log_warn("zone %s: journal %s: cannot drop its oldest "
			 "changes: %s", z->name, z->jpath, strerror(errno));
	else if (dropped)
		log_info("zone %s: %s written; journal over %zu bytes: its "
			 "%zu oldest changes dropped (IXFR from before "
			 "serial %u: AXFR form)", z->name, z->path,
			 journal_max / 2, dropped, journal_first(z->j));
}

void sec_store_save(struct sec_zone *z, const struct zdb_zone *v,
		    const struct sec_result *r, size_t journal_max)
{
	int ret = 0;

	if (!r->zone && journal_count(z->j) &&
	    journal_last(z->j) != zchange_from(&r->chg[0]))
		ret = BN_EINVAL;
	for (size_t i = 0; ret == 0 && !r->zone && i < r->nchg; i++)
		ret = journal_append(z->j, &r->chg[i]);
	if (ret == 0 && !r->zone)
		ret = journal_sync(z->j);
	/* a whole zone (AXFR) or changes the journal did not take: the
	 * journal's chain no longer leads to v */
	if (r->zone || ret < 0) {
		save_file(z, v);
		journal_reset(z->j);
	} else if (access(z->path, F_OK) < 0) {
		save_file(z, v);
	} else if (journal_bytes(z->j) > journal_max / 2) {
		compact(z, v, journal_max);
	}
}
