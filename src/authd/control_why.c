/* why (banchi-ctl why NAME [TYPE] [+dnssec]): how banchi-auth answers a
 * question, decision by decision (auth/why.h), from the snapshot the
 * workers serve, in the control thread inside an RCU read section. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <urcu.h>

#include "auth/why.h"
#include "authd/control.h"
#include "authd/daemon.h"
#include "wire/rrtype.h"

struct why_arg {
	uint8_t qname[NAME_MAXLEN];
	uint16_t qtype;
	bool dnssec;
};

/* "NAME [TYPE] [+dnssec]": words split at spaces; TYPE defaults to A. */
static int parse(const char *value, struct why_arg *a, struct ctl_reply *r)
{
	char buf[1100], *save = NULL, *w;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", value);
	a->qtype = RR_A;
	a->dnssec = false;
	for (w = strtok_r(buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save), n++) {
		if (!strcasecmp(w, "+dnssec") || !strcasecmp(w, "+do")) {
			a->dnssec = true;
		} else if (n == 0) {
			if (name_from_text(a->qname, w, strlen(w),
					   (const uint8_t *)"") < 0)
				goto bad_name;
		} else if (rrtype_from_text(w, strlen(w), &a->qtype) < 0) {
			ctl_fail(r, "'%.100s' is not a record type", w);
			return -1;
		}
	}
	if (n == 0)
		goto bad_name;
	return 0;
bad_name:
	ctl_fail(r, "'%.300s' is not NAME [TYPE] [+dnssec]", value);
	return -1;
}

static void put_line(void *ctx, const char *text)
{
	ctl_put_str(ctx, NULL, text);
}

void control_why(void *arg, const char *value, struct ctl_reply *r)
{
	struct daemon *x = arg;
	const struct served *s;
	struct why_arg a;
	char tb[16];
	int ret = -1;

	if (parse(value, &a, r) < 0)
		return;
	ctl_put_str(r, "type", rrtype_to_text(a.qtype, tb));
	ctl_put_bool(r, "dnssec", a.dnssec);
	ctl_open_arr(r, "why");
	rcu_read_lock();
	s = rcu_dereference(x->srv.cur);
	if (s)
		ret = auth_why(s->db, &s->conf, a.qname, a.qtype, a.dnssec,
			       put_line, r);
	rcu_read_unlock();
	ctl_close(r);
	if (ret < 0)
		ctl_fail(r, s ? "the answer could not be explained (out of "
			 "memory)" : "nothing is served yet");
}
