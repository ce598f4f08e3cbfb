/* Log lines as "TIME LEVEL: message", written with one write(2) so lines
 * from several threads never interleave. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"

static atomic_int cur_level = LOG_LVL_INFO;
static atomic_bool use_syslog;

static const char *const level_names[] = {
	[LOG_LVL_ERR] = "error",
	[LOG_LVL_WARN] = "warning",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

static const int syslog_prio[] = {
	[LOG_LVL_ERR] = LOG_ERR,
	[LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_INFO] = LOG_INFO,
	[LOG_LVL_DEBUG] = LOG_DEBUG,
};

void log_set_level(enum log_level level)
{
	atomic_store(&cur_level, level);
}

void log_set_syslog(bool on)
{
	if (on && !atomic_load(&use_syslog))
		openlog("banchi-auth", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	atomic_store(&use_syslog, on);
}

int log_level_parse(const char *text)
{
	int i;

	for (i = 0; i <= LOG_LVL_DEBUG; i++)
		if (strcmp(text, level_names[i]) == 0)
			return i;
	return -1;
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&cur_level);
}

const char *log_level_name(enum log_level level)
{
	return level_names[level <= LOG_LVL_DEBUG ? level : LOG_LVL_DEBUG];
}

bool log_enabled(enum log_level level)
{
	return (int)level <= atomic_load(&cur_level);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[2048];
	struct tm tm;
	time_t now;
	va_list ap;
	size_t n;
	int k;

	if ((int)level > atomic_load(&cur_level))
		return;
	va_start(ap, fmt);
	if (atomic_load(&use_syslog)) {
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		syslog(syslog_prio[level], "%s", line);
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	k = snprintf(line + n, sizeof(line) - n, "%s: ", level_names[level]);
	n += k > 0 ? (size_t)k : 0;
	k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	n += k > 0 ? (size_t)k : 0;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}
