/*
 * modules.alias matching for driver autoloading (kernel/dev/modalias.c), for the module loader:
 *
 *   device_set_uevent_hook(hook);  hook(dev, "pci:v00008086d0000100Esv...") does
 *   modalias_for_each_module(alias_text, len, modalias, load_one, NULL);
 */
#ifndef KEEL_DEV_MODALIAS_H
#define KEEL_DEV_MODALIAS_H

#include <keel/errno.h>
#include <keel/types.h>

#define MODALIAS_WORD_MAX 256 /* longest pattern or module name on a modules.alias line */

/* 1 when alias matches the fnmatch-style pattern ('*', '?', '[set]'), else 0. */
int modalias_match(const char *pattern, const char *alias);

/*
 * For each "alias <pattern> <module>" line of modules.alias text [text, text+len) whose
 * pattern matches modalias, in file order, calls fn(module, data); stops at, and returns, the
 * first non-zero result. Comments, blank and malformed lines are skipped. 0 when fn never
 * stopped the walk.
 */
int modalias_for_each_module(const char *text, size_t len, const char *modalias,
			     int (*fn)(const char *module, void *data), void *data);

/* The first matching module's name into module[size]: 0, or -ENOENT when none matches. */
int modalias_lookup(const char *text, size_t len, const char *modalias, char *module,
		    size_t size);

#endif
