/* banchi-check's commands. */
#ifndef BANCHI_CMD_CHECK_H
#define BANCHI_CMD_CHECK_H

/* Exit status: 0 good, 1 mistakes (on standard error). */
int conf_cmd(const char *file);

#endif
