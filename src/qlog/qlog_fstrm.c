/* dnstap's Frame Streams output: libfstrm makes the frames and control
 * frames (READY, ACCEPT, START, STOP, FINISH); the transport under it is
 * ours (an fstrm_rdwr), so that a write waiting on a slow reader can see
 * the stop flag, and a reader that never answers the handshake is given
 * up on. Only the writer thread uses it. */
#include <errno.h>
#include <fcntl.h>
#include <fstrm.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "qlog/qlog_int.h"

#define CONTENT_TYPE "protobuf:dnstap.Dnstap"
#define HANDSHAKE_MS 2000       /* the reader's ACCEPT and FINISH */
#define POLL_MS 100

struct qlog_fs {
	char *path;                     /* without its prefix */
	bool sock;                      /* unix: (else file:) */
	int fd;
	const _Atomic bool *stop;
	struct fstrm_writer *w;         /* open, or NULL */
	bool said;                      /* the last failure was logged */
};

static fstrm_res op_open(void *obj)
{
	struct qlog_fs *f = obj;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!f->sock) {
		f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0640);
		return f->fd < 0 ? fstrm_res_failure : fstrm_res_success;
	}
	if (strlen(f->path) >= sizeof(sa.sun_path))
		return fstrm_res_failure;
	strcpy(sa.sun_path, f->path);
	f->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (f->fd < 0)
		return fstrm_res_failure;
	if (connect(f->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(f->fd);
		f->fd = -1;
		return fstrm_res_failure;
	}
	return fstrm_res_success;
}

static fstrm_res op_close(void *obj)
{
	struct qlog_fs *f = obj;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	return fstrm_res_success;
}

static fstrm_res op_destroy(void *obj)
{
	(void)obj;              /* f is freed by qlog_fs_free */
	return fstrm_res_success;
}

/* Waits for fd to be ready for ev; false when waited too long (ms) or,
 * for a write, when told to stop. */
static bool wait_fd(struct qlog_fs *f, short ev, int *waited, int limit)
{
	struct pollfd p = { .fd = f->fd, .events = ev };

	if (*waited >= limit)
		return false;
	if (ev == POLLOUT && *waited > 0 && atomic_load(f->stop))
		return false;
	if (poll(&p, 1, POLL_MS) < 0 && errno != EINTR)
		return false;
	*waited += POLL_MS;
	return true;
}

static fstrm_res op_read(void *obj, void *data, size_t count)
{
	struct qlog_fs *f = obj;
	uint8_t *p = data;
	int waited = 0;
	ssize_t n;

	while (count) {
		n = read(f->fd, p, count);
		if (n > 0) {
			p += n;
			count -= (size_t)n;
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR) ||
			   !wait_fd(f, POLLIN, &waited, HANDSHAKE_MS)) {
			return fstrm_res_failure;
		}
	}
	return fstrm_res_success;
}

/* Skips n written octets of the vector. */
static void advance(struct iovec **iov, int *cnt, size_t n)
{
	while (*cnt && n >= (*iov)->iov_len) {
		n -= (*iov)->iov_len;
		(*iov)++;
		(*cnt)--;
	}
	if (*cnt) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + n;
		(*iov)->iov_len -= n;
	}
}

static fstrm_res op_write(void *obj, const struct iovec *iov_in, int cnt)
{
	struct qlog_fs *f = obj;
	struct iovec *iov = (struct iovec *)iov_in;   /* fstrm's scratch */
	int waited = 0;
	ssize_t n;

	while (cnt > 0) {
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)cnt };

		n = f->sock ? sendmsg(f->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT)
			    : writev(f->fd, iov, cnt);
		if (n >= 0) {
			advance(&iov, &cnt, (size_t)n);
			waited = 0;
		} else if ((errno != EAGAIN && errno != EINTR) ||
			   !wait_fd(f, POLLOUT, &waited, 1 << 30)) {
			return fstrm_res_failure;
		}
	}
	return fstrm_res_success;
}

struct qlog_fs *qlog_fs_new(const char *path, const _Atomic bool *stop)
{
	struct qlog_fs *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->sock = !strncmp(path, "unix:", 5);
	f->path = strdup(path + 5);
	f->fd = -1;
	f->stop = stop;
	if (!f->path) {
		free(f);
		return NULL;
	}
	return f;
}

static struct fstrm_writer *writer_new(struct qlog_fs *f)
{
	struct fstrm_writer_options *wo = fstrm_writer_options_init();
	struct fstrm_rdwr *rw = fstrm_rdwr_init(f);
	struct fstrm_writer *w = NULL;

	if (wo && rw &&
	    fstrm_writer_options_add_content_type(wo, CONTENT_TYPE,
			sizeof(CONTENT_TYPE) - 1) == fstrm_res_success) {
		fstrm_rdwr_set_open(rw, op_open);
		fstrm_rdwr_set_close(rw, op_close);
		fstrm_rdwr_set_destroy(rw, op_destroy);
		fstrm_rdwr_set_write(rw, op_write);
		if (f->sock)    /* a reader that answers: the handshake */
			fstrm_rdwr_set_read(rw, op_read);
		w = fstrm_writer_init(wo, &rw);
	}
	if (rw)
		fstrm_rdwr_destroy(&rw);
	if (wo)
		fstrm_writer_options_destroy(&wo);
	return w;
}

int qlog_fs_open(struct qlog_fs *f)
{
	if (f->w)
		return 0;
	f->w = writer_new(f);
	if (f->w && fstrm_writer_open(f->w) == fstrm_res_success) {
		log_info("dnstap: writing to %s%s", f->sock ? "unix:" : "file:",
			 f->path);
		f->said = false;
		return 0;
	}
	if (!f->said)
		log_warn("dnstap: cannot %s %s (%s): dropping its messages, "
			 "trying again every second", f->sock ? "connect to"
			 : "open", f->path, errno ? strerror(errno) : "handshake");
	f->said = true;
	if (f->w)
		fstrm_writer_destroy(&f->w);    /* not opened: no STOP */
	op_close(f);
	return -1;
}

bool qlog_fs_ready(const struct qlog_fs *f)
{
	return f->w != NULL;
}

bool qlog_fs_socket(const struct qlog_fs *f)
{
	return f->sock;
}

/* Data frames are a big-endian length and the payload: the writer makes
 * them in its buffer and they go out in one write, not as two iovecs a
 * frame through fstrm_writer_writev (the kernel's walk of 512 iovecs per
 * call showed in the writer's time). libfstrm keeps the handshake and
 * the control frames; its writer holds nothing between data frames. */
int qlog_fs_write(struct qlog_fs *f, const uint8_t *frames, size_t len)
{
	struct iovec iov = { .iov_base = (void *)frames, .iov_len = len };

	if (!f->w)
		return -1;
	if (op_write(f, &iov, 1) == fstrm_res_success)
		return 0;
	log_warn("dnstap: writing to %s failed (%s): reconnecting",
		 f->path, strerror(errno));
	f->said = true;
	op_close(f);            /* the STOP of destroy fails at once */
	fstrm_writer_destroy(&f->w);
	return -1;
}

void qlog_fs_free(struct qlog_fs *f)
{
	if (!f)
		return;
	if (f->w)
		fstrm_writer_destroy(&f->w);    /* STOP, then FINISH */
	op_close(f);
	free(f->path);
	free(f);
}
