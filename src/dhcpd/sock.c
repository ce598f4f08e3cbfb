/* The DHCP server socket (sock.h). Bound to 0.0.0.0:67 so that
 * broadcast requests arrive; SO_BINDTODEVICE keeps other interfaces'
 * requests out and sends our broadcasts out of this one. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/log.h"
#include "dhcpd/sock.h"

static uint32_t if_addr(int fd, const char *ifname)
{
	struct ifreq ifr;
	struct sockaddr_in sin;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0)
		return 0;
	memcpy(&sin, &ifr.ifr_addr, sizeof(sin));
	return ntohl(sin.sin_addr.s_addr);
}

int dsock_open(const char *ifname, uint32_t *ifaddr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(67) };
	int one = 1, fd;

	if (strlen(ifname) >= IFNAMSIZ || !if_nametoindex(ifname)) {
		log_err("no interface '%s'", ifname);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		log_err("binding port 67 on %s: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	*ifaddr = if_addr(fd, ifname);
	return fd;
}

int dsock_send(int fd, const void *pkt, size_t len, uint32_t addr,
	       uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(addr) };

	return sendto(fd, pkt, len, 0, (struct sockaddr *)&sin,
		      sizeof(sin)) < 0 ? -1 : 0;
}
