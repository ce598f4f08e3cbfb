/* Receive moderation (udp_wait.h). A worker asleep in recvmmsg costs the
 * sender a wakeup and itself a schedule per datagram; one asleep in
 * nanosleep costs neither for the datagrams that queue meanwhile. A lone
 * datagram means a sparse stream: no wait, so low rates keep their
 * latency, and a full batch means more are queued already. */
#include <time.h>

#include "net/udp_wait.h"

void udp_coalesce_wait(int got, int batch, long usec)
{
	struct timespec ts;

	if (usec <= 0 || got < 2 || got >= batch)
		return;
	ts.tv_sec = usec / 1000000;
	ts.tv_nsec = (usec % 1000000) * 1000;
	nanosleep(&ts, NULL);
}
