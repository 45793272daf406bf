/*
 * Autoloading's lookup: which modules a device's modalias names, from the text of
 * modules.alias ("alias <pattern> <module>" lines, '#' comments), with fnmatch-style patterns
 * as modprobe reads them: '*' any run of characters, '?' any one, '[...]' a set or range
 * ("[0-9A-F]", "[!x]" negated). The caller loads the modules; see kernel/dev/modalias.h.
 */
#include <keel/string.h>
#include "dev/modalias.h"

/* Matches one "[...]" set at *pattern against c; advances *pattern past it. -1: malformed. */
static int match_set(const char **pattern, char c)
{
	const char *p = *pattern + 1;
	bool negate = false, found = false;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	do {
		if (*p == '\0')
			return -1;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			found |= c >= p[0] && c <= p[2];
			p += 3;
		} else {
			found |= c == *p;
			p++;
		}
	} while (*p != ']');
	*pattern = p + 1;
	return found != negate;
}

int modalias_match(const char *pattern, const char *alias)
{
	const char *star_pattern = NULL, *star_alias = NULL;
	int set;

	while (*alias) {
		if (*pattern == '*') {
			star_pattern = ++pattern;
			star_alias = alias;
			continue;
		}
		if (*pattern == '[') {
			const char *p = pattern;

			set = match_set(&p, *alias);
			if (set < 0)
				return 0;
			if (set) {
				pattern = p;
				alias++;
				continue;
			}
		} else if (*pattern && (*pattern == '?' || *pattern == *alias)) {
			pattern++;
			alias++;
			continue;
		}
		/* Mismatch: let the last '*' swallow one more character, or fail. */
		if (!star_pattern)
			return 0;
		pattern = star_pattern;
		alias = ++star_alias;
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

/* Splits the next line of [*pos, end) into up to 3 whitespace-separated words (copied). */
static int next_line_words(const char **pos, const char *end, char words[3][MODALIAS_WORD_MAX])
{
	const char *p = *pos, *eol = memchr(p, '\n', end - p);
	int n = 0;

	if (!eol)
		eol = end;
	*pos = eol < end ? eol + 1 : end;
	while (p < eol && n < 3) {
		size_t len = 0;

		while (p < eol && isspace(*p))
			p++;
		if (p == eol || *p == '#')
			break;
		while (p + len < eol && !isspace(p[len]))
			len++;
		if (len >= MODALIAS_WORD_MAX)
			return -1; /* a word too long for any real alias: skip the line */
		memcpy(words[n], p, len);
		words[n++][len] = '\0';
		p += len;
	}
	return n;
}

int modalias_for_each_module(const char *text, size_t len, const char *modalias,
			     int (*fn)(const char *module, void *data), void *data)
{
	const char *pos = text, *end = text + len;
	char words[3][MODALIAS_WORD_MAX];
	int ret;

	while (pos < end) {
		if (next_line_words(&pos, end, words) != 3 || strcmp(words[0], "alias") != 0)
			continue;
		if (!modalias_match(words[1], modalias))
			continue;
		ret = fn(words[2], data);
		if (ret)
			return ret;
	}
	return 0;
}

struct first_match {
	char *buf;
	size_t size;
};

static int copy_first(const char *module, void *data)
{
	struct first_match *m = data;

	strlcpy(m->buf, module, m->size);
	return 1;
}

int modalias_lookup(const char *text, size_t len, const char *modalias, char *module,
		    size_t size)
{
	struct first_match m = { module, size };

	if (size == 0)
		return -EINVAL;
	return modalias_for_each_module(text, len, modalias, copy_first, &m) ? 0 : -ENOENT;
}
