/* Unit tests for src/daemon config: the YAML loader (good files, and bad
 * ones reported as FILE:LINE: message), listen addresses, flags. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "authd/cmdline.h"
#include "authd/config.h"
#include "authd/notify.h"
#include "daemon/log.h"

static int load(struct config *c, const char *text, char *err)
{
	config_init(c);
	err[0] = 0;
	return config_load_text(c, text, strlen(text), "t.yaml", err);
}

static void test_good(void)
{
	static const char text[] =
		"# comment\n"
		"server:\n"
		"  listen:\n"
		"    - 127.0.0.1:5300\n"
		"    - \"[::1]:5301\"\n"
		"  threads: 3\n"
		"  user: daemon\n"
		"  allow-root: yes\n"
		"  udp-payload: 4096\n"
		"  tcp-idle-timeout: 5\n"
		"  tcp-max-connections: 100\n"
		"  tcp-max-per-client: 4\n"
		"  minimal-responses: false\n"
		"log:\n"
		"  level: debug\n"
		"  target: syslog\n"
		"zones:\n"
		"  - name: example.test\n"
		"    file: a.zone\n"
		"  - { name: b.test., file: /x/b.zone }\n";
	char err[CONFIG_ERR_MAX];
	struct config c;
	const struct sockaddr_in6 *v6;

	CHECKF(load(&c, text, err) == 0, "%s", err);
	CHECK(c.nlisten == 2);
	CHECK(c.listen[0].sa.ss_family == AF_INET);
	CHECK(ntohs(((struct sockaddr_in *)&c.listen[0].sa)->sin_port) ==
	      5300);
	v6 = (const struct sockaddr_in6 *)&c.listen[1].sa;
	CHECK(v6->sin6_family == AF_INET6 && ntohs(v6->sin6_port) == 5301);
	CHECK(c.threads == 3);
	CHECK(c.user && strcmp(c.user, "daemon") == 0);
	CHECK(c.allow_root);
	CHECK(c.udp_payload == 4096 && c.tcp_idle == 5);
	CHECK(c.tcp_max == 100 && c.tcp_per_client == 4 && !c.minimal);
	CHECK(c.log_level == LOG_LVL_DEBUG && c.log_syslog);
	CHECK(c.nzones == 2);
	CHECK(c.nzones == 2 && strcmp(c.zones[1].file, "/x/b.zone") == 0);
	CHECK(c.nzones == 2 && c.zones[0].origin[0] == 7);
	config_clear(&c);
}

static void test_defaults(void)
{
	char err[CONFIG_ERR_MAX];
	struct config c;

	CHECK(load(&c, "", err) == 0);
	CHECK(c.udp_payload == 1232 && c.tcp_idle == 10);
	CHECK(c.tcp_max == 512 && c.tcp_per_client == 16);
	CHECK(c.threads >= 1 && !c.allow_root && !c.user);
	CHECK(c.log_level == LOG_LVL_INFO && !c.log_syslog);
	CHECK(c.minimal);
	CHECK(config_validate(&c, err) < 0);     /* no listen address */
	config_clear(&c);
	CHECK(load(&c, "server:\n  listen: 10.0.0.1\n", err) == 0);
	CHECK(c.nlisten == 1 && ntohs(((struct sockaddr_in *)
					&c.listen[0].sa)->sin_port) == 53);
	CHECK(config_validate(&c, err) == 0);
	config_clear(&c);
}

