/*
 * The `#!` script format (Linux's fs/binfmt_script.c): a file starting with
 * `#!interpreter [argument]` runs as `interpreter [argument] script args...`. Only the
 * first BINPRM_BUF_SIZE (256) bytes are read for the line: spaces and tabs around the name
 * and the argument are trimmed, everything after the name is one argument (spaces
 * included), and a line with no end in those bytes is refused (ENOEXEC) when the name
 * itself might be cut. exec (kernel/fs/exec.c) then loads the interpreter in the script's
 * place, which may be a script itself, up to BINPRM_MAX_DEPTH levels (then ELOOP). Loaded
 * at boot from /etc/modules, after binfmt_elf.
 */
#include <keel/binfmts.h>
#include <keel/errno.h>
#include <keel/mm_types.h> /* binprm->mm: the same view of it as exec.c (symbol CRCs) */
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>

/* The parts of a `#!` line: name and optional argument, NUL-terminated in line. */
struct shebang {
	char line[BINPRM_BUF_SIZE];
	char *name, *arg;
};

static bool spacetab(char c) { return c == ' ' || c == '\t'; }

/* The first of [first, last] that is not a space or tab, or NULL. */
static char *next_non_spacetab(char *first, char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

/* The first of [first, last] that ends a name: a space, a tab or a NUL; or NULL. */
static char *next_terminator(char *first, char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

/* Finds the name and argument in s->line as Linux's load_script does. -ENOEXEC when the
 * line has no name, or when it has no end and the name may run past the bytes read. */
static int parse_shebang(struct shebang *s)
{
	char *buf = s->line, *buf_end = buf + BINPRM_BUF_SIZE - 1, *end, *sep;

	end = memchr(buf, '\n', BINPRM_BUF_SIZE);
	if (!end) {
		end = next_non_spacetab(buf + 2, buf_end);
		if (!end || !next_terminator(end, buf_end))
			return -ENOEXEC; /* all blanks, or the name is cut */
		end = buf_end;
	}
	while (spacetab(end[-1]))
		end--;
	s->name = next_non_spacetab(buf + 2, end);
	if (!s->name || s->name == end)
		return -ENOEXEC;
	s->arg = NULL;
	sep = next_terminator(s->name, end);
	if (sep && *sep)
		s->arg = next_non_spacetab(sep, end);
	*end = '\0';
	if (sep)
		*sep = '\0';
	return 0;
}

/* Copies str to *p and moves *p past its NUL; returns the copy. */
static char *put_string(char **p, const char *str)
{
	size_t len = strlen(str) + 1;
	char *copy = memcpy(*p, str, len);

	*p += len;
	return copy;
}

/* The new argv: name, [arg,] the previous interp, then the old argv less its first. One
 * allocation holding the array and copies of the three strings. NULL without memory. */
static char **build_argv(struct linux_binprm *bprm, const struct shebang *s)
{
	size_t n_old = bprm->argc > 0 ? (size_t)bprm->argc - 1 : 0, n = n_old + 3 + !!s->arg;
	size_t strs = strlen(s->name) + 1 + (s->arg ? strlen(s->arg) + 1 : 0) +
		      strlen(bprm->interp) + 1;
	char **argv = kmalloc(n * sizeof(char *) + strs, GFP_KERNEL);
	char *p;
	size_t i = 0;

	if (!argv)
		return NULL;
	p = (char *)(argv + n);
	argv[i++] = put_string(&p, s->name);
	if (s->arg)
		argv[i++] = put_string(&p, s->arg);
	argv[i++] = put_string(&p, bprm->interp);
	for (size_t k = 0; k < n_old; k++)
		argv[i++] = bprm->argv[k + 1];
	argv[i] = NULL;
	return argv;
}

static int load_script(struct linux_binprm *bprm)
{
	struct shebang s;
	char **argv;

	if (bprm->size < 2 || bprm->buf[0] != '#' || bprm->buf[1] != '!')
		return -ENOEXEC;
	memset(s.line, 0, sizeof(s.line));
	memcpy(s.line, bprm->buf, bprm->size < sizeof(s.line) ? bprm->size : sizeof(s.line));
	if (parse_shebang(&s))
		return -ENOEXEC;
	argv = build_argv(bprm, &s);
	if (!argv)
		return -ENOMEM;
	kfree(bprm->argv_owned[bprm->depth]);
	bprm->argv_owned[bprm->depth] = argv;
	bprm->argv = argv;
	bprm->interp = argv[0];
	bprm->interpreter = argv[0];
	return 0;
}

static struct linux_binfmt script_format = {
	.name = "script",
	.load_binary = load_script,
	.module = THIS_MODULE,
};

static int __init binfmt_script_init(void)
{
	register_binfmt(&script_format);
	return 0;
}

static void __exit binfmt_script_exit(void)
{
	unregister_binfmt(&script_format);
}

module_init(binfmt_script_init);
module_exit(binfmt_script_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("#! scripts: run by the interpreter their first line names");
