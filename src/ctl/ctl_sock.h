/* The control socket's file: made before the privilege drop (the daemon
 * may no longer write its folder after), mode 0660 and group "banchi"
 * when that group exists, so that its members may use banchi-ctl. A
 * socket file left by a daemon that died is replaced; one a running
 * daemon answers on is not; anything that is not a socket is never
 * removed. */
#ifndef BANCHI_CTL_CTL_SOCK_H
#define BANCHI_CTL_CTL_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTL_GROUP "banchi"

/* The listening socket at path (non-blocking, close-on-exec); its
 * folder made (mode 0755) when missing. *ino and *dev identify the
 * file (to remove it at exit only while it is still ours). The fd, or
 * -1 with a sentence in err (cap octets). */
int ctl_sock_listen(const char *path, ino_t *ino, dev_t *dev, char *err,
		    size_t cap);

/* Removes path when it is still the socket (ino, dev). */
void ctl_sock_unlink(const char *path, ino_t ino, dev_t dev);

/* A connection to the daemon at path within timeout_ms, whose reads
 * and writes then time out after as long (blocking, close-on-exec). The
 * fd, or -1 with errno (ENOENT, ECONNREFUSED, EACCES, ETIMEDOUT,
 * ENAMETOOLONG...). */
int ctl_sock_connect(const char *path, int timeout_ms);

#endif
