/*
 * Module parameters: parses "name=value" arguments into a module's "__param" variables and
 * owns the strings it allocates for charp parameters (kept on a list, so params_free() frees
 * exactly those and never a module's own default string).
 */
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "module/params.h"

#define PARAM_MAX_ARRAY 4096

struct param_string {
	struct param_string *next;
	char str[];
};

static struct param_string *param_strings; /* every charp value we allocated */

static char *param_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	struct param_string *ps = kmalloc(sizeof(*ps) + len, GFP_KERNEL);

	if (!ps)
		return NULL;
	memcpy(ps->str, s, len);
	ps->next = param_strings;
	param_strings = ps;
	return ps->str;
}

/* Frees s when we allocated it; a module's static default is left alone. */
static void param_string_release(const char *s)
{
	struct param_string **link;

	for (link = &param_strings; s && *link; link = &(*link)->next) {
		if ((*link)->str == s) {
			struct param_string *ps = *link;

			*link = ps->next;
			kfree(ps);
			return;
		}
	}
}

int params_check(const char *modname, const struct kernel_param *params, size_t num)
{
	for (size_t i = 0; i < num; i++) {
		const struct kernel_param *kp = &params[i];

		if (!kp->name || !kp->name[0] || !kp->arg || !param_elem_size(kp->type) ||
		    kp->max > PARAM_MAX_ARRAY) {
			pr_err("%s: malformed parameter entry #%zu\n", modname, i);
			return -ENOEXEC;
		}
	}
	return 0;
}

union param_value {
	bool b;
	int i;
	unsigned int u;
	long l;
	unsigned long ul;
};

/* Parses val as kp's (non-charp) type: 0 or the kstrto*() error. */
static int param_parse_value(const struct kernel_param *kp, const char *val, union param_value *v)
{
	switch (kp->type) {
	case PARAM_BOOL: return kstrtobool(val, &v->b);
	case PARAM_INT: return kstrtoint(val, 0, &v->i);
	case PARAM_UINT: return kstrtouint(val, 0, &v->u);
	case PARAM_LONG: return kstrtol(val, 0, &v->l);
	case PARAM_ULONG: return kstrtoul(val, 0, &v->ul);
	}
	return -EINVAL;
}

static bool param_has_range(const struct kernel_param *kp)
{
	return (kp->min_value || kp->max_value) && kp->type != PARAM_BOOL &&
	       kp->type != PARAM_CHARP;
}

static bool param_unsigned(const struct kernel_param *kp)
{
	return kp->type == PARAM_UINT || kp->type == PARAM_ULONG;
}

static bool param_in_range(const struct kernel_param *kp, const union param_value *v)
{
	unsigned long lo = kp->min_value, hi = kp->max_value;

	switch (kp->type) {
	case PARAM_INT: return v->i >= kp->min_value && v->i <= kp->max_value;
	case PARAM_LONG: return v->l >= kp->min_value && v->l <= kp->max_value;
	case PARAM_UINT: return v->u >= lo && v->u <= hi;
	case PARAM_ULONG: return v->ul >= lo && v->ul <= hi;
	}
	return true;
}

/*
 * Checks one value for kp without storing it; charp always passes. note ends the error line
 * (where the value came from). 0, -EINVAL or -ERANGE, reported in one line.
 */
static int param_check_value(const char *modname, const struct kernel_param *kp,
			     const char *val, const char *note, union param_value *v)
{
	int err;

	if (kp->type == PARAM_CHARP)
		return 0;
	err = param_parse_value(kp, val, v);
	if (err) {
		pr_err("%s: invalid value '%s' for parameter '%s'%s\n", modname, val, kp->name,
		       note);
		return err;
	}
	if (param_has_range(kp) && !param_in_range(kp, v)) {
		if (param_unsigned(kp))
			pr_err("%s: value '%s' for parameter '%s' is out of range (%lu to %lu)%s\n",
			       modname, val, kp->name, (unsigned long)kp->min_value,
			       (unsigned long)kp->max_value, note);
		else
			pr_err("%s: value '%s' for parameter '%s' is out of range (%ld to %ld)%s\n",
			       modname, val, kp->name, kp->min_value, kp->max_value, note);
		return -ERANGE;
	}
	return 0;
}

/* Stores a checked value (v) or, for charp, a copy of val, at dst: 0 or -ENOMEM. */
static int param_store(const struct kernel_param *kp, void *dst, const char *val,
		       const union param_value *v)
{
	char *copy, **var = dst;

	if (kp->type != PARAM_CHARP) {
		memcpy(dst, v, param_elem_size(kp->type));
		return 0;
	}
	copy = param_strdup(val);
	if (!copy)
		return -ENOMEM;
	param_string_release(*var);
	*var = copy;
	return 0;
}

/* Every element is checked before any is stored, so a refused value changes nothing. */
static int param_check_array(const char *modname, const struct kernel_param *kp, char *val,
			     const char *note)
{
	unsigned int count = 0;
	union param_value v;
	char *item;

	while ((item = strsep(&val, ","))) {
		int err;

		if (count++ == kp->max) {
			pr_err("%s: parameter '%s' takes at most %u values%s\n", modname, kp->name,
			       kp->max, note);
			return -EINVAL;
		}
		err = param_check_value(modname, kp, item, note, &v);
		if (err)
			return err;
	}
	return 0;
}

