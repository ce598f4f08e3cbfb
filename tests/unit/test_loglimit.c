/* Unit tests for src/daemon/loglimit.c: one line per key per period,
 * a cap per second over all keys, the lines held back counted. */
#include "check.h"
#include "daemon/loglimit.h"

static struct loglimit l;

int main(void)
{
	uint64_t held = 99;
	int n = 0;

	loglimit_init(&l, 5, 3);
	CHECK(loglimit_allow(&l, 1, 100, &held) && held == 0);
	CHECK(!loglimit_allow(&l, 1, 100, &held));
	CHECK(!loglimit_allow(&l, 1, 104, &held));
	CHECK(loglimit_allow(&l, 1, 105, &held) && held == 2);
	/* other keys, up to 3 lines in second 106 */
	for (uint64_t k = 2; k < 12; k++)
		n += loglimit_allow(&l, k, 106, &held);
	CHECK(n == 3);
	CHECK(loglimit_allow(&l, 50, 107, &held) && held == 7);
	/* time 0 is a time like another (no clock given) */
	loglimit_init(&l, 5, 3);
	CHECK(loglimit_allow(&l, 1, 0, &held));
	CHECK(!loglimit_allow(&l, 1, 4, &held));
	CHECK(loglimit_allow(&l, 1, 5, &held));
	return check_done();
}
