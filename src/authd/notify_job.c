/* One NOTIFY to one target (notify_int.h): the message (opcode NOTIFY,
 * AA, question ZONE SOA, the zone's SOA in the answer as BIND sends it,
 * TSIG when the target names a key), its sends with backoff, the reply
 * that ends it (same ID, QR, opcode NOTIFY, from the target, verified
 * when signed), and the lag check after it. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "authd/notify_int.h"
#include "authd/tsig_note.h"
#include "authd/xfr_health.h"
#include "daemon/log.h"
#include "net/sock.h"
#include "wire/rrtype.h"

#define CLASS_IN 1

static void job_name(const struct notify_job *j, char *buf, size_t cap)
{
	char zone[NAME_TEXT_MAX];

	name_to_text(zone, sizeof(zone), j->origin);
	snprintf(buf, cap, "notify %s serial %u to %s", zone, j->serial,
		 j->t.text);
}

static int build(struct notify_job *j, const struct zdb_zone *z)
{
	const struct zdb_rrset *soa = zdb_node_rrset(zdb_zone_apex(z), RR_SOA);
	struct msg_hdr h = { .id = j->id, .flags = MSG_FLAG_AA };
	struct tsig_signer sg;
	struct msg_writer mw;
	const uint8_t *mac;
	size_t maclen;
	int len;

	msg_hdr_set_opcode(&h, OPCODE_NOTIFY);
	if (!soa || msg_writer_init(&mw, j->msg, sizeof(j->msg), &h, true) < 0)
		return -1;
	if (j->signing)
		tsig_signer_init(&sg, &j->key, NULL, 0);
	if ((j->signing && msg_writer_reserve(&mw, tsig_signer_room(&sg)) < 0)
	    || msg_writer_question(&mw, j->origin, RR_SOA, CLASS_IN) < 0 ||
	    msg_writer_rr(&mw, MSG_ANSWER, j->origin, RR_SOA, CLASS_IN,
			  soa->ttl, soa->rr[0].data, soa->rr[0].len) < 0)
		goto fail;
	msg_writer_release(&mw);
	len = msg_writer_finish(&mw);
	if (len > 0 && j->signing) {
		len = tsig_sign(&sg, j->msg, (size_t)len, sizeof(j->msg),
				tsig_note_clock());
		mac = len > 0 ? tsig_signer_mac(&sg, &maclen) : NULL;
		if (!mac || maclen > sizeof(j->mac))
			goto fail;
		memcpy(j->mac, mac, maclen);
		j->maclen = maclen;
		tsig_signer_clear(&sg);
	}
	if (len <= 0)
		return -1;
	j->len = (size_t)len;
	return 0;
fail:
	if (j->signing)
		tsig_signer_clear(&sg);
	return -1;
}

static struct notify_job *find(struct notifier *n, const uint8_t *origin,
			       const struct notify_target *t)
{
	for (size_t i = 0; i < n->njobs; i++)
		if (name_equal(n->jobs[i].origin, origin) &&
		    n->jobs[i].t.salen == t->salen &&
		    !memcmp(&n->jobs[i].t.sa, &t->sa, t->salen))
			return &n->jobs[i];
	return NULL;
}

static struct notify_job *job_new(struct notifier *n)
{
	struct notify_job *v;

	if (n->njobs == n->capjobs) {
		size_t cap = n->capjobs ? 2 * n->capjobs : 8;
		v = realloc(n->jobs, cap * sizeof(*v));
		if (!v)
			return NULL;
		n->jobs = v;
		n->capjobs = cap;
	}
	v = &n->jobs[n->njobs++];
	memset(v, 0, sizeof(*v));
	return v;
}

static void job_drop(struct notifier *n, struct notify_job *j)
{
	tsig_key_clear(&j->key);
	*j = n->jobs[--n->njobs];
}

static bool take_key(struct notify_job *j, const struct served *s)
{
	const struct tsig_key *k;
	char name[NAME_TEXT_MAX];

	if (!j->t.key[0])
		return true;
	k = tsig_keyring_find(&s->keys, j->t.key);
	if (k && tsig_key_copy(&j->key, k) == 0) {
		j->signing = true;
		return true;
	}
	name_to_text(name, sizeof(name), j->t.key);
	log_warn("notify to %s: key %s %s; not sent", j->t.text, name,
		 k ? "not copied (out of memory)" : "unknown");
	return false;
}

void notify_job_start(struct notifier *n, const struct zdb_zone *z,
		      const struct notify_target *t, const struct served *s,
		      bool check, long lag_warn)
{
	const uint8_t *origin = zdb_zone_origin(z);
	struct notify_job *j = find(n, origin, t);
	uint64_t now = xfr_health_now();

	if (j)          /* a newer change: the pending one is replaced */
		tsig_key_clear(&j->key);
	else if (!(j = job_new(n)))
		return;
	memset(j, 0, sizeof(*j));
	memcpy(j->origin, origin, NAME_MAXLEN);
	j->t = *t;
	j->serial = zdb_zone_serial(z);
	if (getrandom(&j->id, sizeof(j->id), 0) != sizeof(j->id))
		j->id = (uint16_t)now;
	if (!take_key(j, s) || build(j, z) < 0) {
		if (j->signing)
			log_warn("notify to %s: message not made", t->text);
		job_drop(n, j);
		return;
	}
	j->next = now;
	j->check = check ? now + (uint64_t)lag_warn * 1000 : 0;
}

