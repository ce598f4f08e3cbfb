/* The log limiter: one slot per key hash holding the second of its last
 * line, one word for the current second and its line count. Lost races
 * between threads only ever let fewer lines out. */
#include <string.h>

#include "daemon/loglimit.h"

void loglimit_init(struct loglimit *l, unsigned period, unsigned burst)
{
	memset(l, 0, sizeof(*l));
	l->period = period;
	l->burst = burst;
}

static bool key_allows(struct loglimit *l, uint64_t key, uint64_t now)
{
	atomic_uint_fast64_t *s = &l->last[key % LOGLIMIT_SLOTS];
	uint64_t last = atomic_load_explicit(s, memory_order_relaxed);

	/* stored as now + 1, so that 0 is "never" */
	if (last && now + 1 < last + l->period)
		return false;
	return atomic_compare_exchange_strong(s, &last, now + 1);
}

static bool burst_allows(struct loglimit *l, uint64_t now)
{
	uint64_t w = atomic_load_explicit(&l->window, memory_order_relaxed);
	uint64_t next = (w >> 20) == now ? w + 1 : now << 20 | 1;

	if ((w >> 20) == now && (w & 0xfffff) >= l->burst)
		return false;
	return atomic_compare_exchange_strong(&l->window, &w, next);
}

bool loglimit_allow(struct loglimit *l, uint64_t key, uint64_t now,
		    uint64_t *held)
{
	if (!key_allows(l, key, now) || !burst_allows(l, now)) {
		atomic_fetch_add_explicit(&l->held, 1, memory_order_relaxed);
		return false;
	}
	*held = atomic_exchange(&l->held, 0);
	return true;
}
