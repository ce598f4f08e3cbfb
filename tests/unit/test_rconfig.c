/* Unit tests for banchi-resolver's config: defaults, YAML (good files,
 * bad ones reported as FILE:LINE: message), flags over the file, the
 * forward syntax, and the access rule as rsnap_build turns it into an
 * ACL (loopback by default; --allow: exactly its list) and allow-snoop. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "authd/cmdline.h"
#include "daemon/log.h"
#include "resolverd/config.h"
#include "resolverd/server.h"

static int load(struct rconfig *c, const char *text, char *err)
{
	rconfig_init(c);
	err[0] = 0;
	return rconfig_load_text(c, text, strlen(text), "t.yaml", err);
}

static unsigned port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static void test_defaults(void)
{
	char err[CONFIG_ERR_MAX];
	struct cache_conf cc;
	struct rconfig c;

	rconfig_init(&c);
	CHECK(rconfig_finish(&c, err) == 0);
	CHECK(c.nlisten == 2);
	CHECK(c.nlisten == 2 && strcmp(c.listen[0].text, "127.0.0.1:53") == 0);
	CHECK(c.nlisten == 2 && c.listen[1].sa.ss_family == AF_INET6 &&
	      port_of(&c.listen[1].sa) == 53);
	CHECK(c.threads >= 1 && c.udp_payload == 1232);
	CHECK(c.tcp_idle == 10 && c.tcp_max == 1000 && c.tcp_per_client == 20);
	CHECK(c.max_pending == 1024 && !c.root_hints);
	CHECK(c.qname_min && c.use_0x20 && c.edns_payload == 1232);
	CHECK(c.max_upstream == 64 && c.max_depth == 5 && c.max_cname == 12);
	CHECK(c.max_time == 10000 && !c.open_resolver && c.allow.n == 0);
	CHECK(c.cache_size == 64L << 20 && c.max_ttl == 86400);
	CHECK(c.neg_max_ttl == 3600 && c.serve_stale == 86400 && c.prefetch);
	CHECK(!c.block_has4 && !c.block_has6 && c.log_level == LOG_LVL_INFO);
	CHECK(!rconfig_listens_public(&c));
	rconfig_cache_conf(&c, &cc);
	CHECK(cc.max_bytes == 64u << 20 && cc.stale_ttl == 86400);
	CHECK(cc.prefetch_pct > 0);
	rconfig_clear(&c);
}

static const char good[] =
	"server:\n"
	"  listen: [127.0.0.1:5301, \"[::1]:5302\", 0.0.0.0]\n"
	"  threads: 3\n"
	"  user: daemon\n"
	"  tcp-max-connections: 50\n"
	"  max-pending: 99\n"
	"resolver:\n"
	"  root-hints: /etc/hints\n"
	"  qname-minimisation: false\n"
	"  case-randomisation: no\n"
	"  max-time: 3000\n"
	"access:\n"
	"  allow: [192.168.1.0/24, \"2001:db8::/32\"]\n"
	"  allow-snoop: 192.168.1.5\n"
	"cache:\n"
	"  size: 2G\n"
	"  serve-stale: 0\n"
	"  prefetch: false\n"
	"forward:\n"
	"  - zone: Corp.Example\n"
	"    to: [10.0.0.1, 10.0.0.2:5353, \"[2001:db8::1]:54\"]\n"
	"stub:\n"
	"  - { zone: example, to: 127.0.0.1:5300 }\n"
	"local:\n"
	"  hosts: hosts.txt\n"
	"  data: [\"nas.lan. 300 IN A 192.168.1.10\", \"x.lan. A 1.2.3.4\"]\n"
	"  block-answer: [0.0.0.0, \"::\"]\n"
	"  allow-special: [test, home.arpa]\n"
	"log:\n"
	"  level: debug\n"
	"  syslog: true\n";

static void test_good(void)
{
	char err[CONFIG_ERR_MAX];
	struct cache_conf cc;
	struct rconfig c;

	CHECKF(load(&c, good, err) == 0, "%s", err);
	CHECK(rconfig_finish(&c, err) == 0);
	CHECK(c.nlisten == 3 && port_of(&c.listen[0].sa) == 5301);
	CHECK(c.nlisten == 3 && port_of(&c.listen[2].sa) == 53);
	CHECK(rconfig_listens_public(&c));
	CHECK(c.threads == 3 && strcmp(c.user, "daemon") == 0);
	CHECK(c.tcp_max == 50 && c.max_pending == 99);
	CHECK(strcmp(c.root_hints, "/etc/hints") == 0);
	CHECK(!c.qname_min && !c.use_0x20 && c.max_time == 3000);
	CHECK(c.allow.n == 2 && !c.allow_exact);
	CHECK(c.allow_snoop.n == 1 && !c.snoop_exact &&
	      strcmp(c.allow_snoop.v[0], "192.168.1.5") == 0);
	CHECK(c.cache_size == 2L << 30 && c.serve_stale == 0 && !c.prefetch);
	rconfig_cache_conf(&c, &cc);
	CHECK(cc.prefetch_pct == 0 && cc.stale_ttl == 0);
	CHECK(c.nfwd == 2);
	if (c.nfwd == 2) {
		CHECK(!c.fwd[0].stub && c.fwd[0].nto == 3);
		CHECK(memcmp(c.fwd[0].name, "\4corp\7example", 14) == 0);
		CHECK(port_of(&c.fwd[0].to[0].sa) == 53);
		CHECK(port_of(&c.fwd[0].to[1].sa) == 5353);
		CHECK(c.fwd[0].to[2].sa.ss_family == AF_INET6 &&
		      port_of(&c.fwd[0].to[2].sa) == 54);
		CHECK(c.fwd[1].stub && c.fwd[1].nto == 1 &&
		      port_of(&c.fwd[1].to[0].sa) == 5300);
	}
	/* load_text has no directory: the path stays as written. */
	CHECK(strcmp(c.hosts, "hosts.txt") == 0);
	CHECK(c.local_data.n == 2 && c.allow_special.n == 2);
	CHECK(c.block_has4 && c.block_has6 && c.block4[0] == 0);
	CHECK(c.log_level == LOG_LVL_DEBUG && c.log_syslog);
	rconfig_clear(&c);
}