static void job_send(struct notifier *n, struct notify_job *j, uint64_t now)
{
	int fd = j->t.sa.ss_family == AF_INET6 ? n->fd6 : n->fd4;
	char what[NAME_TEXT_MAX + 160];

	job_name(j, what, sizeof(what));
	if (j->sends == NOTIFY_SENDS) {
		log_warn("%s: no answer after %u sends; given up", what,
			 j->sends);
		j->next = 0;
		return;
	}
	if (sendto(fd, j->msg, j->len, 0, (const struct sockaddr *)&j->t.sa,
		   j->t.salen) < 0)
		log_debug("%s: %s", what, strerror(errno));
	else
		log_debug("%s: sent (%u)", what, j->sends + 1);
	j->next = now + (1000ull << j->sends);
	j->sends++;
}

/* Does the secondary have what was sent? Logged when not. */
static void job_check(struct notifier *n, struct notify_job *j)
{
	char what[NAME_TEXT_MAX + 160];
	uint64_t when;
	uint32_t theirs;
	long lag = n->lag_warn;

	j->check = 0;
	job_name(j, what, sizeof(what));
	if (!xfr_health_get(n->health, j->origin,
			    (const struct sockaddr *)&j->t.sa, &theirs, &when))
		log_warn("%s: the secondary has not transferred the zone from "
			 "us since start, %ld s after the NOTIFY", what, lag);
	else if (serial_after(j->serial, theirs))
		log_warn("%s: the secondary has not caught up %ld s after the "
			 "NOTIFY: it has serial %u (%u serials behind)", what,
			 lag, theirs, j->serial - theirs);
	else
		log_debug("%s: the secondary has it", what);
}

int notify_job_timers(struct notifier *n)
{
	uint64_t now = xfr_health_now(), soon = UINT64_MAX;

	for (size_t i = 0; i < n->njobs;) {
		struct notify_job *j = &n->jobs[i];

		if (j->next && j->next <= now)
			job_send(n, j, now);
		if (j->check && j->check <= now)
			job_check(n, j);
		if (!j->next && !j->check) {
			job_drop(n, j);
			continue;
		}
		if (j->next && j->next < soon)
			soon = j->next;
		if (j->check && j->check < soon)
			soon = j->check;
		i++;
	}
	if (soon == UINT64_MAX)
		return -1;
	return soon - now > 60000 ? 60000 : (int)(soon - now);
}

/* A reply to j: verified when signed; NOERROR ends it, an error too. */
static void job_reply(struct notify_job *j, const uint8_t *pkt, size_t len,
		      const struct msg_hdr *h)
{
	char what[NAME_TEXT_MAX + 160];
	struct tsig_verifier v;
	enum tsig_status st = TSIG_OK;

	job_name(j, what, sizeof(what));
	if (j->signing) {
		tsig_verifier_init(&v, &j->key, j->mac, j->maclen);
		st = tsig_verify_msg(&v, pkt, len, tsig_note_clock());
		tsig_verifier_clear(&v);
	}
	if (st != TSIG_OK) {
		log_warn("%s: reply ignored: TSIG %s", what,
			 tsig_status_text(st));
		return;
	}
	if (msg_hdr_rcode(h) == RCODE_NOERROR)
		log_info("%s: acknowledged (%u sent)", what, j->sends);
	else
		log_warn("%s: answered %s; not sent again", what,
			 rcode_name(msg_hdr_rcode(h)));
	j->next = 0;
}

void notify_job_replies(struct notifier *n, int fd)
{
	uint8_t buf[4096];
	struct sockaddr_storage from;
	struct msg_hdr h;

	for (int k = 0; k < 64; k++) {
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(fd, buf, sizeof(buf), 0,
				       (struct sockaddr *)&from, &fl);

		if (len < 0)
			return;
		if (msg_hdr_parse(&h, buf, (size_t)len) < 0 ||
		    !msg_hdr_qr(&h) || msg_hdr_opcode(&h) != OPCODE_NOTIFY)
			continue;
		for (size_t i = 0; i < n->njobs; i++) {
			struct notify_job *j = &n->jobs[i];
			if (j->next && j->id == h.id && net_same_endpoint(&from, &j->t.sa)) {
				job_reply(j, buf, (size_t)len, &h);
				break;
			}
		}
	}
}

void notify_jobs_free(struct notifier *n)
{
	for (size_t i = 0; i < n->njobs; i++)
		tsig_key_clear(&n->jobs[i].key);
	free(n->jobs);
	n->jobs = NULL;
	n->njobs = n->capjobs = 0;
}