/* Each bad file and the "FILE:LINE:" its error must start with. */
static const struct {
	const char *text;
	const char *prefix;
	const char *word;
} bad[] = {
	{ "server:\n  threads: 0\n", "t.yaml:2:", "range" },
	{ "server:\n  threads: many\n", "t.yaml:2:", "number" },
	{ "server:\n  bogus: 1\n", "t.yaml:2:", "server.bogus" },
	{ "\n\nnonsense:\n  a: 1\n", "t.yaml:3:", "section" },
	{ "server:\n  listen: 1.2.3.4:99999\n", "t.yaml:2:", "listen" },
	{ "server:\n  listen: [ \"[::1\" ]\n", "t.yaml:2:", "listen" },
	{ "server:\n  udp-payload: 100\n", "t.yaml:2:", "range" },
	{ "server:\n  allow-root: maybe\n", "t.yaml:2:", "true" },
	{ "log:\n  level: loud\n", "t.yaml:2:", "debug" },
	{ "log:\n  target: file\n", "t.yaml:2:", "syslog" },
	{ "zones:\n  - name: a.test\n", "t.yaml:2:", "file" },
	{ "zones:\n  - name: a.test\n    file: x\n    color: red\n",
	  "t.yaml:4:", "zones.color" },
	{ "zones:\n  - {name: a.test, file: x}\n  - {name: A.test., file: y}\n",
	  "t.yaml:3:", "twice" },
	{ "zones:\n  - {name: 'a..test', file: x}\n", "t.yaml:2:", "name" },
	{ "server: [1, 2]\n", "t.yaml:1:", "mapping" },
	{ "server:\n  threads: [1]\n", "t.yaml:2:", "single" },
	{ "server:\n  threads: 1\n   bad indent: 2\n", "t.yaml:3:", "" },
	{ "zones: 5\n", "t.yaml:1:", "list" },
	{ "server:\n  zone-db: mysql:/x\n", "t.yaml:2:", "sqlite:PATH" },
	{ "server:\n  zone-db: 'sqlite:'\n", "t.yaml:2:", "no path" },
	{ "zones:\n  - name: a.test\n    allow-update: 10.0.0.1\n",
	  "t.yaml:2:", "zone-db" },
};

static void test_bad(void)
{
	char err[CONFIG_ERR_MAX];
	struct config c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECKF(load(&c, bad[i].text, err) < 0, "case %zu", i);
		CHECKF(strncmp(err, bad[i].prefix, strlen(bad[i].prefix)) == 0
		       && strstr(err, bad[i].word), "case %zu: '%s'", i, err);
		config_clear(&c);
	}
}

static void test_listen(void)
{
	struct cfg_listen l;

	CHECK(config_parse_listen(&l, "127.0.0.1:5300") == 0);
	CHECK(config_parse_listen(&l, "[::1]:5300") == 0 &&
	      l.sa.ss_family == AF_INET6);
	CHECK(config_parse_listen(&l, "::1") == 0 &&
	      l.sa.ss_family == AF_INET6);
	CHECK(config_parse_listen(&l, "[::1]") == 0);
	CHECK(config_parse_listen(&l, "127.0.0.1:0") < 0);
	CHECK(config_parse_listen(&l, "127.0.0.1:") < 0);
	CHECK(config_parse_listen(&l, "localhost:53") < 0);
	CHECK(config_parse_listen(&l, "[::1]x") < 0);
	CHECK(config_parse_listen(&l, "") < 0);
}

static void test_flags(void)
{
	char *argv[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			 "--zone", "example.test=ex.zone", "--threads=2",
			 "--allow-root", "--udp-payload", "512",
			 "--log-level", "warning", NULL };
	char *bad1[] = { "banchi-auth", "--listen", NULL };
	char *bad2[] = { "banchi-auth", "--frobnicate", NULL };
	char *bad3[] = { "banchi-auth", "--listen", "1.2.3.4", "--zone",
			 "nofile", NULL };
	char *help[] = { "banchi-auth", "--listen", "x", "-h", NULL };
	char err[CONFIG_ERR_MAX];
	struct config c;

	CHECKF(cmdline_config(&c, 11, argv, NULL, err) == 0, "%s", err);
	CHECK(c.nlisten == 1 && c.nzones == 1 && c.threads == 2);
	CHECK(c.allow_root && c.udp_payload == 512);
	CHECK(c.log_level == LOG_LVL_WARN);
	CHECK(c.nzones == 1 && strcmp(c.zones[0].file, "ex.zone") == 0);
	config_clear(&c);
	CHECK(cmdline_config(&c, 2, bad1, NULL, err) < 0);
	config_clear(&c);
	CHECK(cmdline_config(&c, 2, bad2, NULL, err) < 0 &&
	      strstr(err, "frobnicate"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, bad3, NULL, err) < 0 &&
	      strstr(err, "NAME=FILE"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 4, help, NULL, err) == CMDLINE_HELP);
	config_clear(&c);
}

