/* request_module(): kernel code asking modprobe for a module by alias (fs-<type>...). */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/kmod.h>
#include <keel/sprintf.h>
#include "module/module.h"

#define REQUEST_NAME_MAX 64

int request_module(const char *fmt, ...)
{
	char name[REQUEST_NAME_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(name))
		return -ENAMETOOLONG;
	return modprobe(name, NULL, true);
}
EXPORT_SYMBOL_GPL(request_module);