/* Each bad text must fail with this FILE:LINE: prefix and message. */
static void bad(const char *text, const char *want)
{
	char err[CONFIG_ERR_MAX];
	struct rconfig c;
	int ret = load(&c, text, err);

	CHECKF(ret < 0 && strstr(err, want), "want '%s', got '%s'", want,
	       err);
	rconfig_clear(&c);
}

static void test_errors(void)
{
	bad("server:\n  threads: 2\n  bogus: 1\n",
	    "t.yaml:3: unknown key 'server.bogus'");
	bad("cache:\n  size: 12X\n", "t.yaml:2: cache.size: '12X'");
	bad("cache:\n  size: 1K\n", "t.yaml:2: cache.size: 1024 out of range");
	bad("resolver:\n  max-depth: 99\n", "t.yaml:2: resolver.max-depth");
	bad("nonsense:\n  a: 1\n", "t.yaml:1: unknown section 'nonsense'");
	bad("access:\n  allow:\n    - 10.0.0.0/8\n    - 10.0.0.0/33\n",
	    "t.yaml:4: access.allow: '10.0.0.0/33'");
	bad("access:\n  allow: [banana]\n", "t.yaml:2: access.allow");
	bad("access:\n  allow-snoop: [10.0.0.0/8, \"::1/129\"]\n",
	    "t.yaml:2: access.allow-snoop: '::1/129'");
	bad("forward:\n  - zone: a.example\n    to: [10.0.0.1:99999]\n",
	    "t.yaml:2: forward 'a.example': bad address '10.0.0.1:99999'");
	bad("forward:\n  - zone: a.example\n", "t.yaml:2: forward entry "
	    "without to");
	bad("stub:\n  - to: 10.0.0.1\n", "t.yaml:2: stub entry without zone");
	bad("forward:\n  - zone: a.\n    to: 10.0.0.1\n    via: x\n",
	    "t.yaml:4: unknown key 'forward.via'");
	bad("forward:\n  - {zone: a., to: 1.1.1.1}\nstub:\n"
	    "  - {zone: A., to: 1.1.1.2}\n", "t.yaml:4: zone 'A.' is given "
	    "twice");
	bad("local:\n  block-answer: 1.2.3\n", "t.yaml:2: local.block-answer");
	bad("log:\n  level: loud\n", "t.yaml:2: log.level: 'loud'");
	bad("server:\n  listen: [127.0.0.1:53, nowhere]\n",
	    "t.yaml:2: bad address 'nowhere'");
	bad("server: [1, 2]\n", "t.yaml:1: server: expected a mapping");
	bad("server:\n  threads: [1, 2]\n", "t.yaml:2: server.threads: "
	    "expected a single value");
	bad("server:\n  threads: 2\n  threads: 'x\n", "t.yaml:");
	bad("forward:\n  zone: x\n", "t.yaml:2: forward: expected a list");
	bad("local:\n  data:\n    - \"a.lan. A 10.0.0.1\"\n"
	    "    - \"b.lan. A 10.0.0.300\"\n",
	    "t.yaml:4: local.data: 'b.lan. A 10.0.0.300'");
	bad("local:\n  allow-special: [test, \"a..b\"]\n",
	    "t.yaml:2: local.allow-special: 'a..b' is not a domain name");
}

