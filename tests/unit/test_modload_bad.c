/*
 * Host test of the loader's refusals: every file of the broken-module corpus (tools/mkbadko.py,
 * one per check and per unsupported relocation type) must be refused with its expected message;
 * module names are accepted or refused (and shown escaped) as the kernel does.
 */
/* UNIT_SOURCES: kernel/module/elf_check.c kernel/module/layout.c kernel/module/symbols.c kernel/module/relocate.c kernel/module/reloc_check.c kernel/module/handoff.c libk/vsnprintf.c */
#include <string.h>
#include "modload_test.h"

static int build_corpus(const char *badko)
{
	char cmd[1024];
	const char *fixtures = env_dir("MODLOAD_FIXTURES", FIXTURE_DIR_DEFAULT);

	if (build_fixtures())
		return -1;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tools/mkbadko.py %s/fx-basic-gcc-O2.ko %s >&2",
		 fixtures, badko);
	return system(cmd);
}

static void check_refused(const char *badko, const char *file, const char *expected)
{
	char path[512];
	struct loaded m;
	int err;

	snprintf(path, sizeof(path), "%s/%s", badko, file);
	err = load_path(&m, path, TEST_BASE, fake_resolve);
	CHECK(err < 0 && strstr(m.info.err, expected), "%s: err %d at %s: \"%s\", expected \"%s\"",
	      file, err, m.step, m.info.err, expected);
	CHECK(strlen(m.info.err) < LOAD_ERR_LEN - 1 && !strchr(m.info.err, '\n'),
	      "%s: message not one line", file);
	if (getenv("MODLOAD_VERBOSE"))
		printf("%-32s %s\n", file, m.info.err);
	unload(&m);
}

/* Module names: what the kernel accepts, and how a refused one is shown. */
static void check_names(void)
{
	static const char *const good[] = { "hello", "test_stack_a", "a-b_C9", "x" };
	static const char *const bad[] = { "", "he/lo", "he lo", "\x1b[2J", "a.b", "caf\xc3\xa9" };
	char long_name[MODULE_NAME_MAX + 2], shown[64];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(module_name_valid(good[i], strlen(good[i])), "'%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!module_name_valid(bad[i], strlen(bad[i])), "bad name #%zu accepted", i);
	memset(long_name, 'a', sizeof(long_name));
	CHECK(module_name_valid(long_name, MODULE_NAME_MAX), "%u bytes refused", MODULE_NAME_MAX);
	CHECK(!module_name_valid(long_name, MODULE_NAME_MAX + 1), "%u bytes accepted",
	      MODULE_NAME_MAX + 1);
	CHECK(!module_name_valid("ab\0c", 4), "embedded NUL accepted");
	module_name_escape(shown, sizeof(shown), "\x1b[2J\\", 5);
	CHECK(!strcmp(shown, "\\x1b[2J\\x5c"), "escaped as '%s'", shown);
	module_name_escape(shown, 16, long_name, sizeof(long_name));
	CHECK(strlen(shown) < 16 && strstr(shown, "..."), "long name shown as '%s'", shown);
}

int main(void)
{
	const char *badko = env_dir("BADKO_DIR", BADKO_DIR_DEFAULT);
	char manifest[512], line[512];
	int files = 0;
	FILE *f;

	snprintf(manifest, sizeof(manifest), "%s/manifest.txt", badko);
	f = build_corpus(badko) ? NULL : fopen(manifest, "r");
	CHECK(f != NULL, "cannot build or read %s", manifest);
	while (f && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');

		if (!tab)
			continue;
		char *rest;
		bool kernel_only;

		*tab = '\0';
		rest = tab + 1 + strcspn(tab + 1, "\t\n");
		kernel_only = *rest == '\t' && strstr(rest, "kernel");
		*rest = '\0';
		if (kernel_only)
			continue; /* checked by load_module() in the kernel, not by the core */
		check_refused(badko, line, tab + 1);
		files++;
	}
	if (f)
		fclose(f);
	CHECK(files >= 40, "only %d corpus files", files);
	check_names();
	printf("%d passed, %d failed\n", tests_passed, tests_failed);
	return tests_failed != 0;
}
