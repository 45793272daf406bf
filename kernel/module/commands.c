/* The module shell commands: insmod, rmmod, lsmod, modinfo and modprobe [-r]. */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/shell.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/syscall.h>
#include <keel/fs.h>
#include "module/module.h"

#define ARGS_MAX 2048 /* a 1023-character line whose every word gains two quotes fits */
#define SHELL_FAILED 1 /* failed, and already said why (see <keel/shell.h>) */

/*
 * Joins argv[from..] with spaces: the module parameters ("" when there are none). NULL, after
 * one error line, when they do not fit: cutting them would load with other values.
 */
static char *join_argv(int argc, char **argv, int from, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = from; i < argc; i++) {
		bool quote = strchr(argv[i], ' ') != NULL;
		int len = snprintf(buf + n, size - n, "%s%s%s%s", n ? " " : "",
				   quote ? "\"" : "", argv[i], quote ? "\"" : "");

		if (len < 0 || (size_t)len >= size - n) {
			console_printf("%s: parameters too long (max %zu characters)\n", argv[0],
				       size - 1);
			return NULL;
		}
		n += len;
	}
	return buf;
}

static int cmd_insmod(int argc, char **argv)
{
	static char args[ARGS_MAX]; /* the shell runs one command at a time */
	struct module *mod;
	int err;

	if (argc < 2)
		return -EINVAL;
	if (!join_argv(argc, argv, 2, args, sizeof(args)))
		return SHELL_FAILED;
	err = load_module_file(argv[1], args, &mod);
	module_autoload_flush();
	return err ? 1 : 0; /* the loader already said what went wrong */
}

/* Module names use '_' where their files have '-' (usb-storage.ko is usb_storage); rmmod
 * takes either spelling, as kmod's does (modname_normalize). */
static int cmd_rmmod(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2)
		return -EINVAL;
	for (int i = 1; i < argc; i++) {
		for (char *p = argv[i]; *p; p++)
			if (*p == '-')
				*p = '_';
		if (delete_module(argv[i]))
			failed = 1;
	}
	return failed;
}

static int cmd_modprobe(int argc, char **argv)
{
	static char args[ARGS_MAX]; /* the shell runs one command at a time */
	bool remove = argc > 1 && strcmp(argv[1], "-r") == 0;
	int err;

	if (argc < 2 + remove)
		return -EINVAL;
	if (remove) {
		int failed = 0;

		for (int i = 2; i < argc; i++)
			if (modprobe_remove(argv[i]))
				failed = 1;
		return failed;
	}
	if (!join_argv(argc, argv, 2, args, sizeof(args)))
		return SHELL_FAILED;
	err = modprobe(argv[1], args, false);
	module_autoload_flush();
	return err ? 1 : 0;
}

static void lsmod_used_by(const struct module *mod, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (struct module *m = module_list_first(); m; m = m->next)
		if (module_uses(m, mod))
			n += scnprintf(buf + n, size - n, "%s%s", n ? "," : "", m->name);
	for (int nr = module_syscall_next(mod, 0); nr >= 0;
	     nr = module_syscall_next(mod, (unsigned int)nr + 1))
		n += scnprintf(buf + n, size - n, "%s[syscall:%d]", n ? " " : "", nr);
	if (mod->init && !mod->exit)
		n += scnprintf(buf + n, size - n, "%s[permanent]", n ? " " : "");
	if (mod->state != MODULE_STATE_LIVE)
		scnprintf(buf + n, size - n, "%s[%s]", n ? " " : "", module_state_name(mod->state));
}

/* lsmod -v: where each section of the module is (what gdb's add-symbol-file needs). */
static void lsmod_print_sections(const struct module *mod)
{
	for (unsigned int i = 0; i < mod->num_sections; i++)
		console_printf("    %-22s 0x%lx\n", mod->sections[i].name, mod->sections[i].addr);
}

