/* The replay runner: plays Unbound's testbound scenarios against
 * banchi's resolver core (see tests/replay/README.md). With no argument
 * it runs every .rpl of the shared data directory and prints one
 * summary line, the skipped counts by reason and each failure; with
 * "-v FILE.rpl" it plays one scenario and shows each step, each
 * upstream query and which entry answered it. Exit 0 when every
 * applicable scenario passes (deliberate differences aside), 1 when one
 * fails, 77 (skip) when the scenarios are not there. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <urcu.h>

#include "rpl_run.h"

#ifndef SHARED_DATA_DIR
#define SHARED_DATA_DIR "../shared/data"
#endif
#define SCEN_DIR SHARED_DATA_DIR "/replay/unbound-testdata"

/* Where banchi differs from Unbound on purpose: the scenario and the
 * CHECK_ANSWER step where the difference shows. A failure at that step
 * is expected and not counted (a failure at any other step is); when
 * the scenario passes, its entry must go (the run fails until it does).
 * Keep it short and honest. */
static const struct {
	const char *file;
	int step;
	const char *why;
} deliberate[] = {
	/* the daemon answers RD=0 queries from the cache and local data
	 * only (REFUSED on a miss); Unbound (allow_snoop) gives a referral
	 * to the closest cached delegation */
	{ "fwd_minimal.rpl", 34, "RD=0 cache miss: REFUSED, not a referral" },
	{ "ttl_max.rpl", 26, "RD=0 cache miss: REFUSED, not a referral" },
	/* a full request pool drops the new query; Unbound evicts one
	 * older than its jostle timeout instead */
	{ "fwd_jostle_out.rpl", 10, "full pool: the new query is dropped" },
	/* zone transfers are refused whatever the query looks like; Unbound
	 * answers an IXFR carrying its SOA with FORMERR */
	{ "refuse_xfr.rpl", 4, "IXFR: REFUSED, not FORMERR" },
	/* records whose RDATA breaks their type's rules are left out (here
	 * an HTTPS record with a repeated key); Unbound passes it on */
	{ "iter_svcb_malformed.rpl", 10, "malformed HTTPS RDATA dropped" },
	/* a CNAME that points to itself (here synthesised from a DNAME to
	 * its own owner) is a loop like any other: SERVFAIL; Unbound's
	 * chase stops when the name comes back to the question and answers
	 * NOERROR with the chain, but a two-name loop gets SERVFAIL there */
	{ "iter_dname_insec.rpl", 220902, "self-loop: SERVFAIL as any loop" },
	/* in-bailiwick data after a CNAME or DNAME in an authoritative
	 * answer is used; Unbound drops it and asks for the target */
	{ "iter_scrub_cname_an.rpl", 200, "in-zone CNAME target data used" },
	{ "iter_scrub_dname_insec.rpl", 120, "in-zone DNAME target data used" },
	/* a cached negative answer keeps the SOA it came with; Unbound's
	 * message cache shares the SOA RRset, refreshed by other lookups */
	{ "ttl_msg.rpl", 36, "negative answers keep their own SOA" },
	{ NULL, 0, NULL },
};

#define MAX_GROUPS 64

struct group {
	char name[128];
	unsigned n;
};

struct tally {
	unsigned pass, fail, skip, deliberate;
	struct group groups[MAX_GROUPS];
	unsigned ngroups;
	char *failures;                 /* the failure reports, in order */
	size_t flen;
};

/* The deliberate difference of the scenario (step -1: any step). */
static const char *deliberate_why(const char *base, int step)
{
	for (int i = 0; deliberate[i].file; i++)
		if (strcmp(deliberate[i].file, base) == 0 &&
		    (step < 0 || deliberate[i].step == step))
			return deliberate[i].why;
	return NULL;
}

static void count_skip(struct tally *t, const char *group)
{
	unsigned i;

	t->skip++;
	for (i = 0; i < t->ngroups; i++)
		if (strcmp(t->groups[i].name, group) == 0)
			break;
	if (i == t->ngroups) {
		if (t->ngroups == MAX_GROUPS)
			i = MAX_GROUPS - 1;     /* lumped with the last */
		else
			snprintf(t->groups[t->ngroups++].name,
				 sizeof(t->groups[0].name), "%s", group);
	}
	t->groups[i].n++;
}

