/* Parses the kernel command line on demand; tokens are space-separated, values may be "quoted". */
#include <keel/export.h>
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "init/bootinfo.h"

#define TOKEN_MAX 256

const char *cmdline_get_raw(void)
{
	return boot_info.cmdline;
}

/* Copies the next token (quotes removed) into tok; returns the position after it, or NULL at the end. */
static const char *next_token(const char *p, char *tok, size_t size)
{
	size_t n = 0;
	bool quoted = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < size)
			tok[n++] = *p;
	}
	tok[n] = '\0';
	return p;
}

int cmdline_for_each(int (*fn)(const char *key, const char *value, void *arg), void *arg)
{
	char tok[TOKEN_MAX];
	const char *p = boot_info.cmdline;

	while ((p = next_token(p, tok, sizeof(tok)))) {
		char *eq = strchr(tok, '=');
		int ret;

		if (eq)
			*eq = '\0';
		ret = fn(tok, eq ? eq + 1 : NULL, arg);
		if (ret)
			return ret;
	}
	return 0;
}

struct cmdline_query {
	const char *key;
	char *buf;
	size_t size;
	int result;
};

static int match_key(const char *key, const char *value, void *arg)
{
	struct cmdline_query *q = arg;

	if (strcmp(key, q->key) != 0)
		return 0;
	q->result = 0;
	if (q->buf) {
		if (strlcpy(q->buf, value ? value : "", q->size) >= q->size)
			q->result = -E2BIG;
	}
	return 0; /* keep going: the last occurrence wins, as in Linux */
}

int cmdline_get(const char *key, char *buf, size_t size)
{
	struct cmdline_query q = { key, buf, size, -ENOENT };

	cmdline_for_each(match_key, &q);
	return q.result;
}
EXPORT_SYMBOL(cmdline_get);

bool cmdline_has(const char *word)
{
	struct cmdline_query q = { word, NULL, 0, -ENOENT };

	cmdline_for_each(match_key, &q);
	return q.result == 0;
}
EXPORT_SYMBOL(cmdline_has);
