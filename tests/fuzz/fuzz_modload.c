/*
 * libFuzzer target for the module loader core: any byte string goes through validation,
 * layout, placement, symbol resolution, relocation and the symbol queries. Sanitizers
 * (ASan, UBSan) turn any out-of-bounds access, overflow or misalignment into a crash.
 * Built by tests/mk/fuzz.mk; seeds are the valid fixtures and the broken-module corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <keel/errno.h>
#include "module/load_core.h"

#define MAX_FUZZ_MODULE_SIZE (16UL << 20)

/* Resolves about half of all names, deterministically, to kernel-like addresses. */
static int fuzz_resolve(const char *name, u64 *addr, void *ctx)
{
	u64 hash = 1469598103934665603ULL;

	for (const char *p = name; *p; p++)
		hash = (hash ^ (u8)*p) * 1099511628211ULL;
	if (hash & 1)
		return -ENOENT;
	*addr = 0xffffffff80000000ULL + (hash >> 40);
	return 0;
}

static int visit_global(const char *name, const struct module_sym *sym, void *ctx)
{
	*(u64 *)ctx += strlen(name) + sym->addr;
	return 0;
}

static void query_module(const struct load_info *info)
{
	struct module_syms ms;
	const char *name;
	u64 off, size, sum = 0, addr;

	module_get_syms(info, &ms);
	module_for_each_global(&ms, visit_global, &sum);
	module_find_symbol(&ms, "init_module", &addr);
	for (u64 a = ms.base; a < ms.base + ms.size; a += 997)
		module_lookup_address(&ms, a, &name, &off, &size);
	for (u32 i = 0; i < info->shnum; i++) {
		module_section_data(info, i, &size);
		module_section_addr(info, i);
		module_section_mem(info, i);
	}
	module_find_section(info, ".modinfo");
}

static void check_message(const struct load_info *info, int err)
{
	if (err && (!info->err[0] || strnlen(info->err, LOAD_ERR_LEN) >= LOAD_ERR_LEN))
		abort(); /* every refusal must carry its one-line reason */
	for (const char *p = info->err; err && *p; p++)
		if ((u8)*p < 0x20 || (u8)*p >= 0x7f)
			abort(); /* names from the file must not reach the terminal raw */
}

/* The name checks on the input's first bytes: accepted names are shown unchanged. */
static void fuzz_name(const uint8_t *data, size_t size)
{
	char shown[64];
	size_t len = size < 80 ? size : 80;

	module_name_escape(shown, sizeof(shown), (const char *)data, len);
	if (strnlen(shown, sizeof(shown)) >= sizeof(shown))
		abort();
	if (module_name_valid((const char *)data, len) &&
	    (strlen(shown) != len || memcmp(shown, data, len)))
		abort();
}

static void fuzz_load(void *image, size_t size, u64 base)
{
	struct load_env env = { .resolve = fuzz_resolve };
	struct load_info info;
	void *mem;
	int err = module_validate_elf(&info, image, size, "fuzz.ko");

	if (!err)
		err = module_layout(&info);
	check_message(&info, err);
	if (err || info.layout.total_size > MAX_FUZZ_MODULE_SIZE)
		return;
	if (posix_memalign(&mem, 4096, info.layout.total_size))
		return;
	err = module_load_core(&info, &env, mem, base);
	check_message(&info, err);
	if (!err)
		query_module(&info);
	free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *image = malloc(size ? size : 1); /* 16-byte aligned, exactly `size` for ASan */

	if (!image)
		return 0;
	memcpy(image, data, size);
	fuzz_name(data, size);
	/* A kernel-like load address, and a low one where 32-bit PC-relative fixups overflow. */
	fuzz_load(image, size, (size & 1) ? 0x40000000ULL : 0xffffffffa0000000ULL);
	free(image);
	return 0;
}
