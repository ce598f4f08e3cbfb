/* Daemon logging: one line per event to stderr (or syslog), filtered by
 * level. Thread-safe (one write per line); not for the query path. */
#ifndef BANCHI_DAEMON_LOG_H
#define BANCHI_DAEMON_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_set_level(enum log_level level);
/* Switches to syslog (daemon facility) or back to stderr. */
void log_set_syslog(bool on);
/* Level from "error", "warning", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *text);
/* The level now, and a level's name. */
enum log_level log_get_level(void);
const char *log_level_name(enum log_level level);

/* Whether lines of this level go out (to skip formatting them). */
bool log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