static int param_set_array(const char *modname, const struct kernel_param *kp, char *val,
			   const char *note)
{
	size_t size = param_elem_size(kp->type);
	size_t len = strlen(val);
	unsigned int count = 0;
	union param_value v;
	char *item;
	int err;

	err = param_check_array(modname, kp, val, note);
	/* strsep() cut val at every comma: put them back for the second pass. */
	for (size_t i = 0; i < len; i++)
		if (!val[i])
			val[i] = ',';
	if (err)
		return err;
	while ((item = strsep(&val, ","))) {
		param_parse_value(kp, item, &v);
		err = param_store(kp, (char *)kp->arg + count * size, item, &v);
		if (err)
			return err;
		count++;
	}
	if (kp->num)
		*kp->num = count;
	return 0;
}

static int param_set(const char *modname, const struct kernel_param *kp, char *val,
		     const char *note)
{
	union param_value v;
	int err;

	if (!val) {
		if (kp->type == PARAM_BOOL && !kp->max)
			val = "1";
		else {
			pr_err("%s: parameter '%s' needs a value%s\n", modname, kp->name, note);
			return -EINVAL;
		}
	}
	if (kp->max)
		return param_set_array(modname, kp, val, note);
	err = param_check_value(modname, kp, val, note, &v);
	if (err)
		return err;
	return param_store(kp, kp->arg, val, &v);
}

/* Names match when equal, taking '-' and '_' as the same character (as Linux does). */
static bool param_name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen && a[i]; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return i == blen && !a[i];
}

static const struct kernel_param *param_find(const struct kernel_param *params, size_t num,
					     const char *name)
{
	for (size_t i = 0; i < num; i++)
		if (param_name_eq(params[i].name, name, strlen(name)))
			return &params[i];
	return NULL;
}

/* Cuts the next word (quotes removed, in place) off *cursor; NULL when none is left. */
static char *next_word(char **cursor)
{
	char *p = *cursor, *word, *out;
	bool quoted = false;

	while (isspace(*p))
		p++;
	if (!*p)
		return NULL;
	word = out = p;
	for (; *p && (quoted || !isspace(*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else
			*out++ = *p;
	}
	*cursor = *p ? p + 1 : p;
	*out = '\0';
	return word;
}

/*
 * Applies every word of args. With a note (boot options), a bad value is reported with it and
 * skipped; otherwise the first bad value stops and fails. -ENOMEM always fails.
 */
static int params_apply(const char *modname, char *args, const struct kernel_param *params,
			size_t num, const char *note)
{
	char *word;

	while ((word = next_word(&args))) {
		char *val = strchr(word, '=');
		const struct kernel_param *kp;
		int err;

		if (val)
			*val++ = '\0';
		kp = param_find(params, num, word);
		if (!kp) {
			pr_warn("%s: unknown parameter '%s' ignored\n", modname, word);
			continue;
		}
		err = param_set(modname, kp, val, note ? note : "");
		if (err && (!note || err == -ENOMEM))
			return err;
	}
	return 0;
}

static int params_parse_note(const char *modname, const char *args,
			     const struct kernel_param *params, size_t num, const char *note)
{
	char *copy;
	int err = params_check(modname, params, num);

	if (err || !args || !*args)
		return err;
	copy = kstrdup(args, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	err = params_apply(modname, copy, params, num, note);
	kfree(copy);
	if (err)
		params_free(params, num);
	return err;
}

int params_parse(const char *modname, const char *args, const struct kernel_param *params,
		 size_t num)
{
	return params_parse_note(modname, args, params, num, NULL);
}

int params_parse_boot(const char *modname, const char *args, const struct kernel_param *params,
		      size_t num)
{
	return params_parse_note(modname, args, params, num,
				 " (from the kernel command line); ignored");
}

void params_free(const struct kernel_param *params, size_t num)
{
	for (size_t i = 0; i < num; i++) {
		char **vars = params[i].arg;
		size_t count = params[i].max ? params[i].max : 1;

		if (params[i].type != PARAM_CHARP || !vars)
			continue;
		for (size_t k = 0; k < count; k++)
			param_string_release(vars[k]);
	}
}

struct cmdline_collect {
	const char *modname;
	char *buf;   /* NULL while measuring */
	size_t len;
};

/* "<modname>.<rest>" with '-'/'_' equivalence in the module name: returns rest, or NULL. */
static const char *strip_module_prefix(const char *key, const char *modname)
{
	const char *dot = strchr(key, '.');

	if (!dot || !param_name_eq(modname, key, dot - key) || !dot[1])
		return NULL;
	return dot + 1;
}

static void collect_append(struct cmdline_collect *c, const char *s, size_t n)
{
	if (c->buf)
		memcpy(c->buf + c->len, s, n);
	c->len += n;
}

static int collect_option(const char *key, const char *value, void *arg)
{
	struct cmdline_collect *c = arg;
	const char *name = strip_module_prefix(key, c->modname);
	bool quote = value && value[strcspn(value, " \t")];

	if (!name)
		return 0;
	if (c->len)
		collect_append(c, " ", 1);
	collect_append(c, name, strlen(name));
	if (!value)
		return 0;
	collect_append(c, quote ? "=\"" : "=", quote ? 2 : 1);
	collect_append(c, value, strlen(value));
	if (quote)
		collect_append(c, "\"", 1);
	return 0;
}

char *params_from_cmdline(const char *modname)
{
	struct cmdline_collect c = { modname, NULL, 0 };

	cmdline_for_each(collect_option, &c);
	c.buf = kmalloc(c.len + 1, GFP_KERNEL);
	if (!c.buf)
		return ERR_PTR(-ENOMEM);
	c.len = 0;
	cmdline_for_each(collect_option, &c);
	c.buf[c.len] = '\0';
	return c.buf;
}