static int cmd_lsmod(int argc, char **argv)
{
	char used_by[256], taints[16];
	bool verbose = argc == 2 && strcmp(argv[1], "-v") == 0;

	if (argc > 2 || (argc == 2 && !verbose)) {
		console_printf("lsmod: usage: lsmod [-v]\n");
		return 1;
	}
	console_printf("%-19s %8s  %s\n", "Module", "Size", "Used by");
	mutex_lock(&module_mutex);
	for (struct module *m = module_list_first(); m; m = m->next) {
		lsmod_used_by(m, used_by, sizeof(used_by));
		console_printf("%-19s %8lu  %u %s\n", m->name, (unsigned long)m->layout.total_size,
			       module_users(m, NULL) + m->refcnt, used_by);
		if (verbose)
			lsmod_print_sections(m);
	}
	mutex_unlock(&module_mutex);
	taint_string(kernel_taints(), taints, sizeof(taints));
	if (*taints)
		console_printf("Kernel tainted: %s%s\n", taints,
			       strchr(taints, 'P') ? " (proprietary module loaded)" : "");
	return 0;
}

#define MODINFO_INDENT  16 /* "description:   " */
#define MODINFO_COLUMNS 80

/* Copies a value into buf (at most size - 1 bytes), embedded NULs (continuations) as "\0". */
static size_t copy_value(char *buf, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 2 < size; i++) {
		if (s[i] == '\0') {
			buf[n++] = '\\';
			buf[n++] = '0';
		} else {
			buf[n++] = s[i];
		}
	}
	buf[n] = '\0';
	return n;
}

/* Prints text from column 16 on, breaking between words so lines end by column 80. */
static void print_wrapped(const char *text)
{
	int col = MODINFO_INDENT;

	while (*text) {
		int gap = (int)strspn(text, " ");
		int len = (int)strcspn(text + gap, " ");

		if (col > MODINFO_INDENT && col + gap + len > MODINFO_COLUMNS) {
			console_printf("\n%*s", MODINFO_INDENT, "");
			col = MODINFO_INDENT;
			gap = 0;
			text += strspn(text, " ");
		}
		console_printf("%*s%.*s", gap, "", len, text + gap);
		col += gap + len;
		text += gap + len;
	}
	console_puts("\n");
}

/* "key:" padded to column 16, then the value (with suffix), wrapped within 80 columns. */
static void print_field(const char *key, size_t key_len, const char *value, size_t len,
			const char *suffix, size_t suffix_len)
{
	char text[512];
	size_t n;

	console_printf("%.*s:%*s", (int)key_len, key,
		       (int)(MODINFO_INDENT - 1 - min_t(size_t, key_len, MODINFO_INDENT - 2)), "");
	n = copy_value(text, sizeof(text), value, len);
	if (suffix)
		snprintf(text + n, sizeof(text) - n, " (%.*s)", (int)suffix_len, suffix);
	print_wrapped(text);
}

struct parm_lookup {
	const char *name;
	size_t name_len;
	const char *type;
	size_t type_len;
};

static int find_parmtype(const char *value, size_t len, void *arg)
{
	struct parm_lookup *pl = arg;

	if (len > pl->name_len && memcmp(value, pl->name, pl->name_len) == 0 &&
	    value[pl->name_len] == ':') {
		pl->type = value + pl->name_len + 1;
		pl->type_len = len - pl->name_len - 1;
		return 1;
	}
	return 0;
}

static void print_parm(const struct modinfo *info, const char *value, size_t len)
{
	const char *colon = memchr(value, ':', len);
	struct parm_lookup pl = { value, colon ? (size_t)(colon - value) : len, NULL, 0 };

	modinfo_for_each(info, "parmtype", find_parmtype, &pl);
	print_field("parm", 4, value, len, pl.type, pl.type_len);
}

