/* The "is the clock right?" warning (resolverd/clock_warn.h): three
 * distinct names failing within a minute warn, once an hour at most;
 * the same name again, or names spread over more than a minute, do not;
 * an answer is read by its EDE 8 text. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dnssec/dnssec.h"
#include "resolve/answer.h"
#include "resolverd/clock_warn.h"
#include "wire/edns.h"

static const uint8_t *nm(uint8_t *dst, const char *text)
{
	CHECK(name_from_text(dst, text, strlen(text), NULL) > 0);
	return dst;
}

static void test_note(void)
{
	struct clock_warn c;
	uint8_t a[NAME_MAXLEN], b[NAME_MAXLEN], d[NAME_MAXLEN];

	clock_warn_init(&c);
	nm(a, "a.test.");
	nm(b, "b.test.");
	nm(d, "d.test.");
	CHECK(!clock_warn_note(&c, a, 1000));
	CHECK(!clock_warn_note(&c, a, 2000));   /* the same name: one */
	CHECK(!clock_warn_note(&c, b, 3000));
	CHECK(clock_warn_note(&c, d, 4000));    /* three within a minute */
	CHECK(!clock_warn_note(&c, a, 5000));   /* said: quiet an hour */
	CHECK(!clock_warn_note(&c, b, 3000000));
	/* an hour later: again, but only three within one minute */
	CHECK(!clock_warn_note(&c, a, 3700000));
	CHECK(!clock_warn_note(&c, b, 3770000));
	CHECK(!clock_warn_note(&c, d, 3840000));
	CHECK(!clock_warn_note(&c, a, 3850000));
	CHECK(clock_warn_note(&c, b, 3860000));
}

static void test_answer(void)
{
	static struct answer ans;
	struct clock_warn c;
	uint8_t n[NAME_MAXLEN];

	clock_warn_init(&c);
	answer_init(&ans, 0);
	CHECK(!clock_warn_answer(&c, &ans, 1000));     /* not bogus */
	for (int i = 0; i < 3; i++) {
		char owner[32];

		snprintf(owner, sizeof(owner), "z%d.test.", i);
		answer_init(&ans, 0);
		answer_set_bogus(&ans, nm(n, owner), 48,
				 i == 1 ? DNSSEC_EXPIRED : DNSSEC_NOT_YET_VALID);
		CHECK(!clock_warn_answer(&c, &ans, 1000 + (uint64_t)i));
	}
	/* the expired one did not count: a third not-yet-valid does it */
	answer_init(&ans, 0);
	answer_set_bogus(&ans, nm(n, "z9.test."), 1, DNSSEC_NOT_YET_VALID);
	CHECK(ans.ede.code == EDNS_EDE_SIG_NOT_YET);
	CHECK(clock_warn_answer(&c, &ans, 2000));
}

int main(void)
{
	test_note();
	test_answer();
	return check_done();
}
