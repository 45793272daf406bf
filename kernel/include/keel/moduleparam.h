/*
 * Module parameters: module_param()/module_param_array() describe a variable that `insmod m.ko
 * name=value` (or `m.name=value` on the kernel command line) may set before the module's init
 * runs. Each one becomes a struct kernel_param in the module's "__param" section plus a
 * "parmtype=name:type" .modinfo entry; MODULE_PARM_DESC adds "parm=name:description".
 *
 * Supported types: bool, int, uint, long, ulong, charp (char *; the kernel kstrdup()s the value
 * and frees it when the module goes away). The variable's C type is checked at compile time.
 * Numbers are always checked against their type's range; module_param_range() narrows that to
 * the values the module can use, so `rd_nr=4294967295` is refused rather than wrapping.
 */
#ifndef KEEL_MODULEPARAM_H
#define KEEL_MODULEPARAM_H

#include <keel/compiler.h>
#include <keel/types.h>

/* Stored in kernel_param.type; shared with kernel/module/params.c. */
enum param_type {
	PARAM_BOOL = 1,
	PARAM_INT,
	PARAM_UINT,
	PARAM_LONG,
	PARAM_ULONG,
	PARAM_CHARP,
};

/* Layout of one "__param" entry (48 bytes, 8-byte aligned, pointers relocated by the loader). */
struct kernel_param {
	const char *name;
	void *arg;          /* the variable; for arrays its first element */
	unsigned int *num;  /* arrays: receives how many values were given (may be NULL) */
	u16 type;           /* enum param_type */
	u16 perm;           /* sysfs-style permission bits, kept for later use */
	u32 max;            /* arrays: number of elements; 0 for a single value */
	/*
	 * Numbers: the inclusive range of accepted values (every element of an array), compared
	 * as unsigned for uint/ulong; both 0 means the type's own range only.
	 */
	long min_value, max_value;
};

/* Permission bits, as in Linux; a world-writable parameter does not compile. */
#define S_IRUSR 00400
#define S_IWUSR 00200
#define S_IRGRP 00040
#define S_IROTH 00004
#define S_IRUGO (S_IRUSR | S_IRGRP | S_IROTH)

/*
 * Per type: C type, enum value and name for modinfo. `bool` is a macro for `_Bool`
 * (<stdbool.h>), so nested macros see `_Bool` as the type argument: both spellings are listed.
 */
#define __param_ctype_bool bool
#define __param_ctype__Bool bool
#define __param_ctype_int int
#define __param_ctype_uint unsigned int
#define __param_ctype_long long
#define __param_ctype_ulong unsigned long
#define __param_ctype_charp char *

#define __param_id_bool PARAM_BOOL
#define __param_id__Bool PARAM_BOOL
#define __param_id_int PARAM_INT
#define __param_id_uint PARAM_UINT
#define __param_id_long PARAM_LONG
#define __param_id_ulong PARAM_ULONG
#define __param_id_charp PARAM_CHARP

#define __param_name_bool "bool"
#define __param_name__Bool "bool"
#define __param_name_int "int"
#define __param_name_uint "uint"
#define __param_name_long "long"
#define __param_name_ulong "ulong"
#define __param_name_charp "charp"

#define __param_check(var, type, perm)                                                     \
	_Static_assert(__builtin_types_compatible_p(__typeof__(var), __param_ctype_##type),\
		       "module_param: '" #var "' is not of type " __param_name_##type);                  \
	_Static_assert(((perm) & 0002) == 0, "module_param: '" #var "' is world-writable")

/*
 * One "tag=info" string in the ".modinfo" section, Linux's format: entries are packed
 * NUL-terminated strings (alignment 1), which Debian's modinfo reads directly. The parser in
 * kernel/module/modinfo.c treats a chunk that does not start with "identifier=" as part of the
 * previous entry, so an info string with an embedded NUL is read whole.
 */
#ifdef MODULE
#define __MODULE_INFO(tag, name, info)                                                     \
	static const char __UNIQUE_ID(name)[] __used __section(".modinfo") __aligned(1) =  \
		#tag "=" info
#else
#define __MODULE_INFO(tag, name, info) _Static_assert(1, "")
#endif

#define __MODULE_PARM_TYPE(name, typestr) __MODULE_INFO(parmtype, name##_type, #name ":" typestr)

#ifdef MODULE
#define __MODULE_PARAM_ENTRY(name, argp, nump, type, perm, maxcount, lo, hi)              \
	static const struct kernel_param __param_##name __used __section("__param")        \
		__aligned(8) = { #name, argp, nump, __param_id_##type, perm, maxcount, lo, hi }
#else
/* Built-in code has no module parameters (it reads the command line with cmdline_get()). */
#define __MODULE_PARAM_ENTRY(name, argp, nump, type, perm, maxcount, lo, hi)              \
	_Static_assert(1, "")
#endif

/* module_param_named(name, var, type, perm): parameter `name` sets variable `var`. */
#define module_param_named(name, var, type, perm)                                          \
	__param_check(var, type, perm);                                                    \
	__MODULE_PARM_TYPE(name, __param_name_##type);                                                   \
	__MODULE_PARAM_ENTRY(name, &(var), (unsigned int *)0, type, perm, 0, 0, 0)

#define module_param(name, type, perm) module_param_named(name, name, type, perm)

/*
 * module_param_named_range(name, var, type, lo, hi, perm): as module_param_named, for int,
 * uint, long or ulong, accepting only lo..hi (inclusive; both at most LONG_MAX for the
 * unsigned types). Out-of-range values refuse the load with "<mod>: value 'v' for parameter
 * 'name' is out of range (lo to hi)". Keel's own; Linux modules check in init or use
 * module_param_cb(). module_param_range(name, type, lo, hi, perm) names the variable `name`.
 */
#define module_param_named_range(name, var, type, lo, hi, perm)                            \
	__param_check(var, type, perm);                                                    \
	_Static_assert((lo) <= (hi), "module_param_range: '" #name "' has lo > hi");       \
	__MODULE_PARM_TYPE(name, __param_name_##type);                                     \
	__MODULE_PARAM_ENTRY(name, &(var), (unsigned int *)0, type, perm, 0, lo, hi)

#define module_param_range(name, type, lo, hi, perm)                                       \
	module_param_named_range(name, name, type, lo, hi, perm)

/* module_param_array_range(name, type, nump, lo, hi, perm): every element within lo..hi. */
#define module_param_array_range(name, type, nump, lo, hi, perm)                           \
	__param_check((name)[0], type, perm);                                              \
	_Static_assert((lo) <= (hi), "module_param_range: '" #name "' has lo > hi");       \
	__MODULE_PARM_TYPE(name, "array of " __param_name_##type);                         \
	__MODULE_PARAM_ENTRY(name, &(name)[0], nump, type, perm, ARRAY_SIZE(name), lo, hi)

/*
 * module_param_array(name, type, nump, perm): `name=v1,v2,...` fills the array `name` (at most
 * ARRAY_SIZE(name) values) and stores the count in *nump when nump is not NULL.
 */
#define module_param_array(name, type, nump, perm)                                         \
	__param_check((name)[0], type, perm);                                              \
	__MODULE_PARM_TYPE(name, "array of " __param_name_##type);                                       \
	__MODULE_PARAM_ENTRY(name, &(name)[0], nump, type, perm, ARRAY_SIZE(name), 0, 0)

#define MODULE_PARM_DESC(name, desc) __MODULE_INFO(parm, name##_parm, #name ":" desc)

#endif