static void print_modinfo(const char *filename, const char *sec, size_t size)
{
	struct modinfo info;
	struct modinfo_entry e;
	size_t pos = 0;

	modinfo_parse(sec, size, &info);
	if (filename)
		console_printf("%-15s %s\n", "filename:", filename);
	while (modinfo_next(sec, size, &pos, &e)) {
		if (e.key_len == 8 && memcmp(e.key, "parmtype", 8) == 0)
			continue;
		if (e.key_len == 4 && memcmp(e.key, "parm", 4) == 0) {
			print_parm(&info, e.value, e.value_len);
			continue;
		}
		print_field(e.key, e.key_len, e.value, e.value_len, NULL, 0);
	}
}

static void print_modinfo_section(const char *path, const struct load_info *info, int idx)
{
	u64 size = 0;
	const char *sec = module_section_data(info, idx, &size); /* sets size */

	print_modinfo(path, sec, size);
}

/*
 * Prints the .modinfo of the module file at path. 0, or SHELL_FAILED after one error line;
 * -ENOENT alone is left to the caller (which knows whether a name or a path was asked for).
 */
static int modinfo_file(const char *path)
{
	struct load_info info;
	void *image;
	size_t size;
	int err, idx;

	err = kernel_read_file_from_path(path, &image, &size, KERNEL_READ_FILE_MAX);
	if (err == -ENOENT)
		return err;
	if (err) {
		console_printf("modinfo: %s: cannot read the file (%s)\n", path, errno_name(err));
		return SHELL_FAILED;
	}
	err = module_validate_elf(&info, image, size, path);
	idx = err ? -1 : module_find_section(&info, ".modinfo");
	if (err)
		console_printf("modinfo: %s: %s\n", path, info.err);
	else if (idx < 0)
		console_printf("modinfo: %s: no .modinfo section (not a Keel module?)\n", path);
	else
		print_modinfo_section(path, &info, idx);
	kfree(image);
	return err || idx < 0 ? SHELL_FAILED : 0;
}

static int cmd_modinfo(int argc, char **argv)
{
	struct module *mod;
	char path[160];
	int err;

	if (argc != 2)
		return -EINVAL;
	if (strchr(argv[1], '/'))
		return modinfo_file(argv[1]); /* -ENOENT: the shell says "No such file" */
	mutex_lock(&module_mutex);
	mod = find_module(argv[1]);
	if (mod)
		print_modinfo(NULL, mod->modinfo_sec, mod->modinfo_size);
	mutex_unlock(&module_mutex);
	if (mod)
		return 0;
	if (snprintf(path, sizeof(path), "%s/%s.ko", MODULES_DIR, argv[1]) >= (int)sizeof(path)) {
		console_printf("modinfo: %.40s...: name too long (not loaded; no module file has "
			       "a name that long)\n", argv[1]);
		return SHELL_FAILED;
	}
	err = modinfo_file(path);
	if (err == -ENOENT) {
		console_printf("modinfo: %s: module not found (not loaded, no %s)\n", argv[1], path);
		return SHELL_FAILED;
	}
	return err;
}

static const struct shell_command module_commands[] = {
	{ .name = "insmod", .usage = "insmod <file.ko> [param=value...]",
	  .help = "load a module from a file", .run = cmd_insmod },
	{ .name = "rmmod", .usage = "rmmod <module>...", .help = "unload modules", .run = cmd_rmmod },
	{ .name = "lsmod", .usage = "lsmod [-v]",
	  .help = "list loaded modules (-v: with section addresses)", .run = cmd_lsmod },
	{ .name = "modinfo", .usage = "modinfo <module|path.ko>",
	  .help = "show a module's information", .run = cmd_modinfo },
	{ .name = "modprobe", .usage = "modprobe [-r] <module|alias> [param=value...]",
	  .help = "load (or -r: unload) a module with its dependencies", .run = cmd_modprobe },
};

void module_register_commands(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(module_commands); i++)
		shell_register_command(&module_commands[i]);
}