/* argv from a NULL-terminated list (ARGS), after the program name. */
#define ARGS(...) ((char *[]){ __VA_ARGS__, NULL })

static int cmdline(struct rconfig *c, char *err, char **args)
{
	char *argv[32] = { "banchi-resolver" };
	int argc = 1;

	while (argc < 31 && args[argc - 1]) {
		argv[argc] = args[argc - 1];
		argc++;
	}
	err[0] = 0;
	return rconfig_cmdline(c, argc, argv, NULL, err);
}

static void test_flags(void)
{
	char err[CONFIG_ERR_MAX];
	struct rconfig c;
	int ret;

	ret = cmdline(&c, err, ARGS("--listen", "127.0.0.1:5301",
		      "--forward", "corp.example=10.0.0.1,10.0.0.2:5353",
		      "--stub=lab.=[::1]:5300", "--no-qname-minimisation",
		      "--no-case-randomisation", "--cache-size", "1G",
		      "--threads=4", "--allow-special", "test",
		      "--local-data", "a.lan. A 10.1.1.1", "--open-resolver",
		      "--prefetch=false", "--log-level", "warning", "--syslog"));
	CHECKF(ret == CMDLINE_OK, "%s", err);
	CHECK(c.nlisten == 1 && port_of(&c.listen[0].sa) == 5301);
	CHECK(c.nfwd == 2 && c.fwd[0].nto == 2 && !c.fwd[0].stub);
	CHECK(c.nfwd == 2 && port_of(&c.fwd[0].to[1].sa) == 5353);
	CHECK(c.nfwd == 2 && c.fwd[1].stub && c.fwd[1].nto == 1 &&
	      c.fwd[1].to[0].sa.ss_family == AF_INET6);
	CHECK(!c.qname_min && !c.use_0x20 && c.cache_size == 1L << 30);
	CHECK(c.threads == 4 && c.allow_special.n == 1);
	CHECK(c.local_data.n == 1 && c.open_resolver && !c.prefetch);
	CHECK(c.log_level == LOG_LVL_WARN && c.log_syslog);
	rconfig_clear(&c);

	CHECK(cmdline(&c, err, ARGS("--help")) == CMDLINE_HELP);
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--listen", "1.2.3.4", "--version")) ==
	      CMDLINE_VERSION);
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--bogus")) < 0 &&
	      strstr(err, "unknown option '--bogus'"));
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--threads")) < 0 &&
	      strstr(err, "needs a value"));
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--forward", "corp.example")) < 0 &&
	      strstr(err, "ZONE=ADDR"));
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--forward", "x.=1.2.3.4,")) == 0);
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--forward", "x..y=1.2.3.4")) < 0 &&
	      strstr(err, "not a valid domain name"));
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--no-threads")) < 0);
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("stray")) < 0 &&
	      strstr(err, "unexpected argument 'stray'"));
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("-c", "/nonexistent/r.yaml")) < 0 &&
	      strstr(err, "/nonexistent/r.yaml: cannot open"));
	rconfig_clear(&c);
}