static void test_file(void)
{
	char *argv[] = { "banchi-auth", "-c",
			 "examples/banchi-auth.yaml", "--threads", "1",
			 NULL };
	char *missing[] = { "banchi-auth", "-c", "/nonexistent.yaml", NULL };
	char err[CONFIG_ERR_MAX], buf[4096];
	struct config c;

	CHECKF(cmdline_config(&c, 5, argv, NULL, err) == 0, "%s", err);
	CHECK(c.threads == 1 && c.nzones == 1 && c.nlisten == 1);
	CHECK(c.nzones == 1 && strcmp(config_zone_path(&c, &c.zones[0], buf,
		sizeof(buf)), "examples/example.test.zone") == 0);
	config_clear(&c);
	CHECK(cmdline_config(&c, 3, missing, NULL, err) < 0 &&
	      strstr(err, "/nonexistent.yaml"));
	config_clear(&c);
}

/* server.zone-db: a relative SQLite path under the config's folder;
 * allow-transfer and notify for zones only the database holds, never
 * allow-update; --zone-db over the file's. */
static void test_zone_db(void)
{
	static const char text[] =
		"server:\n  listen: 127.0.0.1:53\n  zone-db: sqlite:pdns.db\n"
		"zones:\n  - name: db.test\n    allow-transfer: 10.0.0.1\n"
		"    notify: 10.0.0.2\n";
	char *argv[] = { "banchi-auth", "-c", "/tmp/test-config-zdb.yaml",
			 "--zone-db", "sqlite:/var/x.db", NULL };
	char err[CONFIG_ERR_MAX];
	struct config c;
	FILE *f;

	CHECKF(load(&c, text, err) == 0, "%s", err);
	CHECK(c.zone_db && strcmp(c.zone_db, "sqlite:pdns.db") == 0);
	CHECKF(config_validate(&c, err) == 0, "%s", err);
	CHECK(c.nxfrs == 1 && c.nnotifies == 1 && c.nzones == 0);
	free(c.zone_db);
	c.zone_db = NULL;       /* no database: those zones are unknown */
	CHECK(config_validate(&c, err) < 0 && strstr(err, "not served"));
	config_clear(&c);
	f = fopen(argv[2], "w");
	CHECK(f && fputs(text, f) >= 0);
	if (f)
		fclose(f);
	CHECKF(cmdline_config(&c, 3, argv, NULL, err) == 0, "%s", err);
	CHECK(c.zone_db && strcmp(c.zone_db, "sqlite:/tmp/pdns.db") == 0);
	config_clear(&c);
	CHECKF(cmdline_config(&c, 5, argv, NULL, err) == 0, "%s", err);
	CHECK(c.zone_db && strcmp(c.zone_db, "sqlite:/var/x.db") == 0);
	config_clear(&c);
	unlink(argv[2]);
}

#define SECRET "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="

/* TSIG keys: the YAML list (keys and key files), --key and --key-file,
 * the same key twice, mistakes with FILE:LINE and never the secret. */
