/* The serial a database zone is served under. banchi raises it when the
 * rows change and the SOA's serial does not (one more than the serial
 * served), and takes the database's when that is later. What it served
 * is kept in banchi_serial with the database's serial and a digest of
 * the records (SOA aside) it served under it, so that a restart finds
 * whether the rows are still those: then it serves the same serial,
 * else one after it. Never backwards. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "authd/sqlzones.h"
#include "backend/sql_track.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rrtype.h"
#include "zone/change.h"

/* One record's hash: the lowercase owner's, then type, TTL, length and
 * RDATA mixed in eight octets at a time (the load of a large zone pays
 * it per record), then finished with splitmix64's finaliser so that sums
 * of hashes spread well. RDATA words are read in host order: a digest is
 * compared on the host that stored it (elsewhere it differs once, and the
 * served serial goes up by one). */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static uint64_t rr_hash(const uint8_t *owner, uint16_t type, uint32_t ttl,
			const uint8_t *rd, uint16_t len)
{
	uint64_t h = mix(name_hash_lc(owner),
			 (uint64_t)type << 48 | (uint64_t)ttl << 16 | len);
	uint64_t w;
	uint16_t i = 0;

	for (; len - i >= 8; i += 8) {
		memcpy(&w, rd + i, 8);
		h = mix(h, w);
	}
	for (w = 0; i < len; i++)
		w = w << 8 | rd[i];
	h = mix(h, w);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

uint64_t sqlz_digest(const struct zdb_zone *v)
{
	uint64_t d = 0;

	for (size_t i = 0; i < zdb_zone_node_count(v); i++) {
		const struct zdb_node *n = zdb_zone_node(v, i);
		for (uint16_t s = 0; s < n->nsets; s++) {
			const struct zdb_rrset *set = &n->sets[s];
			if (set->type == RR_SOA && (n->flags & ZDB_APEX))
				continue;
			for (uint16_t j = 0; j < set->count; j++)
				d += rr_hash(n->owner, set->type, set->ttl,
					     set->rr[j].data, set->rr[j].len);
		}
	}
	return d;
}

uint64_t sqlz_digest_change(uint64_t d, const struct zchange *c)
{
	for (size_t i = 0; i < c->ndel; i++)
		d -= rr_hash(c->del[i].owner, c->del[i].type, c->del[i].ttl,
			     c->del[i].rdata, c->del[i].rdlen);
	for (size_t i = 0; i < c->nadd; i++)
		d += rr_hash(c->add[i].owner, c->add[i].type, c->add[i].ttl,
			     c->add[i].rdata, c->add[i].rdlen);
	return d;
}

uint32_t sqlz_next_serial(uint32_t db, uint32_t served)
{
	if (serial_after(db, served))
		return db;
	return served + 1 ? served + 1 : 1;
}

struct state {
	bool found;
	int64_t db, served;
	char digest[24];
};

static int state_row(void *ctx, const struct sql_text *col, size_t n)
{
	struct state *st = ctx;

	if (n != 3 || !sql_int(&col[0], &st->db) ||
	    !sql_int(&col[1], &st->served) || !col[2].s ||
	    col[2].len >= sizeof(st->digest))
		return 0;       /* a row we did not write: ignored */
	memcpy(st->digest, col[2].s, col[2].len);
	st->digest[col[2].len] = '\0';
	st->found = true;
	return 0;
}

static void id_text(char *buf, size_t cap, int64_t id)
{
	snprintf(buf, cap, "%" PRId64, id);
}

uint32_t sqlz_start_serial(struct sqlzones *s, struct sqlz_zone *z,
			   uint32_t db, uint64_t digest)
{
	struct state st = { 0 };
	char id[24], dg[24];
	struct sql_text p[1];
	uint32_t served;

	if (!s->writable)
		return db;
	id_text(id, sizeof(id), z->d.id);
	p[0] = sql_str(id);
	if (sql_query(&s->c, sql_serial_get, p, 1, state_row, &st) < 0 ||
	    !st.found)
		return db;
	snprintf(dg, sizeof(dg), "%016" PRIx64, digest);
	if (st.db == db && strcmp(st.digest, dg) == 0)
		served = serial_after((uint32_t)st.served, db) ?
			 (uint32_t)st.served : db;
	else
		served = sqlz_next_serial(db, (uint32_t)st.served);
	if (served != db)
		log_info("zone %s: serial %u in the database, served as %u "
			 "(banchi_serial)", z->d.name, db, served);
	if (served != (uint32_t)st.served || db != (uint32_t)st.db) {
		z->save = true;
		z->save_serial = served;
	}
	return served;
}

int sqlz_save_serial(struct sqlzones *s, const struct sqlz_zone *z,
		     uint32_t served)
{
	char id[24], dbs[16], sv[16], dg[24];
	struct sql_text p[4];
	int ret;

	if (!s->writable)
		return 0;
	id_text(id, sizeof(id), z->d.id);
	snprintf(dbs, sizeof(dbs), "%u", z->db_serial);
	snprintf(sv, sizeof(sv), "%u", served);
	snprintf(dg, sizeof(dg), "%016" PRIx64, z->digest);
	p[0] = sql_str(id);
	p[1] = sql_str(dbs);
	p[2] = sql_str(sv);
	p[3] = sql_str(dg);
	ret = sql_query(&s->c, sql_serial_put, p, 4, NULL, NULL);
	if (ret < 0)
		log_debug("zone %s: banchi_serial not written: %s", z->d.name,
			  sql_strerror(ret));
	return ret;
}

struct zdb_zone *sqlz_with_serial(struct zdb_zone *v, uint32_t serial)
{
	struct zdb_zone *next = NULL;

	if (zdb_zone_serial(v) == serial) {
		zdb_zone_ref(v);
		return v;
	}
	return zdb_zone_with_serial(&next, v, serial) == 0 ? next : NULL;
}