/* A config file in a temporary directory; its relative paths are taken
 * under that directory, flag paths under the working directory. */
static void test_file(void)
{
	char dir[] = "/tmp/test_rconfig.XXXXXX", path[64], err[CONFIG_ERR_MAX];
	struct rconfig c;
	FILE *f;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/r.yaml", dir);
	f = fopen(path, "w");
	fputs("local:\n  hosts: h.txt\n  blocklist: /abs/b.txt\n"
	      "access:\n  allow: [192.0.2.0/24]\n"
	      "  allow-snoop: [192.0.2.1, 192.0.2.2]\n"
	      "server:\n  threads: 2\n", f);
	fclose(f);
	CHECKF(cmdline(&c, err, ARGS("-c", path, "--threads", "5")) == 0, "%s",
	       err);
	CHECK(c.hosts && strncmp(c.hosts, dir, strlen(dir)) == 0 &&
	      strcmp(c.hosts + strlen(dir), "/h.txt") == 0);
	CHECK(c.blocklist && strcmp(c.blocklist, "/abs/b.txt") == 0);
	CHECK(c.threads == 5 && c.allow.n == 1 && !c.allow_exact);
	rconfig_clear(&c);
	/* --allow replaces the file's list, whatever the order. */
	CHECK(cmdline(&c, err, ARGS("--allow", "10.0.0.0/8", "-c", path,
		      "--hosts", "rel.txt", "--allow", "127.0.0.1")) == 0);
	CHECK(c.allow_exact && c.allow.n == 2 &&
	      strcmp(c.allow.v[0], "10.0.0.0/8") == 0);
	CHECK(c.hosts && strcmp(c.hosts, "rel.txt") == 0);
	/* ... and keeps the file's allow-snoop, which only --allow-snoop
	 * replaces (and not the allow list) */
	CHECK(c.allow_snoop.n == 2 && !c.snoop_exact);
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--allow-snoop", "10.1.1.1", "-c", path,
		      "--allow-snoop", "::1")) == 0);
	CHECK(c.snoop_exact && c.allow_snoop.n == 2 &&
	      strcmp(c.allow_snoop.v[0], "10.1.1.1") == 0 &&
	      strcmp(c.allow_snoop.v[1], "::1") == 0);
	CHECK(c.allow.n == 1 && !c.allow_exact);
	rconfig_clear(&c);
	CHECK(cmdline(&c, err, ARGS("--allow-snoop", "10.1.1.1/33")) == -1 &&
	      strstr(err, "allow-snoop"));
	rconfig_clear(&c);
	unlink(path);
	rmdir(dir);
}


static bool in_acl(const struct rsnap *s, const char *addr, bool snoop)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1)
		v4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1)
		v6->sin6_family = AF_INET6;
	return acl_match(snoop ? s->snoop : s->acl, (struct sockaddr *)&ss);
}

static bool acl_ok(const struct rsnap *s, const char *addr)
{
	return in_acl(s, addr, false);
}