static void test_keys(void)
{
	static const char text[] =
		"keys:\n"
		"  - name: a.example\n"
		"    algorithm: hmac-sha512\n"
		"    secret: " SECRET "\n"
		"  - { name: b.example, secret: \"" SECRET "\" }\n"
		"  - file: k.key\n";
	char *argv[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			 "--key", "hmac-sha1:c.example:" SECRET,
			 "--key=a.example.:" SECRET, NULL };
	char *clash[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			  "--key", "c:" SECRET, "--key", "c:AQID", NULL };
	char *badkey[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			   "--key", "c:" SECRET "*", NULL };
	char *typo[] = { "banchi-auth", "--kee=c:" SECRET, NULL };
	char *nofile[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			   "--key-file", "/nonexistent/k.key", NULL };
	char err[CONFIG_ERR_MAX];
	struct config c;

	CHECKF(load(&c, text, err) == 0, "%s", err);
	CHECK(c.nkeys == 2 && c.keys[0].alg == TSIG_ALG_SHA512 &&
	      c.keys[1].alg == TSIG_ALG_SHA256 && c.keys[1].secret_len == 32);
	CHECK(c.nkeyfiles == 1 && !strcmp(c.keyfiles[0], "k.key"));
	config_clear(&c);
	CHECK(load(&c, "keys:\n  - name: a\n    secret: AQ*D\n", err) < 0);
	CHECK(!strcmp(err, "t.yaml:2: key 'a': secret is not valid base64"));
	config_clear(&c);
	CHECK(load(&c, "keys:\n  - name: a\n    algorithm: hmac-sha1\n",
		   err) < 0);
	CHECK(!strcmp(err, "t.yaml:2: keys: key without secret"));
	config_clear(&c);
	CHECK(load(&c, "keys:\n  - name: a\n    secrt: " SECRET "\n", err) <
	      0);
	CHECK(strstr(err, "t.yaml:3: unknown key 'keys.secrt'") &&
	      !strstr(err, "AQID"));
	config_clear(&c);
	CHECK(load(&c, "keys:\n  - { name: a, secret: AQID }\n"
		   "  - { name: A., secret: AQIE }\n", err) < 0);
	CHECK(!strcmp(err, "t.yaml:3: key 'a.' defined twice, with different "
		      "algorithms or secrets"));
	config_clear(&c);
	CHECK(load(&c, "keys: x\n", err) < 0 && strstr(err, "expected a list"));
	config_clear(&c);

	CHECKF(cmdline_config(&c, 6, argv, NULL, err) == 0, "%s", err);
	CHECK(c.nkeys == 2 && c.keys[0].alg == TSIG_ALG_SHA1);
	config_clear(&c);
	CHECK(cmdline_config(&c, 7, clash, NULL, err) < 0);
	CHECK(strstr(err, "defined twice") && !strstr(err, "AQID"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, badkey, NULL, err) < 0);
	CHECK(!strcmp(err, "--key: key 'c': secret is not valid base64"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 2, typo, NULL, err) < 0);
	CHECK(!strcmp(err, "unknown option '--kee' (see --help)"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, nofile, NULL, err) < 0);
	CHECK(strstr(err, "/nonexistent/k.key: cannot open"));
	config_clear(&c);
}

/* Key files named in the YAML are read under the config's directory,
 * once the command line is; a chroot prefix is cut from their paths. */
static void test_keyfiles(void)
{
	char *argv[] = { "banchi-auth", "-c", "tests/data/keys/auth.yaml",
			 NULL };
	char *bad[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			"--key-file", "tests/data/keys/bad.key", NULL };
	char path[4096], cwd[3000];
	char *chrooted[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			     "--key-file", path, NULL };
	char err[CONFIG_ERR_MAX];
	struct config c;

	CHECKF(cmdline_config(&c, 3, argv, NULL, err) == 0, "%s", err);
	CHECK(c.nkeys == 3 && c.keys[0].alg == TSIG_ALG_SHA1 &&
	      c.keys[1].alg == TSIG_ALG_SHA256 &&
	      c.keys[2].alg == TSIG_ALG_SHA512);
	config_clear(&c);
	/* as after a chroot to /chroot */
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(path, sizeof(path), "/chroot%s/tests/data/keys/tsig.key",
		 cwd);
	CHECKF(cmdline_config(&c, 5, chrooted, "/chroot", err) == 0, "%s",
	       err);
	CHECK(c.nkeys == 1);
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, chrooted, NULL, err) < 0 &&
	      strstr(err, "cannot open"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, bad, NULL, err) < 0);
	CHECKF(!strcmp(err, "tests/data/keys/bad.key:4: expected ';' after "
		       "the secret"), "%s", err);
	config_clear(&c);
}

