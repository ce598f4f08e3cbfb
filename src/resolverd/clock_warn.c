/* clock_warn.h: three distinct names within a minute, logged once an
 * hour at most. */
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "wire/edns.h"
#include "resolverd/clock_warn.h"

#define WINDOW_MS 60000
#define QUIET_MS 3600000

void clock_warn_init(struct clock_warn *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
}

/* name into the slots: replaces its own slot, else the oldest. */
static void remember(struct clock_warn *c, const uint8_t *name,
		     uint64_t now_ms)
{
	size_t k = 0;

	for (size_t i = 0; i < CLOCK_WARN_NAMES; i++) {
		if (c->at[i] && name_equal(c->name[i], name)) {
			k = i;
			break;
		}
		if (c->at[i] < c->at[k])
			k = i;
	}
	memcpy(c->name[k], name, (size_t)name_length(name));
	c->at[k] = now_ms ? now_ms : 1;
}

static void say(const struct clock_warn *c)
{
	char n[CLOCK_WARN_NAMES][NAME_TEXT_MAX], when[32];
	time_t t = time(NULL);
	struct tm tm;

	for (size_t i = 0; i < CLOCK_WARN_NAMES; i++)
		name_to_text(n[i], sizeof(n[i]), c->name[i]);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_warn("signatures not yet valid for %s, %s and %s within a "
		 "minute: is the clock right? (this machine says %s)", n[0],
		 n[1], n[2], when);
}

bool clock_warn_note(struct clock_warn *c, const uint8_t *name,
		     uint64_t now_ms)
{
	size_t recent = 0;
	bool out = false;

	pthread_mutex_lock(&c->mu);
	remember(c, name, now_ms);
	for (size_t i = 0; i < CLOCK_WARN_NAMES; i++)
		recent += c->at[i] && now_ms - c->at[i] < WINDOW_MS;
	if (recent == CLOCK_WARN_NAMES &&
	    (!c->logged_at || now_ms - c->logged_at >= QUIET_MS)) {
		c->logged_at = now_ms ? now_ms : 1;
		say(c);
		out = true;
	}
	pthread_mutex_unlock(&c->mu);
	return out;
}

bool clock_warn_answer(struct clock_warn *c, const struct answer *a,
		       uint64_t now_ms)
{
	uint8_t name[NAME_MAXLEN];
	size_t n = 0;

	if (!a->bogus || a->ede.code != EDNS_EDE_SIG_NOT_YET)
		return false;
	/* "OWNER TYPE: signature not yet valid" (answer_set_bogus) */
	while (n < a->ede.text_len && a->ede.text[n] != ' ')
		n++;
	return n && name_from_text(name, a->ede.text, n,
				   (const uint8_t *)"") >= 0 &&
	       clock_warn_note(c, name, now_ms);
}