static bool snoop_ok(const struct rsnap *s, const char *addr)
{
	return in_acl(s, addr, true);
}

/* Builds a snapshot from the flags; NULL (with err) on failure. */
static struct rsnap *snap_of(char *err, char **args)
{
	char *argv[16] = { "banchi-resolver" };
	struct rsnap *s = NULL;
	struct rconfig c;
	int argc = 1;

	while (argc < 15 && args[argc - 1]) {
		argv[argc] = args[argc - 1];
		argc++;
	}
	err[0] = 0;
	if (rconfig_cmdline(&c, argc, argv, NULL, err) == 0)
		rsnap_build(&c, &s, err);
	rconfig_clear(&c);
	return s;
}

static void test_access(void)
{
	char err[CONFIG_ERR_MAX], path[] = "/tmp/test_rconfig.XXXXXX";
	int fd = mkstemp(path);
	struct rsnap *s;

	s = snap_of(err, ARGS(NULL));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(acl_ok(s, "127.0.0.1") && acl_ok(s, "127.0.0.2"));
		CHECK(acl_ok(s, "::1") && !acl_ok(s, "192.0.2.1"));
		/* nobody snoops by default, loopback included */
		CHECK(!snoop_ok(s, "127.0.0.1") && !snoop_ok(s, "::1"));
		CHECK(s->conf.nhints >= 13 && !s->conf.query_loopback);
		CHECK(s->conf.qname_min && s->max_payload == 1232);
		CHECK(s->max_pending == 1024 && s->tcp_max == 1000);
		CHECK(atomic_load(&s->refs) == 1);
		rsnap_free(s);
	}
	/* The file's allow list adds to loopback. */
	if (fd >= 0) {
		FILE *f = fdopen(fd, "w");

		fputs("access:\n  allow: [192.168.1.0/24]\n", f);
		fclose(f);
	}
	s = snap_of(err, ARGS("-c", path));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(acl_ok(s, "127.0.0.2") && acl_ok(s, "::1"));
		CHECK(acl_ok(s, "192.168.1.9") && !acl_ok(s, "192.168.2.1"));
		rsnap_free(s);
	}
	/* --allow beats the file: the file's list is dropped. */
	s = snap_of(err, ARGS("-c", path, "--allow", "10.0.0.0/8"));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(!acl_ok(s, "127.0.0.1") && !acl_ok(s, "192.168.1.9"));
		CHECK(acl_ok(s, "10.9.8.7"));
		rsnap_free(s);
	}
	unlink(path);
	/* --allow: exactly these clients, loopback only when listed. */
	s = snap_of(err, ARGS("--allow", "127.0.0.1/32", "--allow",
				     "192.168.1.0/24"));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(acl_ok(s, "127.0.0.1") && !acl_ok(s, "127.0.0.2"));
		CHECK(!acl_ok(s, "::1") && acl_ok(s, "192.168.1.77"));
		CHECK(!acl_ok(s, "192.168.2.1"));
		rsnap_free(s);
	}
	s = snap_of(err, ARGS("--open-resolver"));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(acl_ok(s, "192.0.2.1") && acl_ok(s, "2001:db8::1"));
		CHECK(!snoop_ok(s, "192.0.2.1"));
		rsnap_free(s);
	}
	/* allow-snoop: its own list; it gives no access by itself */
	s = snap_of(err, ARGS("--allow-snoop", "127.0.0.1/32", "--allow-snoop",
			      "10.0.0.0/8"));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(snoop_ok(s, "127.0.0.1") && !snoop_ok(s, "127.0.0.2"));
		CHECK(snoop_ok(s, "10.2.3.4") && !acl_ok(s, "10.2.3.4"));
		CHECK(acl_ok(s, "127.0.0.2") && acl_ok(s, "127.0.0.1"));
		rsnap_free(s);
	}
}

