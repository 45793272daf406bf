/*
 * The module subsystem's own view of a loaded module, and the calls that the shell commands,
 * modprobe and the boot code use. Modules themselves only ever see `struct module *` opaquely.
 */
#ifndef KEEL_MODULE_MODULE_H
#define KEEL_MODULE_MODULE_H

#include <keel/module.h>
#include <keel/mutex.h>
#include "module/load_core.h"
#include "module/modinfo.h"

enum module_state {
	MODULE_STATE_LOADING, /* linked, init running */
	MODULE_STATE_LIVE,
	MODULE_STATE_GOING,   /* exit running, or init failed and it is being torn down */
};

#define TAINT_PROPRIETARY_MODULE 0 /* 'P': a module without a GPL-compatible licence */
#define TAINT_OOT_MODULE 12        /* 'O': a module built outside the tree (make M=) */

/* Where each loaded ELF section went (Linux's /sys/module/<name>/sections/): for `lsmod -v` and
 * for gdb, whose keel-symbols (tools/gdb/keel.py) reads this table to add-symbol-file the .ko.
 * Kept inline and fixed-size so a debugger can read it with no allocation to follow. */
#define MODULE_SECT_NAME_LEN 24
#define MODULE_MAX_SECTIONS 32

struct module_section {
	char name[MODULE_SECT_NAME_LEN];
	unsigned long addr;
};

struct module {
	char name[MODULE_NAME_LEN];
	enum module_state state;
	struct module *next;

	void *mem;                     /* the whole allocation in the module area */
	struct load_layout layout;
	struct module_syms syms;       /* for exports, init/exit lookup and oops symbolization */
	int (*init)(void);
	void (*exit)(void);

	const char *modinfo_sec;       /* its .modinfo, kept in module memory */
	size_t modinfo_size;
	struct modinfo info;
	bool gpl_compatible;
	unsigned long taints;          /* TAINT_* bits this module caused */

	char *args;                    /* the parameters insmod gave, for make push's reload */
	const struct kernel_param *params;
	size_t num_params;
	bool params_set;

	struct module **uses;          /* modules whose symbols this one links against */
	unsigned int num_uses;
	int refcnt;                    /* try_module_get() holders (refcnt.c's lock) */
	int shell_calls;               /* of which: its shell commands running now */
	bool exports_added;
	unsigned int nr_ksyms;
	unsigned int stuck_threads;    /* threads that would not stop at unload: memory kept */

	struct module_section sections[MODULE_MAX_SECTIONS];
	unsigned int num_sections;
};

/* Held while the module list or the exports change (loads, unloads); readers that walk the
 * list and sleep meanwhile (lsmod printing) hold it too. Never held across init or exit. */
extern struct mutex module_mutex;

/* The list of modules, oldest last; the caller must not keep pointers across loads/unloads. */
struct module *module_list_first(void);
struct module *find_module(const char *name);
unsigned int module_users(const struct module *mod, struct module **first_user);
bool module_uses(const struct module *user, const struct module *target);
const char *module_state_name(enum module_state state);

/* References (refcnt.c). The module whose memory holds addr, or NULL for built-in code. */
struct module *__module_address(unsigned long addr);
/* The shell around a command of mod: a reference, counted as a running command so that rmmod
 * can say so. begin is false when mod is going away (the command must not run). */
bool module_shell_call_begin(struct module *mod);
void module_shell_call_end(struct module *mod);
/* rmmod's early check: -EBUSY with one line saying why when references are held. */
int module_check_unpinned(struct module *mod);
/* rmmod: GOING at once when no reference is held, else -EBUSY with one line saying why. */
int module_try_stop(struct module *mod);
/* Failed init: GOING, then wait (bounded) for calls that started meanwhile; 0 or -EBUSY. */
void module_set_going(struct module *mod);
int module_wait_unpinned(struct module *mod);

/* Loads an ELF image (already in memory); args are "name=value ..." parameters. */
int load_module(const void *image, size_t size, const char *filename, const char *args,
		struct module **out);
/* Reads path from the VFS and loads it. */
int load_module_file(const char *path, const char *args, struct module **out);
/* Runs exit and frees everything; -EBUSY if in use, -EPERM if permanent. */
int delete_module(const char *name);

/* Fills mod->sections from the placed image (load.c, after linking). */
void module_record_sections(struct module *mod, const struct load_info *info);
/* Called with every module after it is linked and before its init runs; empty, for debuggers
 * to break on (gdb's keel-symbols loads the module's symbols there). */
void do_init_module_hook(struct module *mod);

/* Taint. */
void add_taint(unsigned int flag);
unsigned long kernel_taints(void);
/* "P" letters for the taint bits (empty string when untainted). */
void taint_string(unsigned long taints, char *buf, size_t size);

/* modprobe: modules.dep/modules.alias lookups in /lib/modules. */
int modprobe(const char *name_or_alias, const char *args, bool quiet_if_missing);
int modprobe_remove(const char *name);
void module_load_boot_list(void); /* /etc/modules */
void module_autoload_init(void);
void module_autoload_flush(void); /* load drivers for devices that appeared meanwhile */

void module_subsystem_init(void);
void module_register_commands(void);
void module_register_symbench(void);
/* Starts modpushd, which replaces modules pushed over a serial line (make push; push.c). */
void module_push_init(void);
void module_install_oops_hooks(void);

#define MODULES_DIR "/lib/modules"

#endif
