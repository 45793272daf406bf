/*
 * The kernel command line. The raw string stays where the boot loader put it (the multiboot2
 * information is reserved for good), whatever its length; cmdline_setup() splits it once into
 * words (quotes removed, key and value apart) that cmdline_for_each() walks without copying,
 * so no option or value is ever cut to fit a buffer.
 */
#include <keel/export.h>
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "init/bootinfo.h"

/*
 * Each word is stored as a flag ('=' when it has a value, ' ' when not), the key and its NUL,
 * then the value and its NUL when there is one; a NUL flag ends the list. A word of n bytes
 * takes at most n + 2, so twice the line's length is always enough.
 */
static char cmdline_words[2 * COMMAND_LINE_MAX + 1];

const char *cmdline_get_raw(void)
{
	return boot_info.cmdline ? boot_info.cmdline : "";
}

/* Copies the word at p (unquoted) to out as flag/key/value; returns the position after it. */
static const char *split_word(const char *p, char **out)
{
	char *flag = (*out)++, *o = *out;
	bool quoted = false;

	*flag = ' ';
	for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '"') {
			quoted = !quoted;
		} else if (*p == '=' && *flag == ' ') {
			*flag = '=';
			*o++ = '\0';
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\0';
	*out = o;
	if (quoted)
		pr_warn("boot: unterminated quote in the command line; it runs to the end\n");
	return p;
}

int cmdline_setup(const char *raw)
{
	size_t len = strlen(raw);
	char *out = cmdline_words;

	boot_info.cmdline = raw;
	cmdline_words[0] = '\0';
	if (len >= COMMAND_LINE_MAX) {
		pr_err("boot: the command line is %zu bytes, more than the %d this kernel takes; "
		       "ignoring every option in it\n", len, COMMAND_LINE_MAX - 1);
		return -E2BIG;
	}
	for (;;) {
		while (*raw == ' ' || *raw == '\t')
			raw++;
		if (!*raw)
			break;
		raw = split_word(raw, &out);
	}
	*out = '\0';
	return 0;
}

int cmdline_for_each(int (*fn)(const char *key, const char *value, void *arg), void *arg)
{
	const char *p = cmdline_words;

	while (*p) {
		const char *key = p + 1, *value = NULL;
		int ret;

		p = key + strlen(key) + 1;
		if (key[-1] == '=') {
			value = p;
			p += strlen(p) + 1;
		}
		ret = fn(key, value, arg);
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
	if (q.result == -E2BIG)
		pr_err("boot: the value of %s= is longer than the %zu bytes it may have; ignored\n",
		       key, size - 1);
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
