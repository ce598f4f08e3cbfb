/* A list of address prefixes (CIDR), IPv4 and IPv6: who gets recursion
 * (resolver), who may transfer a zone (auth). v4-mapped IPv6 clients
 * match IPv4 prefixes. Built once, read-only. */
#ifndef BANCHI_BASE_ACL_H
#define BANCHI_BASE_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct acl;

struct acl *acl_new(void);
void acl_free(struct acl *a);
/* "192.0.2.0/24", "2001:db8::/32", "10.1.2.3" (a host). 0 or BN_ESYNTAX. */
int acl_add(struct acl *a, const char *cidr);
/* 127.0.0.0/8 and ::1. */
int acl_add_loopback(struct acl *a);
bool acl_match(const struct acl *a, const struct sockaddr *sa);
size_t acl_count(const struct acl *a);

#endif
