/* Unit tests for src/authd/reload.c and src/backend/zonefile.c: zones
 * loaded from files, unchanged files reused on reload, a broken zone
 * keeping its old data, a removed zone dropped, publication by swap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "daemon/log.h"
#include "authd/reload.h"

static char dir[] = "/tmp/test_reload.XXXXXX";

static void put(const char *file, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void add(struct config *c, const char *name, const char *file)
{
	char err[CONFIG_ERR_MAX], path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	CHECKF(config_add_zone(c, name, path, err) == 0, "%s", err);
}

static const char a1[] = "$TTL 1h\n@ SOA ns host 1 2 3 4 5\n NS ns\n"
			 "ns A 192.0.2.1\n";
static const char a2[] = "$TTL 1h\n@ SOA ns host 2 2 3 4 5\n NS ns\n"
			 "ns A 192.0.2.1\nwww A 192.0.2.2\n";
static const char broken[] = "$TTL 1h\n@ SOA ns host 3 2 3 4 5\n"
			     "ns A 1.2.3\n";

static uint32_t serial_of(const struct served *s, const char *name)
{
	uint8_t origin[NAME_MAXLEN];
	const struct zdb_zone *z;

	name_from_text(origin, name, strlen(name), NULL);
	z = zonedb_get(s->db, origin);
	return z ? zdb_zone_serial(z) : 0;
}

static void test_reload(void)
{
	struct loader ld = { 0 };
	struct load_stats st;
	struct served *cur = NULL, *s;
	struct config c;

	config_init(&c);
	put("a.zone", a1);
	put("b.zone", a1);
	put("d.zone", broken);
	add(&c, "a.test", "a.zone");
	add(&c, "b.test", "b.zone");
	add(&c, "c.test", "missing.zone");
	add(&c, "d.test", "d.zone");
	CHECK(loader_run(&ld, &c, &s, &st) == 0);
	CHECK(st.zones == 2 && st.failed == 2 && st.reused == 0);
	CHECK(st.records == 6 && zonedb_count(s->db) == 2);
	CHECK(s->conf.udp_payload == 1232 && s->tcp_idle == 10);
	served_publish(&cur, s);
	CHECK(cur == s && serial_of(cur, "a.test.") == 1);

	put("a.zone", a2);              /* changed: size differs */
	put("b.zone", broken);
	CHECK(loader_run(&ld, &c, &s, &st) == 0);
	CHECK(st.zones == 2 && st.failed == 3 && st.reused == 0);
	served_publish(&cur, s);
	CHECK(serial_of(cur, "a.test.") == 2);
	CHECK(serial_of(cur, "d.test.") == 0);  /* never loaded */
	CHECK(serial_of(cur, "b.test.") == 1);  /* old data kept */

	CHECK(loader_run(&ld, &c, &s, &st) == 0);
	CHECK(st.reused == 1 && st.failed == 3);  /* b, d retried */
	served_publish(&cur, s);

	put("b.zone", a2);
	config_clear(&c);
	config_init(&c);
	add(&c, "b.test", "b.zone");    /* a.test removed */
	CHECK(loader_run(&ld, &c, &s, &st) == 0);
	CHECK(st.zones == 1 && st.failed == 0);
	served_publish(&cur, s);
	CHECK(serial_of(cur, "a.test.") == 0 && serial_of(cur, "b.test.") == 2);
	served_publish(&cur, NULL);
	loader_clear(&ld);
	config_clear(&c);
}

static enum loader_kind kind(const struct loader *ld, const char *name)
{
	uint8_t origin[NAME_MAXLEN];

	name_from_text(origin, name, strlen(name), NULL);
	return loader_kind_of(ld, origin);
}

/* What a reload made of each name, as the secondaries' publisher asks
 * before it publishes: a file zone, a secondary of the config, a
 * catalog member, or nothing (a secondary removed, or turned into a
 * file zone, is no longer the refresher's to publish). */
static void test_kind_of(void)
{
	struct loader ld = { 0 };
	struct load_stats st;
	struct served *cur = NULL, *s;
	uint8_t m[NAME_MAXLEN];
	char err[CONFIG_ERR_MAX];
	struct config c;

	config_init(&c);
	put("a.zone", a1);
	add(&c, "a.test", "a.zone");
	CHECKF(config_add_secondary(&c, "s.test", "127.0.0.1", NULL, err) == 0,
	       "%s", err);
	CHECK(loader_run(&ld, &c, &s, &st) == 0);
	served_publish(&cur, s);
	name_from_text(m, "m.test.", 7, NULL);
	CHECK(loader_add_member(&ld, m) == 0);
	CHECK(kind(&ld, "a.test.") == LOADER_FILE);
	CHECK(kind(&ld, "s.test.") == LOADER_SECONDARY);
	CHECK(kind(&ld, "m.test.") == LOADER_MEMBER);
	CHECK(kind(&ld, "x.test.") == LOADER_NONE);

	/* s.test now a file zone, a.test gone; the member carries over */
	config_clear(&c);
	config_init(&c);
	put("s.zone", a1);
	add(&c, "s.test", "s.zone");
	CHECK(loader_run(&ld, &c, &s, &st) == 0);
	served_publish(&cur, s);
	CHECK(kind(&ld, "s.test.") == LOADER_FILE);
	CHECK(kind(&ld, "a.test.") == LOADER_NONE);
	CHECK(kind(&ld, "m.test.") == LOADER_MEMBER);
	loader_remove_member(&ld, m);
	CHECK(kind(&ld, "m.test.") == LOADER_NONE);
	served_publish(&cur, NULL);
	loader_clear(&ld);
	config_clear(&c);
}

int main(void)
{
	char cmd[300];

	log_set_level(LOG_LVL_ERR);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_reload();
	test_kind_of();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_done();
}
