/* Asking for a module by name or alias from kernel code (Linux's <linux/kmod.h>). */
#ifndef KEEL_KMOD_H
#define KEEL_KMOD_H

/*
 * Loads the module the formatted name or alias resolves to ("fs-vfat"), with its
 * dependencies, through modprobe's modules.dep/modules.alias. 0 when loaded (or already
 * there), -ENOENT when nothing provides it (quietly: the caller decides what to say). Sleeps.
 */
int request_module(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