static int ask(const struct rsnap *s, const char *name, uint16_t type,
	       uint8_t *rcode)
{
	static struct answer a;
	uint8_t wire[NAME_MAXLEN];
	int ret;

	if (name_from_text(wire, name, strlen(name), (const uint8_t *)"") < 0)
		return -1;
	name_to_lower(wire);
	ret = local_answer(s->local, wire, type, 1, &a);
	*rcode = a.rcode;
	return ret;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Local data from files, the special-use zones, forward/stub zones let
 * through, loopback stubs turning query_loopback on; file errors. */
static void test_local(void)
{
	char dir[] = "/tmp/test_rconfig.XXXXXX", hosts[64], block[64];
	char err[CONFIG_ERR_MAX];
	struct rsnap *s;
	uint8_t rc = 0;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	snprintf(block, sizeof(block), "%s/block", dir);
	write_file(hosts, "# lan\n192.168.1.10 nas.lan nas\n");
	write_file(block, "ads.example\n");
	s = snap_of(err, ARGS("--hosts", hosts, "--blocklist", block,
				     "--stub", "example.test=127.0.0.1:5300",
				     "--local-data", "r.lan. 60 TXT hi",
				     "--forward", "corp.example=192.0.2.53"));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(ask(s, "nas.lan.", 1, &rc) == 1 && rc == 0);
		CHECK(ask(s, "r.lan.", 16, &rc) == 1 && rc == 0);
		CHECK(ask(s, "x.ads.example.", 1, &rc) == 1 && rc == 3);
		CHECK(ask(s, "www.example.org.", 1, &rc) == 0);
		CHECK(ask(s, "foo.invalid.", 1, &rc) == 1 && rc == 3);
		CHECK(ask(s, "other.test.", 1, &rc) == 1);
		CHECK(ask(s, "www.example.test.", 1, &rc) == 0);
		CHECK(s->conf.nfwd == 2 && s->conf.query_loopback);
		CHECK(s->conf.nfwd == 2 && s->conf.fwd[0].stub &&
		      s->conf.fwd[0].naddrs == 1);
		rsnap_free(s);
	}
	write_file(hosts, "192.168.1.10 nas.lan\nnot-an-address x.lan\n");
	s = snap_of(err, ARGS("--hosts", hosts));
	CHECK(!s && strstr(err, hosts) && strstr(err, ":2:"));
	s = snap_of(err, ARGS("--root-hints", "/nonexistent/hints"));
	CHECK(!s && strstr(err, "/nonexistent/hints"));
	s = snap_of(err, ARGS("--local-data", "bad record"));
	CHECKF(!s && strstr(err, "local.data: 'bad record'"), "%s", err);
	s = snap_of(err, ARGS("--allow-special", "a..b"));
	CHECK(!s && strstr(err, "allow-special"));
	unlink(hosts);
	unlink(block);
	rmdir(dir);
}

/* DNSSEC: off by default with the built-in root anchors; the flag, the
 * YAML keys and a trust-anchor file; a file without anchors is an
 * error that names it. */
