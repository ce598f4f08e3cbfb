/* banchi-dhcp's socket: one UDP socket on port 67 tied to the interface
 * (SO_BINDTODEVICE), allowed to broadcast. Replies to clients without
 * an address go to 255.255.255.255 on that interface, so no raw socket
 * and no capability is needed once it is bound. */
#ifndef BANCHI_DHCPD_SOCK_H
#define BANCHI_DHCPD_SOCK_H

#include <stdint.h>

/* The bound socket, or -1 after logging why. *ifaddr gets the
 * interface's IPv4 address (host order; 0 when it has none). */
int dsock_open(const char *ifname, uint32_t *ifaddr);

/* Sends len octets to addr:port (host order). 0 or -1 (errno). */
int dsock_send(int fd, const void *pkt, size_t len, uint32_t addr,
	       uint16_t port);

#endif
