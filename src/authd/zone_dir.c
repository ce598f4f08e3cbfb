/* The one naming of a zone's files in the zone dir (zone_dir.h). */
#include <stdio.h>
#include <string.h>

#include "authd/zone_dir.h"
#include "wire/name.h"

void zone_dir_path(char *buf, size_t cap, const char *dir,
		   const uint8_t *origin, const char *ext)
{
	char name[NAME_TEXT_MAX];
	size_t n;

	name_to_text(name, sizeof(name), origin);
	n = strlen(name);
	if (n > 1 && name[n - 1] == '.')
		n--;
	if (!strcmp(name, "."))
		snprintf(buf, cap, "%s/root.%s", dir, ext);
	else
		snprintf(buf, cap, "%s/%.*s.%s", dir, (int)n, name, ext);
}