/* --secondary and the zones' primaries/key: parsed, and the checks
 * made once everything is read. */
static int flags(struct config *c, const char *a, const char *b,
		 const char *k, char *err)
{
	char *argv[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			 "--secondary", (char *)a, (char *)(b ? b : k),
			 (char *)(b ? k : NULL), NULL, NULL };
	int n = 5 + (b != NULL) + (k != NULL);

	return cmdline_config(c, n, argv, NULL, err);
}

static void test_secondary(void)
{
	char err[CONFIG_ERR_MAX];
	struct config c;

	CHECKF(flags(&c, "s.test=127.0.0.1:5301,[::1],192.0.2.1@xk",
		     "--key=xk:AAAA", NULL, err) == 0, "%s", err);
	CHECK(c.nsecondaries == 1 && c.secondaries[0].nprimary == 3 &&
	      c.secondaries[0].keyed);
	CHECK(ntohs(((struct sockaddr_in *)&c.secondaries[0].primary[0].sa)
		    ->sin_port) == 5301);
	CHECK(ntohs(((struct sockaddr_in6 *)&c.secondaries[0].primary[1].sa)
		    ->sin6_port) == 53);
	config_clear(&c);
	CHECK(flags(&c, "s.test=127.0.0.1@nokey", NULL, NULL, err) < 0 &&
	      strstr(err, "no key 'nokey.'"));
	config_clear(&c);
	CHECK(flags(&c, "s.test=", NULL, NULL, err) < 0 &&
	      strstr(err, "no primary"));
	config_clear(&c);
	CHECK(flags(&c, "s.test=not-an-address", NULL, NULL, err) < 0 &&
	      strstr(err, "bad primary address"));
	config_clear(&c);
	CHECK(flags(&c, "s.test=127.0.0.1", "--allow-update",
		    "s.test=127.0.0.1", err) < 0 &&
	      strstr(err, "cannot take updates"));
	config_clear(&c);
	CHECK(flags(&c, "s.test=127.0.0.1", "--zone", "s.test=f", err) < 0 &&
	      strstr(err, "both served from a file and a secondary"));
	config_clear(&c);
	CHECKF(flags(&c, "s.test=127.0.0.1", "--allow-transfer",
		     "s.test=10.0.0.0/8", err) == 0, "%s", err);
	config_clear(&c);
	CHECKF(load(&c, "server: {listen: 127.0.0.1:53}\nzones:\n"
		    "  - name: y.test\n    primaries: [127.0.0.1, '[::1]:54']\n",
		    err) == 0, "%s", err);
	CHECK(c.nsecondaries == 1 && c.secondaries[0].nprimary == 2 &&
	      !c.secondaries[0].keyed && c.nzones == 0);
	config_clear(&c);
	CHECK(load(&c, "zones:\n  - name: y.test\n    file: f\n"
		   "    primaries: 127.0.0.1\n", err) < 0 &&
	      strstr(err, "both file and primaries"));
	config_clear(&c);
	CHECK(load(&c, "zones:\n  - name: y.test\n    file: f\n"
		   "    key: k\n", err) < 0 && strstr(err, "only for a secondary"));
	config_clear(&c);
}

/* --catalog-consume and zones' catalog: consume: a secondary marked as
 * a catalog; not also produced; only on a secondary, only "consume". */
