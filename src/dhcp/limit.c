/* Rate limits (limit.h). Buckets live in a fixed table of 4-way sets
 * by a hash of the identifier; a new client takes the set's empty or
 * fullest slot, so a flood of made-up identifiers evicts buckets of
 * idle clients (one evicted starts again full, which costs nothing)
 * and not those of clients being limited. */
#include <string.h>

#include "dhcp/limit.h"

#define WAYS 4

void dhcp_limit_init(struct dhcp_limit *l, const struct dhcp_limit_conf *c)
{
	memset(l, 0, sizeof(*l));
	l->conf = *c;
	l->sec = -1;
}

/* FNV-1a, never 0 (the empty slot). */
static uint64_t hash(const uint8_t *id, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ id[i]) * 0x100000001b3ull;
	return h | 1;
}

/* Its tokens at second now, refilled. */
static uint32_t tokens_at(const struct dhcp_limit *l,
			  const struct dhcp_bucket *b, int64_t now)
{
	uint64_t t = b->tokens;

	if (now > b->at)
		t += (uint64_t)(now - b->at) * l->conf.rate;
	return t > l->conf.burst ? l->conf.burst : (uint32_t)t;
}

/* The client's bucket; a new one replaces an empty slot, else the one
 * with the most tokens: an idle client's, never one being limited
 * while others have some left. */
static struct dhcp_bucket *bucket(struct dhcp_limit *l, uint64_t key,
				  int64_t now)
{
	struct dhcp_bucket *set = &l->b[(key >> 32) % (DHCP_LIMIT_SLOTS / WAYS)
					* WAYS];
	struct dhcp_bucket *old = NULL;
	int i;

	for (i = 0; i < WAYS; i++) {
		if (set[i].key == key)
			return &set[i];
		if (!set[i].key)
			old = &set[i];
		else if (!old || (old->key && tokens_at(l, &set[i], now) >
				  tokens_at(l, old, now)))
			old = &set[i];
	}
	*old = (struct dhcp_bucket){ key, now, l->conf.burst };
	return old;
}

bool dhcp_limit_client(struct dhcp_limit *l, const uint8_t *id, size_t len,
		       int64_t now)
{
	struct dhcp_bucket *b;

	if (!l->conf.rate)
		return true;
	b = bucket(l, hash(id, len), now);
	b->tokens = tokens_at(l, b, now);
	b->at = now;
	if (!b->tokens) {
		l->limited_client++;
		return false;
	}
	b->tokens--;
	return true;
}

static bool high(size_t used, size_t total)
{
	return used * 100 >= total * DHCP_LIMIT_HIGH;
}

int dhcp_limit_new(struct dhcp_limit *l, size_t total, int64_t now,
		   size_t (*used_now)(void *arg), void *arg)
{
	bool above;

	if (!l->conf.new_rate)
		return DHCP_NEW_OK;
	if (now != l->sec) {
		l->sec = now;
		l->new_in_sec = 0;
		l->used = used_now(arg);
	}
	above = high(l->used, total);
	if (above && l->new_in_sec >= l->conf.new_rate) {
		l->limited_new++;
		return DHCP_NEW_NO;
	}
	l->new_in_sec++;
	l->used++;
	return above ? DHCP_NEW_HIGH : DHCP_NEW_OK;
}
