/* systemd's readiness protocol (sd_notify(3)), without libsystemd: one
 * datagram per state change to the socket that $NOTIFY_SOCKET names. It
 * is opened once at start, before the chroot and the privilege drop,
 * and the variable is taken out of the environment. Without it (not
 * under systemd, or Type= other than notify) every call does nothing. */
#ifndef BANCHI_DAEMON_SDNOTIFY_H
#define BANCHI_DAEMON_SDNOTIFY_H

/* Opens the socket of $NOTIFY_SOCKET, if set. Call first. */
void sdn_open(void);

/* The service is up (READY=1), with a STATUS line for systemctl. */
void sdn_ready(const char *status);
/* A reload starts (RELOADING=1, MONOTONIC_USEC); sdn_ready ends it. */
void sdn_reloading(void);
/* Stopping (STOPPING=1). */
void sdn_stopping(void);

#endif