static void test_catalog_consume(void)
{
	char err[CONFIG_ERR_MAX];
	char *argv[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			 "--catalog-consume", "cat.test=127.0.0.1:5301@xk",
			 "--key=xk:AAAA", "--secondary", "s.test=127.0.0.1",
			 "--catalog-produce", "cat.test", NULL };
	struct config c;

	CHECKF(cmdline_config(&c, 8, argv, NULL, err) == 0, "%s", err);
	CHECK(c.nsecondaries == 2 && c.secondaries[0].catalog &&
	      c.secondaries[0].keyed && !c.secondaries[1].catalog);
	config_clear(&c);
	CHECK(cmdline_config(&c, 10, argv, NULL, err) < 0 &&
	      strstr(err, "both produced and consumed"));
	config_clear(&c);
	argv[4] = "cat.test";
	CHECK(cmdline_config(&c, 5, argv, NULL, err) < 0 &&
	      strstr(err, "--catalog-consume: expected"));
	config_clear(&c);
	CHECKF(load(&c, "server: {listen: 127.0.0.1:53}\nzones:\n"
		    "  - name: cat.test\n    primaries: 127.0.0.1\n"
		    "    catalog: consume\n", err) == 0, "%s", err);
	CHECK(c.nsecondaries == 1 && c.secondaries[0].catalog);
	config_clear(&c);
	CHECK(load(&c, "zones:\n  - name: cat.test\n    primaries: 127.0.0.1"
		   "\n    catalog: produce\n", err) < 0 &&
	      strstr(err, "only 'consume'"));
	config_clear(&c);
	CHECK(load(&c, "zones:\n  - name: cat.test\n    file: f\n"
		   "    catalog: consume\n", err) < 0 &&
	      strstr(err, "only 'consume', on a secondary"));
	config_clear(&c);
}

/* --notify and the zones' notify: targets parsed, lists of one zone
 * joined, mistakes reported with the target. */
static void test_notify(void)
{
	static const char yaml[] =
		"server: { listen: 127.0.0.1:5300 }\n"
		"zones:\n"
		"  - name: n.test\n"
		"    file: n.zone\n"
		"    notify: [\"192.0.2.1\", \"[2001:db8::1]:5353@k1\"]\n";
	char *argv[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			 "--zone", "n.test=n.zone", "--notify",
			 "n.test=127.0.0.1:5301@xfr-key", "--notify",
			 "n.test=127.0.0.2", "--notify-lag-warn", "5", NULL };
	char *stray[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			  "--notify", "other.test=127.0.0.1", NULL };
	/* a secondary passes its versions on (a chain of secondaries) */
	char *chain[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			  "--secondary", "s.test=127.0.0.1:5400", "--notify",
			  "s.test=127.0.0.3", NULL };
	struct notify_target *t = NULL;
	char err[CONFIG_ERR_MAX];
	struct config c;
	size_t n = 0;

	CHECKF(cmdline_config(&c, 11, argv, NULL, err) == 0, "%s", err);
	CHECK(c.nnotifies == 1 && c.notify_lag == 5);
	CHECK(c.nnotifies == 1 && notify_targets_parse(c.notifies[0].acl, &t,
							&n, err) == 0);
	CHECK(n == 2 && t[0].key[0] == 7 && !t[1].key[0]);
	CHECK(n == 2 && ntohs(((struct sockaddr_in *)&t[0].sa)->sin_port) ==
	      5301 && ntohs(((struct sockaddr_in *)&t[1].sa)->sin_port) == 53);
	free(t);
	config_clear(&c);
	CHECKF(load(&c, yaml, err) == 0, "%s", err);
	CHECK(c.nnotifies == 1 && c.notify_lag == 60);
	CHECK(c.nnotifies == 1 && notify_targets_parse(c.notifies[0].acl, &t,
							&n, err) == 0);
	CHECK(n == 2 && t[1].sa.ss_family == AF_INET6 && t[1].key[0] == 2);
	free(t);
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, stray, NULL, err) < 0 &&
	      strstr(err, "not served"));
	config_clear(&c);
	CHECKF(cmdline_config(&c, 7, chain, NULL, err) == 0, "%s", err);
	CHECK(c.nnotifies == 1 && c.nsecondaries == 1);
	config_clear(&c);
	CHECK(notify_targets_parse("192.0.2.1:99999", &t, &n, err) < 0 &&
	      strstr(err, "192.0.2.1:99999"));
	CHECK(notify_targets_parse("192.0.2.1@", &t, &n, err) < 0 &&
	      strstr(err, "key"));
	CHECK(notify_targets_parse(" , ", &t, &n, err) < 0);
}

