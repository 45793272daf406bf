/*
 * Host test of the loader's refusals: every file of the broken-module corpus (tools/mkbadko.py,
 * one per check and per unsupported relocation type) must be refused with its expected message.
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
		*tab = '\0';
		tab[strcspn(tab + 1, "\n") + 1] = '\0';
		check_refused(badko, line, tab + 1);
		files++;
	}
	if (f)
		fclose(f);
	CHECK(files >= 40, "only %d corpus files", files);
	printf("%d passed, %d failed\n", tests_passed, tests_failed);
	return tests_failed != 0;
}
