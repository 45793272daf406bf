/* Shared helpers for the module loader core's host tests: fixtures, a fake kernel symbol
 * table, loading at a kernel-like address, and reading module memory by load address. */
#ifndef MODLOAD_TEST_H
#define MODLOAD_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include "module/load_core.h"

/* Where the fixture .ko files are built (overridable for out-of-tree runs). */
#define FIXTURE_DIR_DEFAULT "build/modfixtures"
#define BADKO_DIR_DEFAULT "build/badko"
#define TEST_BASE 0xffffffffa0000000ULL

static int tests_passed, tests_failed;

#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		if (cond) {                                                                \
			tests_passed++;                                                    \
		} else {                                                                   \
			tests_failed++;                                                    \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);             \
			printf(__VA_ARGS__);                                               \
			printf("\n");                                                      \
		}                                                                          \
	} while (0)

struct fake_sym {
	const char *name;
	u64 addr;
};

/* The "kernel" every fixture links against; maybe_missing is deliberately absent. */
static const struct fake_sym fake_kernel[] = {
	{ "printk", 0xffffffff80001000ULL },      { "kernel_func", 0xffffffff80001400ULL },
	{ "ext_func", 0xffffffff80001800ULL },    { "jiffies", 0xffffffff80200000ULL },
	{ "weak_present", 0xffffffff80200040ULL }, { "ext_data", 0xffffffff80200080ULL },
	{ "small_abs", 0x1234 },
};

static inline const char *env_dir(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

static inline int fake_resolve(const char *name, u64 *addr, void *ctx)
{
	for (size_t i = 0; i < sizeof(fake_kernel) / sizeof(fake_kernel[0]); i++) {
		if (!__builtin_strcmp(fake_kernel[i].name, name)) {
			*addr = fake_kernel[i].addr;
			return 0;
		}
	}
	return -ENOENT;
}

static inline int fake_resolve_nothing(const char *name, u64 *addr, void *ctx)
{
	return -ENOENT;
}

/* The whole file in an 8-byte aligned buffer (as the kernel's reader provides it). */
static inline void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1); /* malloc is 16-byte aligned */
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)len;
	return buf;
}

/* A module loaded at `base` into host memory; err and the step that failed. */
struct loaded {
	struct load_info info;
	void *image;
	u8 *mem;
	int err;
	const char *step;
};

static inline int load_image(struct loaded *m, void *image, size_t size, const char *name, u64 base,
			     int (*resolve)(const char *, u64 *, void *))
{
	struct load_env env = { .resolve = resolve };

	m->image = image;
	m->mem = NULL;
	m->step = "validate";
	m->err = module_validate_elf(&m->info, image, size, name);
	if (m->err)
		return m->err;
	m->step = "layout";
	m->err = module_layout(&m->info);
	if (m->err)
		return m->err;
	if (posix_memalign((void **)&m->mem, 4096, m->info.layout.total_size))
		m->mem = NULL;
	m->step = "load";
	m->err = module_load_core(&m->info, &env, m->mem, base);
	return m->err;
}

static inline int load_path(struct loaded *m, const char *path, u64 base,
			    int (*resolve)(const char *, u64 *, void *))
{
	size_t size;
	void *image = read_file(path, &size);

	if (!image) {
		m->image = m->mem = NULL;
		m->step = "read";
		m->err = -ENOENT;
		snprintf(m->info.err, sizeof(m->info.err), "cannot read %s", path);
		return m->err;
	}
	return load_image(m, image, size, path, base, resolve);
}

static inline void unload(struct loaded *m)
{
	free(m->mem);
	free(m->image);
	m->mem = NULL;
	m->image = NULL;
}

/* Host pointer for `len` bytes at load address addr, or NULL if outside the module. */
static inline void *at(const struct loaded *m, u64 addr, u64 len)
{
	u64 off = addr - m->info.base;

	if (addr < m->info.base || off > m->info.layout.total_size ||
	    len > m->info.layout.total_size - off)
		return NULL;
	return m->mem + off;
}

static inline u64 read64(const struct loaded *m, u64 addr)
{
	u64 v = 0;
	void *p = at(m, addr, 8);

	if (p)
		__builtin_memcpy(&v, p, 8);
	return v;
}

static inline u32 read32(const u8 *p)
{
	u32 v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

/* Runs a shell command from the repository root; the fixtures are built by python scripts. */
static inline int build_fixtures(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tools/mkmodfixtures.py %s >&2",
		 env_dir("MODLOAD_FIXTURES", FIXTURE_DIR_DEFAULT));
	return system(cmd);
}

#endif
