/*
 * modprobe: loads a module by name or alias together with everything it depends on, using the
 * modules.dep and modules.alias files that tools/depmod.py wrote into each module folder: the
 * kernel's own /lib/modules, /lib/modules/<version> (Linux's layout: a `make modules_install`
 * root's lib/modules, e.g. a disk mounted on /lib/modules), then what INITRD_EXTRA brought
 * (/extra/lib/modules/<version>, or that folder itself as /extra). A failure part-way unloads
 * the dependencies this call loaded, so nothing is left half-done.
 */
#include <keel/compiler.h>
#include <keel/errno.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/fs.h>
#include <keel/mutex.h>
#include <keel/sched.h>
#include "init/version.h"
#include "module/module.h"

#define MODPROBE_MAX_DEPS 32
#define DEP_FILE MODULES_DIR "/modules.dep"

/* Searched in this order; paths in each modules.dep are relative to its folder. */
static const char *const module_dirs[] = {
	MODULES_DIR,
	(MODULES_DIR "/" KEEL_VERSION),
	("/extra/lib/modules/" KEEL_VERSION), /* parenthesised: one string, not a missing comma */
	"/extra",
};

/*
 * "hello.ko" or "kernel/x/hello.ko" -> "hello", with '-' read as '_'. False when the name is
 * too long for name[] (it is cut there, and names no module).
 */
static bool module_name_of(const char *ko, size_t len, char *name, size_t size)
{
	bool fits;

	const char *slash = memchr(ko, '/', len);

	while (slash) {
		len -= slash + 1 - ko;
		ko = slash + 1;
		slash = memchr(ko, '/', len);
	}
	if (len > 3 && memcmp(ko + len - 3, ".ko", 3) == 0)
		len -= 3;
	fits = len < size;
	len = min(len, size - 1);
	for (size_t i = 0; i < len; i++)
		name[i] = ko[i] == '-' ? '_' : ko[i];
	name[len] = '\0';
	return fits;
}

/* The dependency line for name: deps[] in load order (last listed first). -ENOENT if absent. */
struct dep_entry {
	char path[128];
	char deps[MODPROBE_MAX_DEPS][MODULE_NAME_LEN];
	unsigned int ndeps;
};

static bool dep_line_matches(const char *line, const char *name, size_t *colon)
{
	char this_name[MODULE_NAME_LEN];
	const char *c = strchr(line, ':');

	if (!c || !module_name_of(line, c - line, this_name, sizeof(this_name)))
		return false;
	*colon = c - line;
	return strcmp(this_name, name) == 0;
}

static int parse_dep_line(const char *dir, char *line, size_t colon, struct dep_entry *e)
{
	char *rest = line + colon + 1, *word, *words[MODPROBE_MAX_DEPS];
	unsigned int n = 0;

	line[colon] = '\0';
	if (snprintf(e->path, sizeof(e->path), "%s/%s", dir, line) >= (int)sizeof(e->path))
		return -ENAMETOOLONG;
	while ((word = strsep(&rest, " \t")) != NULL) {
		if (!*word)
			continue;
		if (n == MODPROBE_MAX_DEPS)
			return -E2BIG;
		words[n++] = word;
	}
	e->ndeps = n;
	/* modules.dep lists dependencies before what they need; load from the end. */
	for (unsigned int i = 0; i < n; i++)
		module_name_of(words[n - 1 - i], strlen(words[n - 1 - i]), e->deps[i],
			       sizeof(e->deps[i]));
	return 0;
}

static int find_dep_entry_in(const char *dir, const char *name, struct dep_entry *e)
{
	char *buf, *cursor, *line, file[96];
	size_t size, colon;
	int err;

	snprintf(file, sizeof(file), "%s/modules.dep", dir);
	err = kernel_read_file_from_path(file, (void **)&buf, &size, KERNEL_READ_FILE_MAX);
	if (err)
		return -ENOENT;
	err = -ENOENT;
	cursor = buf;
	while ((line = strsep(&cursor, "\n")) != NULL) {
		if (dep_line_matches(line, name, &colon)) {
			err = parse_dep_line(dir, line, colon, e);
			break;
		}
	}
	kfree(buf);
	return err;
}

