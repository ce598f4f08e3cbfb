/* banchi-check: offline checks. "zone" parses a master file, runs the
 * semantic checks and prints diagnostics, or with -p prints the zone as
 * the server would load it, in canonical order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "check.h"
#include "zparse/zparse.h"

static const char usage[] =
"NAME\n"
"    banchi-check - check zone files, database zones and banchi-auth's\n"
"    config file\n"
"\n"
"SYNOPSIS\n"
"    banchi-check zone [-q] ORIGIN FILE|DB\n"
"    banchi-check zone -p [-g] [-q] [-o OUT] ORIGIN FILE|DB\n"
"    banchi-check conf FILE\n"
"    banchi-check --help\n"
"\n"
"DESCRIPTION\n"
"    conf FILE\n"
"        Reads FILE as banchi-auth reads its config file at start (the\n"
"        sections, zones and their allow-transfer and allow-update\n"
"        lists, keys and key files) without serving: mistakes as\n"
"        FILE:LINE: message, exit status 1.\n"
"\n"
"    zone ORIGIN FILE\n"
"        Parses FILE as a master file for the zone ORIGIN (class IN)\n"
"        and runs the semantic checks of named-checkzone -i local -k fail\n"
"        and kzonecheck: SOA and NS at the apex, CNAME beside other\n"
"        data, DNAME children, NS/MX/SRV targets and glue, TTLs inside\n"
"        an RRset, host name rules, out-of-zone data. Diagnostics go to\n"
"        standard error as FILE:LINE: message, warnings as\n"
"        FILE:LINE: warning: message.\n"
"\n"
"    zone ORIGIN DB\n"
"        The same checks on the zone ORIGIN of a PowerDNS database\n"
"        (DB: sqlite:PATH or postgresql://..., as for banchi-auth\n"
"        --zone-db), its rows read as banchi-auth reads them. A bad row\n"
"        (unparsable content, unknown type, a name outside the zone...)\n"
"        is an error, DB: records row ID: reason; the checks name the\n"
"        row of the record concerned the same way.\n"
"\n"
"OPTIONS\n"
"    -p      Print the zone as the server loads it: one RR a line,\n"
"            \"owner TTL CLASS TYPE RDATA\", absolute names, canonical\n"
"            order, duplicates dropped, one TTL per RRset. Only errors\n"
"            that make the server refuse the zone give exit status 1.\n"
"    -g      With -p, print RDATA in RFC 3597 generic form (\\# len hex).\n"
"    -o OUT  With -p, write the zone to OUT instead of standard output.\n"
"    -q      Quiet: no diagnostics, only the exit status.\n"
"    -h, --help\n"
"            This text.\n"
"\n"
"EXIT STATUS\n"
"    0 the zone is fine (warnings allowed), 1 errors found (with -p:\n"
"    the server would refuse the zone), 2 usage or I/O error.\n";

struct diag {
	unsigned file;                  /* order the file was first seen */
	unsigned line;
	size_t seq;
	char *text;
};

struct opts {
	bool print, generic, quiet;
	bool db;                        /* file is a database's URI */
	const char *out;
	const char *origin;
	const char *file;
};

struct run {
	struct opts *o;
	struct zone z;
	struct diag *d;
	size_t nd, cap;
	const char **files;             /* diagnostics' file names */
	size_t nfiles;
	int parse_errors;
	int nomem;
};

static unsigned diag_file(struct run *r, const char *file)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (r->files[i] == file || strcmp(r->files[i], file) == 0)
			return (unsigned)i;
	const char **n = realloc(r->files, (r->nfiles + 1) * sizeof(*n));
	if (!n)
		return 0;
	r->files = n;
	r->files[r->nfiles] = strdup(file);
	if (!r->files[r->nfiles])
		return 0;
	return (unsigned)r->nfiles++;
}

