/* banchi-resolver's RFC 5011 trust point (dnssec.auto-trust-anchor;
 * daemon.h): the state file read at start (made from the built-in IANA
 * root DS when missing), then, from the main thread, the zone's DNSKEY
 * set asked of the resolver itself (its first listen address, RD, CD,
 * DO: the data as received, checked here against the keys trusted now)
 * every half TTL (RFC 5011 2.3: at least an hour apart, at most 15
 * days), the states moved (dnssec/autotrust.h), and on a change the file
 * rewritten (a new file renamed over it) and the anchors published. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "daemon/log.h"
#include "dnssec/anchor.h"
#include "resolverd/autotrust_int.h"

/* The state file read (made from IANA's root DS when missing); 0, or
 * negative with "PATH: problem" in err (CONFIG_ERR_MAX octets). */
static int load(struct rtrust *t, const char *path, char *err)
{
	char *buf, msg[256];
	size_t len;
	int ret = rconfig_slurp(path, TEXT_MAX * 2, &buf, &len, err);

	if (ret == BN_ENOTFOUND) {
		log_info("%s: new: made from the built-in IANA root anchors",
			 path);
		ret = ta_file_read(&t->p, dnssec_root_anchors,
				   strlen(dnssec_root_anchors), rtrust_now(),
				   msg);
	} else if (ret == 0) {
		ret = ta_file_read(&t->p, buf, len, rtrust_now(), msg);
		free(buf);
	} else {
		return ret;
	}
	if (ret < 0)
		snprintf(err, CONFIG_ERR_MAX, "%s: %s", path, msg);
	return ret;
}

/* The file rewritten: a new one renamed over it (a crash leaves the old
 * or the new, whole). */
int rtrust_save(const struct rdaemon *x, struct rtrust *t)
{
	char tmp[4200], *text = malloc(TEXT_MAX * 2);
	const char *path = rconfig_open_path(&x->cfg, t->path);
	int n = text ? ta_file_write(&t->p, rtrust_now(), text, TEXT_MAX * 2) :
		BN_ENOMEM;
	int fd = -1, ok = 0;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (n >= 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
	if (fd >= 0 && close(fd) == 0 && ok && rename(tmp, path) == 0) {
		free(text);
		return 0;
	}
	log_err("%s: cannot write the trust anchor's state (%s): kept in "
		"memory; the folder must be writable by the resolver's user",
		path, n < 0 ? bn_strerror(n) : strerror(errno));
	if (fd >= 0)
		unlink(tmp);
	free(text);
	return -1;
}

int rtrust_text(struct rdaemon *x, struct rtrust *t)
{
	if (ta_trusted_text(&t->p, t->text, sizeof(t->text)) <= 0)
		return -1;
	x->cfg.auto_ta = t->text;
	return 0;
}

/* The resolver's own address: its first listen address (any address
 * asked on loopback). */
static void self_addr(struct rtrust *t, const struct rconfig *c)
{
	struct sockaddr_in *a = (struct sockaddr_in *)&t->self;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&t->self;

	memset(&t->self, 0, sizeof(t->self));
	if (!c->nlisten) {
		a->sin_family = AF_INET;
		a->sin_port = htons(53);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		t->selflen = sizeof(*a);
		return;
	}
	memcpy(&t->self, &c->listen[0].sa, c->listen[0].salen);
	t->selflen = c->listen[0].salen;
	if (a->sin_family == AF_INET && a->sin_addr.s_addr == INADDR_ANY)
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (a->sin_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr))
		a6->sin6_addr = in6addr_loopback;
}

int rtrust_open(struct rdaemon *x)
{
	const struct rconfig *c = &x->cfg;
	struct rtrust *t;
	char err[CONFIG_ERR_MAX];

	if (!c->auto_trust_anchor)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->path = strdup(c->auto_trust_anchor))) {
		free(t);
		log_err("out of memory");
		return -1;
	}
	x->ta = t;
	if (load(t, c->auto_trust_anchor, err) < 0) {
		log_err("%s", err);
		return -1;
	}
	t->pp = (struct ta_params){ c->add_holddown, c->del_holddown,
				    c->keep_missing };
	t->probe_min = c->small_holddown ? 1 : 3600;
	t->next = rtrust_now();              /* once serving */
	t->last = -1;
	self_addr(t, c);
	if (rtrust_text(x, t) < 0) {
		log_err("%s: no key trusted (every one revoked)", t->path);
		return -1;
	}
	return rtrust_save(x, t) < 0 ? -1 : 0;
}

void rtrust_publish(struct rdaemon *x)
{
	char err[CONFIG_ERR_MAX];
	struct rsnap *s;

	if (rsnap_build(&x->cfg, &s, err) < 0) {
		log_err("trust anchor: %s; old anchors kept", err);
		return;
	}
	rserver_publish(&x->srv, s);
}

long rtrust_wait(const struct rdaemon *x)
{
	int64_t d;

	if (!x->ta)
		return -1;
	d = x->ta->next - rtrust_now();
	return d < 0 ? 0 : (long)d;
}

void rtrust_close(struct rdaemon *x)
{
	if (x->ta)
		free(x->ta->path);
	free(x->ta);
	x->ta = NULL;
}