/* The first module folder whose modules.dep lists name. -ENOENT if none does. */
static int find_dep_entry(const char *name, struct dep_entry *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(module_dirs); i++) {
		int err = find_dep_entry_in(module_dirs[i], name, e);

		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

/* Where the dependency `name` is: whichever folder lists it (the kernel's own by default). */
static void dep_module_path(const char *name, char *path, size_t size)
{
	static struct dep_entry e; /* large; modprobe never runs concurrently */

	if (find_dep_entry(name, &e) == 0)
		strlcpy(path, e.path, size);
	else
		snprintf(path, size, "%s/%s.ko", MODULES_DIR, name);
}

/* Calls fn for each module whose alias pattern matches alias. Returns the number of matches. */
static int for_each_alias_match_in(const char *dir, const char *alias,
				   int (*fn)(const char *name, void *arg), void *arg, int *first_err)
{
	char *buf, *cursor, *line, file[96];
	size_t size;
	int matches = 0;

	snprintf(file, sizeof(file), "%s/modules.alias", dir);
	if (kernel_read_file_from_path(file, (void **)&buf, &size, KERNEL_READ_FILE_MAX))
		return 0;
	cursor = buf;
	while ((line = strsep(&cursor, "\n")) != NULL) {
		char *words[3], *p = line;
		int n = 0, err;

		while (n < 3 && (words[n] = strsep(&p, " \t")) != NULL)
			if (*words[n])
				n++;
		if (n != 3 || strcmp(words[0], "alias") || !glob_match(words[1], alias))
			continue;
		matches++;
		err = fn(words[2], arg);
		if (err && !*first_err)
			*first_err = err;
	}
	kfree(buf);
	return matches;
}

static int for_each_alias_match(const char *alias, int (*fn)(const char *name, void *arg),
				void *arg, int *first_err)
{
	int matches = 0;

	for (size_t i = 0; i < ARRAY_SIZE(module_dirs); i++)
		matches += for_each_alias_match_in(module_dirs[i], alias, fn, arg, first_err);
	return matches;
}

static void unload_loaded(char loaded[][MODULE_NAME_LEN], unsigned int n)
{
	while (n--)
		delete_module(loaded[n]);
}

/*
 * Loads name and its dependencies. *listed tells whether modules.dep has it, so that an
 * -ENOENT from loading (a module's own init, say) is not mistaken for "not found".
 */
static int modprobe_by_name(const char *name, const char *args, bool *listed)
{
	static struct dep_entry e; /* large; modprobe never runs concurrently */
	char loaded[MODPROBE_MAX_DEPS][MODULE_NAME_LEN];
	unsigned int nloaded = 0;
	int err;

	*listed = true;
	if (find_module(name))
		return 0;
	err = find_dep_entry(name, &e);
	if (err == -ENOENT)
		*listed = false;
	if (err == -E2BIG)
		pr_err("modprobe: %s needs more than %d modules\n", name, MODPROBE_MAX_DEPS);
	else if (err == -ENAMETOOLONG)
		pr_err("modprobe: the path of %s in its modules.dep is too long\n", name);
	else if (err && err != -ENOENT)
		pr_err("modprobe: cannot read a modules.dep (%s)\n", errno_name(err));
	if (err)
		return err;
	for (unsigned int i = 0; i < e.ndeps; i++) {
		char path[160];

		if (find_module(e.deps[i]))
			continue;
		dep_module_path(e.deps[i], path, sizeof(path));
		err = load_module_file(path, NULL, NULL);
		if (err) {
			pr_err("modprobe: could not load %s, needed by %s\n", e.deps[i], name);
			goto out_unload;
		}
		strlcpy(loaded[nloaded++], e.deps[i], MODULE_NAME_LEN);
	}
	err = load_module_file(e.path, args, NULL);
	if (err)
		goto out_unload;
	return 0;
out_unload:
	unload_loaded(loaded, nloaded);
	return err;
}

struct alias_load {
	const char *args;
};

static int load_alias_target(const char *name, void *arg)
{
	struct alias_load *al = arg;
	bool listed;
	int err = modprobe_by_name(name, al->args, &listed);

	if (!listed)
		pr_err("modprobe: %s (from a modules.alias) is not in any modules.dep\n", name);
	return err;
}

/*
 * One modprobe at a time (its dep_entry buffers are static), but a module's init may ask for
 * another module (request_module) inside the modprobe that loads it: the task holding the lock
 * may take it again. Kernel threads (usbcore's hub thread) call request_module concurrently
 * with the shell.
 */
static DEFINE_MUTEX(modprobe_mutex);
static struct task_struct *modprobe_owner;
static unsigned int modprobe_depth;

static void modprobe_lock(void)
{
	if (modprobe_owner != current) {
		mutex_lock(&modprobe_mutex);
		modprobe_owner = current;
	}
	modprobe_depth++;
}

static void modprobe_unlock(void)
{
	if (--modprobe_depth == 0) {
		modprobe_owner = NULL;
		mutex_unlock(&modprobe_mutex);
	}
}

static int modprobe_locked(const char *name_or_alias, const char *args, bool quiet_if_missing)
{
	char name[MODULE_NAME_LEN];
	struct alias_load al = { args };
	int err, first_err = 0;
	bool listed = false;

	/* A name too long for a module can still be an alias (pci:v...). */
	if (module_name_of(name_or_alias, strlen(name_or_alias), name, sizeof(name))) {
		err = modprobe_by_name(name, args, &listed);
		if (listed)
			return err;
	}
	if (for_each_alias_match(name_or_alias, load_alias_target, &al, &first_err) > 0)
		return first_err;
	if (!quiet_if_missing)
		pr_err("modprobe: module %s not found in %s\n", name_or_alias, DEP_FILE);
	return -ENOENT;
}

int modprobe(const char *name_or_alias, const char *args, bool quiet_if_missing)
{
	int err;

	modprobe_lock();
	err = modprobe_locked(name_or_alias, args, quiet_if_missing);
	modprobe_unlock();
	return err;
}

static int modprobe_remove_locked(const char *name_in);

int modprobe_remove(const char *name_in)
{
	int err;

	modprobe_lock();
	err = modprobe_remove_locked(name_in);
	modprobe_unlock();
	return err;
}

/* Removes name, then each module it depended on that nothing else uses any more. */
static int modprobe_remove_locked(const char *name_in)
{
	static struct dep_entry e;
	char name[MODULE_NAME_LEN];
	int err;

	if (!module_name_of(name_in, strlen(name_in), name, sizeof(name))) {
		pr_err("modprobe: %.40s...: name too long for a module\n", name_in);
		return -ENAMETOOLONG;
	}
	if (find_dep_entry(name, &e))
		e.ndeps = 0;
	err = delete_module(name);
	if (err)
		return err;
	for (unsigned int i = e.ndeps; i-- > 0;) {
		struct module *dep = find_module(e.deps[i]);

		if (dep && !module_users(dep, NULL) && !dep->refcnt && dep->exit)
			delete_module(dep->name);
	}
	return 0;
}

/* /etc/modules: one module name (and optional parameters) per line; '#' starts a comment. */
void module_load_boot_list(void)
{
	char *buf, *cursor, *line;
	size_t size;

	if (kernel_read_file_from_path("/etc/modules", (void **)&buf, &size, KERNEL_READ_FILE_MAX))
		return;
	cursor = buf;
	while ((line = strsep(&cursor, "\n")) != NULL) {
		char *name, *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		line += strspn(line, " \t");
		if (!*line)
			continue;
		name = strsep(&line, " \t");
		if (modprobe(name, line, false) == 0)
			pr_info("modules: loaded %s (from /etc/modules)\n", name);
		module_autoload_flush();
	}
	kfree(buf);
}
