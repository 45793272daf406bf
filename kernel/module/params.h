/*
 * Module parameters, kernel side: validating a module's "__param" entries and applying
 * "name=value" arguments (from insmod and from "<module>.<name>=<value>" on the kernel
 * command line) to them before the module's init runs.
 *
 * Argument syntax: whitespace-separated "name=value" words; double quotes group a value with
 * spaces (s="hello world") and are removed. '-' and '_' are the same in names. bool takes
 * y/n/1/0/on/off or no value at all (= true); int/uint/long/ulong take decimal, 0x hex or 0
 * octal and are range-checked for the variable's type and, when the entry has one
 * (module_param_range), for its min_value..max_value; charp takes any text (kstrdup'ed);
 * arrays take comma-separated values ("arr=1,2,3"), at most the array's size.
 */
#ifndef KEEL_MODULE_PARAMS_H
#define KEEL_MODULE_PARAMS_H

#include <keel/moduleparam.h>
#include <keel/types.h>

/* Bytes of one element of a parameter of this type (enum param_type); 0 for an unknown type.
 * Shared by the applying code and the loader's checks of __param entries (handoff.c). */
static inline size_t param_elem_size(u16 type)
{
	switch (type) {
	case PARAM_BOOL: return sizeof(bool);
	case PARAM_INT: return sizeof(int);
	case PARAM_UINT: return sizeof(unsigned int);
	case PARAM_LONG: return sizeof(long);
	case PARAM_ULONG: return sizeof(unsigned long);
	case PARAM_CHARP: return sizeof(char *);
	}
	return 0;
}

/* 0 when every entry is well-formed (name, known type, variable), else -ENOEXEC with a message. */
int params_check(const char *modname, const struct kernel_param *params, size_t num);

/*
 * Applies args (may be NULL or empty) to the num parameters. Unknown names print
 * "<mod>: unknown parameter '<name>' ignored" and are skipped. A bad value prints
 * "<mod>: invalid value '<value>' for parameter '<name>'" (or "... is out of range (lo to
 * hi)") and fails (-EINVAL or -ERANGE), changing nothing for that parameter;
 * so do a missing value, too many array values and malformed entries (params_check).
 * On failure every string this call allocated is already freed; on success call
 * params_free() once the module is gone (after its exit function ran, or after a failed init).
 */
int params_parse(const char *modname, const char *args, const struct kernel_param *params,
		 size_t num);

/*
 * As params_parse() for the "<mod>.<name>=<value>" options of the kernel command line: a bad
 * value there is reported ("... (from the kernel command line); ignored") and skipped, so it
 * neither blocks the load nor hides valid values given to insmod. Fails only with -ENOMEM or
 * -ENOEXEC (malformed entries).
 */
int params_parse_boot(const char *modname, const char *args, const struct kernel_param *params,
		      size_t num);

/* Frees the charp values params_parse() allocated for these parameters. */
void params_free(const struct kernel_param *params, size_t num);

/*
 * Collects the "<modname>.<param>[=<value>]" options of the kernel command line into one
 * argument string for params_parse() ("param=value ...", values with spaces re-quoted).
 * Returns a kmalloc'ed string (possibly empty; kfree it) or ERR_PTR(-ENOMEM).
 */
char *params_from_cmdline(const char *modname);

#endif
