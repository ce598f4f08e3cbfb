/* sd_notify(3)'s datagrams (sdnotify.h). The address is a path or, with
 * a leading '@', an abstract socket; the socket is connected once, so
 * that a chroot or the dropped privileges do not matter later. A lost
 * datagram only delays systemd's view: errors are logged, never fatal. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/sdnotify.h"

static int sdn_fd = -1;

void sdn_open(void)
{
	const char *p = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = p ? strlen(p) : 0;
	socklen_t len;

	if (!n || n >= sizeof(a.sun_path) || (p[0] != '/' && p[0] != '@'))
		return;
	memcpy(a.sun_path, p, n);
	if (p[0] == '@')
		a.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	sdn_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sdn_fd >= 0 && connect(sdn_fd, (struct sockaddr *)&a, len) < 0) {
		log_warn("systemd notify socket %s: %s", p, strerror(errno));
		close(sdn_fd);
		sdn_fd = -1;
	}
	unsetenv("NOTIFY_SOCKET");
}

static void say(const char *text)
{
	if (sdn_fd >= 0 && send(sdn_fd, text, strlen(text), MSG_NOSIGNAL) < 0)
		log_warn("systemd notify: %s", strerror(errno));
}

void sdn_ready(const char *status)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=%s", status);
	say(buf);
}

void sdn_reloading(void)
{
	struct timespec ts;
	char buf[96];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		 (unsigned long long)ts.tv_nsec / 1000);
	say(buf);
}

void sdn_stopping(void)
{
	say("STOPPING=1");
}