static void add_diag(struct run *r, const char *file, unsigned line,
		     const char *msg)
{
	if (!file)
		file = r->o->file;
	if (r->nd == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct diag *n = realloc(r->d, cap * sizeof(*n));
		if (!n)
			return;
		r->d = n;
		r->cap = cap;
	}
	struct diag *d = &r->d[r->nd];
	bool row = r->o->db && strcmp(file, "records") == 0;
	d->file = diag_file(r, file);
	d->line = line;
	d->seq = r->nd;
	size_t len = strlen(r->o->file) + strlen(file) + strlen(msg) + 40;
	d->text = malloc(len);
	if (!d->text)
		return;
	if (row && line)
		snprintf(d->text, len, "%s: records row %u: %s", r->o->file,
			 line, msg);
	else if (r->o->db)
		snprintf(d->text, len, "%s: %s", r->o->file, msg);
	else
		snprintf(d->text, len, "%s:%u: %s", file, line, msg);
	r->nd++;
}

static void on_diag(void *ctx, const char *file, unsigned line,
		    enum zone_level level, const char *msg)
{
	(void)level;
	add_diag(ctx, file, line, msg);
}

static void on_msg(void *ctx, const char *file, unsigned line, bool warning,
		   const char *msg)
{
	struct run *r = ctx;
	char buf[1200];

	if (!warning)
		r->parse_errors++;
	snprintf(buf, sizeof(buf), "%s%s", warning ? "warning: " : "", msg);
	add_diag(r, file, line, buf);
}

/* A bad row of the database: an error. */
static void on_row(void *ctx, const char *table, const char *id,
		   const char *why)
{
	struct run *r = ctx;
	char buf[1200];
	unsigned long line = id ? strtoul(id, NULL, 10) : 0;

	/* another zone's bad domains row: said, not this zone's error */
	if (table && strcmp(table, "records") != 0)
		snprintf(buf, sizeof(buf), "warning: %s row %s: %s", table,
			 id, why);
	else
		snprintf(buf, sizeof(buf), "%s", why);
	if (!table || strcmp(table, "records") == 0)
		r->parse_errors++;
	add_diag(r, table && strcmp(table, "records") == 0 ? "records" :
		 r->o->file, line > UINT32_MAX ? 0 : (unsigned)line, buf);
}

