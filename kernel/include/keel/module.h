/*
 * Everything a loadable module needs: `#include <keel/module.h>` and write Linux-style code.
 *
 *   static int __init hello_init(void) { pr_info("hello\n"); return 0; }
 *   static void __exit hello_exit(void) { }
 *   module_init(hello_init);
 *   module_exit(hello_exit);
 *   MODULE_LICENSE("GPL");
 *
 * module_init/module_exit alias the functions as init_module/cleanup_module, the names the
 * loader looks up in the module's symbol table. MODULE_* macros add "key=value" strings to the
 * ".modinfo" section (see moduleparam.h). The build (modules/modules.mk, tools/modpost.py)
 * adds vermagic=, name=, depends= and the "__versions" section. See docs/modules.md.
 */
#ifndef KEEL_MODULE_H
#define KEEL_MODULE_H

#include <keel/bug.h>
#include <keel/compiler.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/moduleparam.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/types.h>

/* Section annotations Linux code uses; Keel keeps init code resident, so they are no-ops. */
#define __init
#define __exit
#define __initdata
#define __exitdata

typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);

/*
 * The running module. It is opaque to modules: the loader resolves the undefined symbol
 * __this_module to the struct module it created for the module being loaded. Built-in code
 * has THIS_MODULE == NULL, as in Linux.
 */
struct module;
#ifdef MODULE
extern struct module __this_module;
#define THIS_MODULE (&__this_module)
#else
#define THIS_MODULE ((struct module *)0)
#endif

/*
 * try_module_get(mod): pin a module while calling its code or using its data, as Linux's.
 * Returns true on success (NULL, built-in code, always succeeds), false once rmmod has begun
 * removing the module (its exit runs or will): do not call into it then. While a reference is
 * held rmmod refuses with -EBUSY. Any context, interrupt handlers included; never sleeps.
 * The kernel takes one around every call into module code that may sleep (shell commands,
 * probe/remove, tty and line-discipline hooks): see docs/modules.md, "Calls into modules".
 */
bool try_module_get(struct module *mod);
/* __module_get(mod): an extra reference on a module the caller knows is still there (it holds
 * a reference, or runs on behalf of the module's own exit). Never fails. Linux's __module_get. */
void __module_get(struct module *mod);
/* module_put(mod): drop a reference taken above. Any context. Linux's module_put. */
void module_put(struct module *mod);
/* module_name(mod): the module's name, or "kernel" for NULL. Linux's module_name. */
const char *module_name(const struct module *mod);

#ifdef MODULE
#define module_init(initfn)                                                                \
	static inline initcall_t __unused __inittest(void) { return initfn; }              \
	int init_module(void) __attribute__((alias(#initfn)))
#define module_exit(exitfn)                                                                \
	static inline exitcall_t __unused __exittest(void) { return exitfn; }              \
	void cleanup_module(void) __attribute__((alias(#exitfn)))
#elif defined(KEEL_HOST_TEST)
/* Host tests and fuzzers (tests/unit/blockfs_host.h) link one module's sources into a program
 * and call its init and exit through these names, as the loader would. */
#define module_init(initfn)                                                                \
	static inline initcall_t __unused __inittest(void) { return initfn; }              \
	int host_module_init(void) __attribute__((alias(#initfn)))
#define module_exit(exitfn)                                                                \
	static inline exitcall_t __unused __exittest(void) { return exitfn; }              \
	void host_module_exit(void) __attribute__((alias(#exitfn)))
#else
/* Built-in code: the init function becomes an initcall; built-in code is never unloaded. */
#define module_init(initfn)                                                                \
	static const initcall_t __PASTE(__initcall_, initfn) __used                        \
		__section(".initcall.6") = initfn
#define module_exit(exitfn)                                                                \
	static inline exitcall_t __unused __exittest(void) { return exitfn; }
#endif

#define MODULE_INFO(_tag, _info) __MODULE_INFO(_tag, _tag, _info)
#define MODULE_LICENSE(_license) MODULE_INFO(license, _license)
#define MODULE_AUTHOR(_author) MODULE_INFO(author, _author)
#define MODULE_DESCRIPTION(_desc) MODULE_INFO(description, _desc)
#define MODULE_VERSION(_version) MODULE_INFO(version, _version)
#define MODULE_ALIAS(_alias) MODULE_INFO(alias, _alias)
/* A filesystem module: `mount -t NAME` autoloads it through the alias fs-NAME, as in Linux. */
#define MODULE_ALIAS_FS(_name) MODULE_ALIAS("fs-" _name)
#define MODULE_FIRMWARE(_file) MODULE_INFO(firmware, _file)
#define MODULE_SOFTDEP(_dep) MODULE_INFO(softdep, _dep)

/*
 * MODULE_DEVICE_TABLE(pci, ids): as in Linux, an alias symbol __mod_<type>__<name>_device_table
 * marks the ID table; tools/modpost.py will turn its entries into alias= lines once bus ID
 * structures (struct pci_device_id, ...) exist.
 */
#ifdef MODULE
#define MODULE_DEVICE_TABLE(type, name)                                                    \
	extern __typeof__(name) __mod_##type##__##name##_device_table                      \
		__attribute__((unused, alias(__stringify(name))))
#else
#define MODULE_DEVICE_TABLE(type, name) _Static_assert(1, "")
#endif

/* One "__versions" entry, as in Linux: the CRC of a used symbol as the module saw it. */
#define MODULE_NAME_LEN (64 - sizeof(unsigned long))
struct modversion_info {
	unsigned long crc;
	char name[MODULE_NAME_LEN];
};

#endif