/* --notify-ns ZONE[@KEY] and the zones' notify-ns: true, false or
 * key:NAME; a zone not served from a file, an unknown key and a bad
 * value are refused. */
static void test_notify_ns(void)
{
	static const char yaml[] =
		"server: { listen: 127.0.0.1:5300 }\n"
		"zones:\n"
		"  - name: a.test\n"
		"    file: a.zone\n"
		"    notify-ns: true\n"
		"  - name: b.test\n"
		"    file: b.zone\n"
		"    notify-ns: key:k1\n"
		"  - name: c.test\n"
		"    file: c.zone\n"
		"    notify-ns: off\n"
		"keys:\n"
		"  - { name: k1, algorithm: hmac-sha256, secret: "
		"\"FDdHLDXmMQDKZMkQj0xpXZLQlLBaGXx3jy5hYo1oUF4=\" }\n";
	char *argv[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			 "--zone", "n.test=n.zone", "--notify-ns", "n.test",
			 NULL };
	char *keyed[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			  "--zone", "n.test=n.zone", "--notify-ns",
			  "n.test@nokey", NULL };
	char *stray[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			  "--notify-ns", "other.test", NULL };
	const struct cfg_notify_ns *x;
	char err[CONFIG_ERR_MAX];
	uint8_t o[NAME_MAXLEN];
	struct config c;

	CHECKF(cmdline_config(&c, 7, argv, NULL, err) == 0, "%s", err);
	CHECK(c.nnotify_ns == 1 && !c.notify_ns[0].keyed &&
	      c.notify_ns[0].line == 0);
	config_clear(&c);
	CHECK(cmdline_config(&c, 7, keyed, NULL, err) < 0 &&
	      strstr(err, "no key 'nokey.'"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, stray, NULL, err) < 0 &&
	      strstr(err, "not served from a file"));
	config_clear(&c);
	CHECKF(load(&c, yaml, err) == 0 && config_validate(&c, err) == 0,
	       "%s", err);
	CHECK(c.nnotify_ns == 2);
	name_from_text(o, "b.test", 6, (const uint8_t *)"");
	x = config_notify_ns(&c, o);
	CHECK(x && x->keyed && x->line == 8 && x->key[0] == 2);
	name_from_text(o, "c.test", 6, (const uint8_t *)"");
	CHECK(!config_notify_ns(&c, o));
	config_clear(&c);
	CHECK(load(&c, "zones:\n  - name: a.test\n    file: a.zone\n"
		   "    notify-ns: maybe\n", err) < 0 &&
	      strstr(err, "t.yaml:4: zones.notify-ns: expected true"));
	config_clear(&c);
	CHECK(load(&c, "zones:\n  - name: a.test\n    primaries: "
		   "192.0.2.1\n    notify-ns: true\n", err) < 0 &&
	      strstr(err, "t.yaml:4: zones.notify-ns: only for a zone"));
	config_clear(&c);
	CHECK(load(&c, "server: { listen: 127.0.0.1:5300 }\nzones:\n"
		   "  - name: a.test\n    file: a.zone\n"
		   "    notify-ns: key:k2\n", err) == 0);
	CHECKF(config_validate(&c, err) < 0 && strstr(err, "no key 'k2.'"), "%s", err);
	config_clear(&c);
}

int main(void)
{
	test_notify_ns();
	test_secondary();
	test_catalog_consume();
	test_notify();
	test_good();
	test_defaults();
	test_bad();
	test_listen();
	test_flags();
	test_file();
	test_keys();
	test_keyfiles();
	test_zone_db();
	return check_done();
}
