/* The secondary zones as banchi-ctl sees them (secondary.h): their
 * state read, and a refresh started, under the refresher's lock. The
 * list is replaced only under that lock, and a zone is freed only after
 * it left the list, so holding it keeps both alive. */
#include <string.h>
#include <sys/stat.h>

#include "authd/secondary_int.h"
#include "base/error.h"

/* The zone of that origin in the list (locked caller), or NULL. */
static struct sec_zone *find(const struct secondary *s,
			     const uint8_t *origin)
{
	for (size_t i = 0; s->list && i < s->list->n; i++)
		if (name_equal(s->list->z[i]->origin, origin))
			return s->list->z[i];
	return NULL;
}

/* When the stored copy last changed: its file or its journal. */
static time_t stored_at(const struct sec_info *z)
{
	struct stat a, b;
	time_t t = 0;

	if (stat(z->path, &a) == 0)
		t = a.st_mtime;
	if (stat(z->jpath, &b) == 0 && b.st_mtime > t)
		t = b.st_mtime;
	return t;
}

static void fill(const struct sec_zone *z, struct sec_info *o)
{
	memset(o, 0, sizeof(*o));
	o->catalog = z->catalog;
	o->member = z->member;
	o->served = !atomic_load(&z->dead);
	memcpy(o->member_of, z->member_of_name, sizeof(o->member_of));
	for (size_t i = 0; i < z->nprimary && i < CFG_PRIMARIES_MAX; i++)
		memcpy(o->primary[o->nprimary++], z->primary[i].text,
		       sizeof(o->primary[0]));
	o->serial = z->serial;
	o->last_ok = z->last_ok;
	o->next_try = z->next_wall;
	o->fails = z->fails;
	memcpy(o->last_err, z->last_err, sizeof(o->last_err));
	memcpy(o->path, z->path, sizeof(o->path));
	memcpy(o->jpath, z->jpath, sizeof(o->jpath));
	if (z->j) {
		o->jbytes = journal_bytes(z->j);
		o->jcount = journal_count(z->j);
	}
}

bool secondary_info(struct secondary *s, const uint8_t *origin,
		    struct sec_info *out)
{
	struct sec_zone *z;

	pthread_mutex_lock(&s->mu);
	z = find(s, origin);
	if (z)
		fill(z, out);
	pthread_mutex_unlock(&s->mu);
	if (z)
		out->stored_at = stored_at(out);
	return z != NULL;
}

int secondary_refresh_now(struct secondary *s, const uint8_t *origin)
{
	struct sec_zone *z;

	pthread_mutex_lock(&s->mu);
	z = find(s, origin);
	if (z) {
		atomic_store(&z->notified, true);
		pthread_cond_signal(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return z ? 0 : BN_ENOTFOUND;
}

void secondary_counts(struct secondary *s, size_t *n, size_t *dead)
{
	*n = *dead = 0;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; s->list && i < s->list->n; i++) {
		(*n)++;
		*dead += atomic_load(&s->list->z[i]->dead);
	}
	pthread_mutex_unlock(&s->mu);
}