static int on_rr(void *ctx, const struct zrr *rr)
{
	struct run *r = ctx;
	int ret = zone_add(&r->z, rr);

	if (ret < 0)
		r->nomem = 1;
	return ret;
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void flush_diags(struct run *r)
{
	if (r->nd)
		qsort(r->d, r->nd, sizeof(*r->d), diag_cmp);
	for (size_t i = 0; i < r->nd; i++) {
		if (!r->o->quiet)
			fprintf(stderr, "%s\n", r->d[i].text);
		free(r->d[i].text);
	}
	free(r->d);
	for (size_t i = 0; i < r->nfiles; i++)
		free((char *)r->files[i]);
	free(r->files);
}

/* The start of each line, "owner TTL CLASS TYPE ", is the same for a
 * whole RRset: built once, written with fwrite (printf costs dominate
 * a million-record dump otherwise). */
static size_t append(char *dst, size_t at, const char *src)
{
	size_t n = strlen(src);

	memcpy(dst + at, src, n);
	return at + n;
}

static size_t set_head(char *head, const struct zone_rrset *s)
{
	char tb[16], cb[16], num[12];
	int n = name_to_text(head, NAME_TEXT_MAX, s->owner);
	size_t at = n < 0 ? 0 : (size_t)n, d = sizeof(num) - 1;
	uint32_t ttl = s->ttl;

	num[d] = 0;
	do {
		num[--d] = (char)('0' + ttl % 10);
		ttl /= 10;
	} while (ttl);
	head[at++] = ' ';
	at = append(head, at, num + d);
	head[at++] = ' ';
	at = append(head, at, rrclass_to_text(s->rclass, cb));
	head[at++] = ' ';
	at = append(head, at, rrtype_to_text(s->type, tb));
	head[at++] = ' ';
	return at;
}

static int print_set(FILE *f, const struct zone *z, const struct zone_rrset *s,
		     bool generic, char *buf, size_t cap)
{
	char head[NAME_TEXT_MAX + 64];
	size_t hlen = set_head(head, s);

	for (uint32_t k = 0; k < s->count; k++) {
		const struct zone_rr *rr = z->rrs[s->first + k];
		int n = generic ?
			rdata_to_generic_text(rr->rdata, rr->rdlen, buf, cap) :
			rdata_to_text(rr->type, rr->rdata, rr->rdlen, buf, cap);
		if (n < 0)
			return n;
		buf[n] = '\n';
		fwrite(head, 1, hlen, f);
		fwrite(buf, 1, (size_t)n + 1, f);
	}
	return 0;
}

static int print_zone(const struct zone *z, const struct opts *o)
{
	/* \DDD for every octet of the largest RDATA, plus slack. */
	size_t cap = 4 * RDATA_MAXLEN + 64;    /* room for the newline too */
	char *buf = malloc(cap);
	FILE *f = o->out ? fopen(o->out, "w") : stdout;
	int ret = 0;

	if (!buf || !f) {
		fprintf(stderr, "banchi-check: %s: %s\n", o->out ? o->out : "",
			strerror(errno));
		free(buf);
		return 2;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	for (size_t i = 0; i < z->nsets && !ret; i++)
		ret = print_set(f, z, &z->sets[i], o->generic, buf, cap);
	if (ret < 0)
		fprintf(stderr, "banchi-check: cannot print RDATA: %s\n",
			bn_strerror(ret));
	int closed;
	if (f == stdout)
		closed = fflush(f);
	else
		closed = fclose(f);
	if (closed != 0 && !ret)
		ret = 2;
	free(buf);
	return ret ? 2 : 0;
}

static int parse_origin(const char *text, uint8_t *origin)
{
	static const uint8_t root[1] = { 0 };
	int n = name_from_text(origin, text, strlen(text), root);

	if (n < 0)
		fprintf(stderr, "banchi-check: bad origin '%s': %s\n", text,
			bn_strerror(n));
	return n;
}

static int load(struct run *r, const uint8_t *origin)
{
	struct zparse_opts po = {
		.origin = origin,
		.rclass = CLASS_IN,
		.on_rr = on_rr,
		.on_msg = on_msg,
		.ctx = r,
	};
	int ret = zparse_file(r->o->file, &po);

	if (r->nomem || ret < 0) {
		fprintf(stderr, "banchi-check: %s: %s\n", r->o->file,
			bn_strerror(ret < 0 ? ret : BN_ENOMEM));
		return 2;
	}
	return ret > 0 || r->parse_errors ? 1 : 0;
}

static int zone_cmd(struct opts *o)
{
	uint8_t origin[NAME_MAXLEN];
	struct run r = { .o = o };
	bool refuse = false;
	int ret, errors = 0;

	if (parse_origin(o->origin, origin) < 0)
		return 2;
	zone_init(&r.z, origin, CLASS_IN);
	r.z.diag = on_diag;
	r.z.now = (uint32_t)time(NULL);
	r.z.diag_ctx = &r;
	/* a database's bad rows are left out: the rest is checked */
	ret = o->db ? check_db_load(&r.z, o->file, origin, on_row, &r) :
		      load(&r, origin);
	if (ret == 0 && zone_finish(&r.z) < 0)
		ret = 2;
	if (ret == 0)
		errors = zone_check(&r.z, &refuse);
	if (ret == 0 && o->print && !refuse)
		ret = print_zone(&r.z, o);
	else if (ret == 0)
		ret = (o->print ? refuse : errors + r.parse_errors > 0) ? 1 : 0;
	flush_diags(&r);
	zone_clear(&r.z);
	return ret;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	const char *target;
	int i;

	for (i = 2; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-p"))
			o->print = true;
		else if (!strcmp(a, "-g"))
			o->generic = true;
		else if (!strcmp(a, "-q"))
			o->quiet = true;
		else if (!strcmp(a, "-o") && i + 1 < argc)
			o->out = argv[++i];
		else
			return -1;
	}
	if (argc - i != 2)
		return -1;
	o->origin = argv[i];
	o->file = argv[i + 1];
	o->db = sql_driver_for(o->file, &target) != NULL;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };

	if (argc >= 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "conf"))
		return conf_cmd(argv[2]);
	if (argc < 2 || strcmp(argv[1], "zone") || parse_args(argc, argv, &o)) {
		fputs("usage: banchi-check zone [-p [-g] [-o OUT]] [-q] "
		      "ORIGIN FILE|DB\n       banchi-check conf FILE\n"
		      "       banchi-check --help\n", stderr);
		return 2;
	}
	return zone_cmd(&o);
}
