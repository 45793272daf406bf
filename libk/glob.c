/* libk: shell-style wildcard matching ('*', '?', '[a-z]' classes), as modules.alias patterns use. */
#include <keel/export.h>
#include <keel/string.h>

/* Matches one bracket class at *pat against c; advances *pat past it. */
static bool class_match(const char **pat, char c)
{
	const char *p = *pat + 1;
	bool negate = (*p == '!' || *p == '^'), found = false;

	if (negate)
		p++;
	do {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			found |= (c >= p[0] && c <= p[2]);
			p += 3;
		} else {
			found |= (c == *p++);
		}
	} while (*p && *p != ']');
	*pat = *p ? p + 1 : p;
	return found != negate;
}

/* Iterative with one backtrack point for the last '*': linear in practice, no recursion. */
bool glob_match(const char *pat, const char *str)
{
	const char *star = NULL, *resume = NULL;

	while (*str) {
		if (*pat == '*') {
			star = ++pat;
			resume = str;
			continue;
		}
		bool is_class = (*pat == '[' && strchr(pat, ']'));

		if (*pat == '?' || (!is_class && *pat == *str)) {
			pat++;
			str++;
			continue;
		}
		if (is_class) {
			const char *p = pat;

			if (class_match(&p, *str)) {
				pat = p;
				str++;
				continue;
			}
		}
		if (!star)
			return false;
		pat = star;
		str = ++resume;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}
EXPORT_SYMBOL(glob_match);