static void test_dnssec(void)
{
	char dir[] = "/tmp/test_rconfig.XXXXXX", ta[64], yaml[256];
	char err[CONFIG_ERR_MAX];
	struct rconfig c;
	struct rsnap *s;
	uint8_t root[1] = { 0 };

	s = snap_of(err, ARGS("--listen", "127.0.0.1:5301"));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(s->conf.dnssec && s->conf.anchors.n == 1);  /* on by default */
		CHECK(dnssec_anchors_find(&s->conf.anchors, root) &&
		      s->conf.anchors.a[0].ds.count == 2);
		rsnap_free(s);
	}
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(ta, sizeof(ta), "%s/anchor", dir);
	write_file(ta, "example. 3600 IN DS 12345 13 2 "
		   "0123456789abcdef0123456789abcdef"
		   "0123456789abcdef0123456789abcdef\n");
	s = snap_of(err, ARGS("--trust-anchor", ta));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(s->conf.dnssec && s->conf.anchors.n == 1 &&
		      s->conf.anchors.a[0].ds.count == 1 &&
		      !dnssec_anchors_find(&s->conf.anchors, root));
		rsnap_free(s);
	}
	/* zones given as insecure: anchors without records */
	s = snap_of(err, ARGS("--domain-insecure", "Corp.Example",
			      "--domain-insecure", "lan."));
	CHECKF(s, "%s", err);
	if (s) {
		uint8_t n[NAME_MAXLEN];
		const struct dnssec_anchor *a;

		name_from_text(n, "www.corp.example.", 17, NULL);
		a = dnssec_anchors_find(&s->conf.anchors, n);
		CHECK(s->conf.anchors.n == 3 && a &&
		      dnssec_anchor_insecure(a));
		name_from_text(n, "example.", 8, NULL);
		a = dnssec_anchors_find(&s->conf.anchors, n);
		CHECK(a && !dnssec_anchor_insecure(a));
		rsnap_free(s);
	}
	s = snap_of(err, ARGS("--domain-insecure", "a..b"));
	CHECKF(!s && strstr(err, "domain-insecure"), "%s", err);
	/* on by default; --no-dnssec and validate: no turn it off */
	s = snap_of(err, ARGS("--no-dnssec"));
	CHECKF(s, "%s", err);
	if (s) {
		CHECK(!s->conf.dnssec);
		rsnap_free(s);
	}
	CHECK(load(&c, "dnssec:\n  validate: no\n", err) == 0 &&
	      !c.dnssec_validate);
	rconfig_clear(&c);
	snprintf(yaml, sizeof(yaml), "dnssec:\n  validate: yes\n"
		 "  trust-anchor: %s\n", ta);
	CHECKF(load(&c, yaml, err) == 0, "%s", err);
	CHECK(c.dnssec_validate && c.trust_anchor &&
	      strcmp(c.trust_anchor, ta) == 0);
	rconfig_clear(&c);
	CHECK(load(&c, "dnssec:\n  validate: maybe\n", err) < 0 &&
	      strstr(err, "validate"));
	rconfig_clear(&c);
	write_file(ta, "example. 3600 IN A 192.0.2.1\n");
	s = snap_of(err, ARGS("--trust-anchor", ta));
	CHECKF(!s && strstr(err, ta) && strstr(err, "no DS or DNSKEY"), "%s",
	       err);
	s = snap_of(err, ARGS("--trust-anchor", "/nonexistent/ta"));
	CHECK(!s && strstr(err, "/nonexistent/ta"));
	unlink(ta);
	rmdir(dir);
}

/* The config `make run` uses stays loadable (run from the source root,
 * as meson test does). */
static void test_example(void)
{
	char err[CONFIG_ERR_MAX];
	struct rsnap *s;
	uint8_t rc = 0;

	s = snap_of(err, ARGS("-c", "examples/banchi-resolver.yaml"));
	CHECKF(s, "%s", err);
	if (!s)
		return;
	CHECK(s->conf.nfwd == 1 && s->conf.fwd[0].stub);
	CHECK(s->conf.query_loopback);
	CHECK(ask(s, "www.example.test.", 1, &rc) == 0);
	CHECK(ask(s, "nas.lan.", 1, &rc) == 1 && rc == 0);
	CHECK(ask(s, "printer.lan.", 1, &rc) == 1 && rc == 0);
	CHECK(ask(s, "x.ads.example.", 1, &rc) == 1 && rc == 3);
	CHECK(ask(s, "telemetry.example.", 28, &rc) == 1 && rc == 3);
	rsnap_free(s);
}

int main(void)
{
	log_set_level(LOG_LVL_ERR);
	test_defaults();
	test_good();
	test_errors();
	test_flags();
	test_file();
	test_access();
	test_local();
	test_dnssec();
	test_example();
	return check_done();
}
