/* Receive moderation for the UDP workers: after a batch that was partial
 * but not lone, queries are arriving densely, so a short wait lets the
 * next read take a full batch instead of waking once per few datagrams
 * (what NIC interrupt coalescing does for the same reason). */
#ifndef BANCHI_NET_UDP_WAIT_H
#define BANCHI_NET_UDP_WAIT_H

/* Default wait, microseconds. */
#define UDP_COALESCE_US 20

/* Waits usec microseconds when got, the size of the batch just read,
 * shows a dense stream (2 or more) that did not fill the batch (fewer
 * than batch); returns at once otherwise or when usec is 0. */
void udp_coalesce_wait(int got, int batch, long usec);

#endif