static void add_failure(struct tally *t, const char *base, const char *msg)
{
	size_t n = strlen(base) + strlen(msg) + 16;
	char *f = realloc(t->failures, t->flen + n);

	if (!f)
		return;
	t->failures = f;
	t->flen += (size_t)snprintf(f + t->flen, n, "FAIL %s: %s\n", base,
				    msg);
}

/* Plays one file: 0 pass, 1 fail, 2 skipped (group in su.group). */
static int play(const char *path, bool verbose, struct tally *t)
{
	static struct rpl_run r;
	struct rpl_setup su;
	struct rpl_scen s;
	int read = rpl_read(&s, path), ret;
	const char *why;

	ret = rpl_setup(&su, &s);
	if (ret == 1) {
		if (verbose)
			printf("%s: skipped: %s\n", s.base, su.group);
		count_skip(t, su.group);
		ret = 2;
	} else if (ret < 0 || read < 0) {
		if (verbose)
			printf("%s: runner: %s\n", s.base,
			       read < 0 ? s.err : su.group);
		add_failure(t, s.base, read < 0 ? s.err : su.group);
		t->fail++;
		ret = 1;
	} else {
		ret = rpl_run(&r, &s, &su, verbose);
		why = deliberate_why(s.base, ret ? r.fail_step : -1);
		if (verbose)
			printf("%s: %s\n%s%s", s.base,
			       ret ? "FAILED" : "passed", ret ? r.fail : "",
			       ret ? "\n" : "");
		if (ret && why) {
			if (verbose)
				printf("(a deliberate difference: %s)\n", why);
			t->deliberate++;
		} else if (ret) {
			add_failure(t, s.base, r.fail);
			t->fail++;
		} else if (why) {
			add_failure(t, s.base, "passes: remove it from the "
				    "deliberate differences");
			t->fail++;
		} else {
			t->pass++;
		}
		rpl_run_free(&r);
	}
	rpl_setup_clear(&su);
	rpl_free(&s);
	return ret;
}

static int is_rpl(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".rpl") == 0;
}

static int by_count(const void *a, const void *b)
{
	unsigned na = ((const struct group *)a)->n;
	unsigned nb = ((const struct group *)b)->n;

	return na < nb ? 1 : na > nb ? -1 : 0;
}

static void summary(struct tally *t)
{
	printf("replay: %u passed, %u failed, %u skipped", t->pass, t->fail,
	       t->skip);
	if (t->deliberate)
		printf(" (and %u deliberate differences)", t->deliberate);
	putchar('\n');
	qsort(t->groups, t->ngroups, sizeof(t->groups[0]), by_count);
	for (unsigned i = 0; i < t->ngroups; i++)
		printf("  skipped %u %s\n", t->groups[i].n, t->groups[i].name);
	if (t->failures)
		fputs(t->failures, stdout);
}

static int run_dir(const char *dir)
{
	struct tally *t = calloc(1, sizeof(*t));
	struct dirent **list;
	char path[1024];
	int n, ret;

	n = scandir(dir, &list, is_rpl, alphasort);
	if (n < 0 || !t) {
		printf("replay: skipped: no scenarios in %s\n", dir);
		free(t);
		return 77;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		play(path, false, t);
		free(list[i]);
	}
	free(list);
	summary(t);
	ret = t->fail ? 1 : 0;
	free(t->failures);
	free(t);
	return ret;
}

int main(int argc, char **argv)
{
	const char *target = SCEN_DIR;
	bool verbose = false;
	struct stat sb;
	struct tally t;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else
			target = argv[i];
	}
	rcu_register_thread();
	if (stat(target, &sb) == 0 && S_ISREG(sb.st_mode)) {
		memset(&t, 0, sizeof(t));
		ret = play(target, verbose, &t);
		if (!verbose)
			summary(&t);
		free(t.failures);
		ret = ret == 2 ? 77 : ret;
	} else {
		ret = run_dir(target);
	}
	rcu_unregister_thread();
	return ret;
}
