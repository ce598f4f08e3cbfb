/* why NAME [TYPE] (banchi-ctl why, banchi-resolver): what the resolver
 * holds for a question and where a resolution would go (resolve/why.h),
 * read from the published snapshot, the cache and infra in the control
 * thread, an RCU reader like the workers. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <urcu.h>

#include "ctl/ctl.h"
#include "resolve/why.h"
#include "resolverd/control.h"
#include "resolverd/daemon.h"
#include "resolverd/server_int.h"
#include "wire/rrtype.h"

/* "NAME [TYPE]": TYPE defaults to A. */
static int parse(const char *value, uint8_t *name, uint16_t *type,
		 struct ctl_reply *r)
{
	char buf[1100], *save = NULL, *w;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", value);
	*type = RR_A;
	for (w = strtok_r(buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save), n++) {
		if (n == 0 && name_from_text(name, w, strlen(w),
					     (const uint8_t *)"") < 0)
			break;
		if (n == 1 && rrtype_from_text(w, strlen(w), type) < 0) {
			ctl_fail(r, "'%.100s' is not a record type", w);
			return -1;
		}
		if (n >= 2)
			break;
	}
	if (n == 0 || w) {
		ctl_fail(r, "'%.300s' is not NAME [TYPE]", value);
		return -1;
	}
	return 0;
}

static void put_line(void *ctx, const char *text)
{
	ctl_put_str(ctx, NULL, text);
}

void rcontrol_why(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	uint8_t name[NAME_MAXLEN];
	struct res_why_in in;
	const struct rsnap *snap;
	uint16_t type;
	char tb[16];
	int ret = -1;

	if (parse(value, name, &type, r) < 0)
		return;
	ctl_put_str(r, "type", rrtype_to_text(type, tb));
	ctl_open_arr(r, "why");
	rcu_read_lock();
	snap = rcu_dereference(x->srv.cur);
	if (snap) {
		in = (struct res_why_in){ .local = snap->local,
			.cache = x->srv.cache, .infra = x->srv.infra,
			.conf = &snap->conf, .now_ms = rnow_ms() };
		ret = res_why(&in, name, type, put_line, r);
	}
	rcu_read_unlock();
	ctl_close(r);
	if (ret < 0)
		ctl_fail(r, snap ? "out of memory" : "not serving yet");
}
