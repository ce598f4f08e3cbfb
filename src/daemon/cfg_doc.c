/* A config file's man page text (cfg.h: cfg_print_doc), written from
 * the schema table, the one source of every key, its flag, its default
 * and what it does: `PROGRAM --help-config` prints it and
 * scripts/man-from-help makes the section 5 page out of it. */
#include <stdio.h>
#include <string.h>

#include "daemon/cfg.h"

static const char *type_word(const struct cfg_opt *o)
{
	switch (o->type) {
	case CFG_BOOL: return "true or false";
	case CFG_INT: return "a number";
	case CFG_SIZE: return "a size (K, M, G)";
	case CFG_PATH: return "a path";
	case CFG_LEVEL: return "error, warning, info or debug";
	case CFG_LISTEN: return "a list of ADDR[:PORT]";
	default: return (o->flags & CFG_F_LIST) ? "a list" : "text";
	}
}

/* One key: "    KEY  doc; type, default D; flag --F". */
static void print_key(FILE *out, const struct cfg_opt *o)
{
	fprintf(out, "    %s  %s (%s", o->key, o->doc ? o->doc : "",
		type_word(o));
	if (o->def)
		fprintf(out, "; default %s", o->def);
	if (o->flag)
		fprintf(out, "; flag --%s", o->flag);
	fputs(")\n", out);
}

void cfg_print_doc(const struct cfg_schema *s, FILE *out,
		   const char *program, const char *path, const char *extra)
{
	fprintf(out, "NAME\n    %s.yaml - %s's configuration file\n\n",
		program, program);
	fprintf(out, "SYNOPSIS\n    %s\n    %s -c %s\n\n", path, program,
		path);
	fprintf(out, "DESCRIPTION\n"
		"    YAML: a mapping of sections (");
	for (size_t i = 0; s->sections && s->sections[i]; i++)
		fprintf(out, "%s%s", i ? ", " : "", s->sections[i]);
	fprintf(out, "), each a mapping of the keys below without\n"
		"    their section's prefix. Every key has the flag named after\n"
		"    it, which overrides the file. A mistake is reported as\n"
		"    FILE:LINE: message (banchi-check conf FILE checks a file\n"
		"    without starting anything); on reload (SIGHUP) a bad file\n"
		"    leaves the running settings as they were.%s%s\n\n"
		"KEYS\n", extra ? "\n" : "", extra ? extra : "");
	for (size_t i = 0; i < s->nopt; i++)
		if (s->opt[i].key && strchr(s->opt[i].key, '.'))
			print_key(out, &s->opt[i]);
	fputs("\nSEE ALSO\n", out);
	fprintf(out, "    %s(8), banchi-check(1), /usr/share/doc/banchi/"
		"%s.md\n", program, program);
}
