/* Host test of modules.alias matching: wildcards, sets, PCI aliases, file parsing. */
/* UNIT_SOURCES: kernel/dev/modalias.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/string.h>
#include "dev/modalias.h"

static int passed, failed;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (cond) {                                                            \
			passed++;                                                      \
		} else {                                                               \
			failed++;                                                      \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
		}                                                                      \
	} while (0)

#define E1000 "pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00"
#define PIIX_IDE "pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80"

static void test_wildcards(void)
{
	CHECK(modalias_match("", ""));
	CHECK(!modalias_match("", "a"));
	CHECK(!modalias_match("a", ""));
	CHECK(modalias_match("*", ""));
	CHECK(modalias_match("*", "anything"));
	CHECK(modalias_match("abc", "abc"));
	CHECK(!modalias_match("abc", "abd"));
	CHECK(!modalias_match("abc", "abcd"));
	CHECK(modalias_match("a?c", "abc"));
	CHECK(!modalias_match("a?c", "ac"));
	CHECK(modalias_match("a*c", "ac"));
	CHECK(modalias_match("a*c", "abbbc"));
	CHECK(!modalias_match("a*c", "abbbd"));
	CHECK(modalias_match("*b*b*", "abxxbyy"));
	CHECK(modalias_match("a**", "a"));
	CHECK(modalias_match("[abc]x", "bx"));
	CHECK(!modalias_match("[abc]x", "dx"));
	CHECK(modalias_match("[0-9A-F]", "C"));
	CHECK(!modalias_match("[0-9A-F]", "G"));
	CHECK(modalias_match("[!0-9]", "x"));
	CHECK(!modalias_match("[!0-9]", "5"));
	CHECK(modalias_match("[]]", "]"));
	CHECK(!modalias_match("[ab", "a")); /* unterminated set never matches */
	CHECK(modalias_match("*[0-9]", "abc7"));
}

static void test_pci_aliases(void)
{
	CHECK(modalias_match("pci:v00008086d0000100Esv*sd*bc*sc*i*", E1000));
	CHECK(!modalias_match("pci:v00008086d0000100Fsv*sd*bc*sc*i*", E1000));
	CHECK(modalias_match("pci:v*d*sv*sd*bc01sc01i*", PIIX_IDE));
	CHECK(!modalias_match("pci:v*d*sv*sd*bc01sc06i*", PIIX_IDE));
	CHECK(modalias_match("pci:v00008086d*sv*sd*bc*sc*i*", PIIX_IDE));
	CHECK(!modalias_match("pci:v00001AF4d*sv*sd*bc*sc*i*", PIIX_IDE)); /* that is sv */
}

static const char alias_file[] =
	"# Aliases extracted from modules themselves.\n"
	"alias pci:v00008086d0000100Esv*sd*bc*sc*i* pcitest\n"
	"\n"
	"   # indented comment\n"
	"alias pci:v*d*sv*sd*bc02sc00i* netclass\n"
	"alias\n"
	"notalias pci:* bogus\n"
	"alias pci:v*d*sv*sd*bc01sc01i* ata_piix\n"
	"alias\tpci:v00008086d0000100Esv*sd*bc*sc*i*\te1000   \n"
	"alias pci:v00008086d00007010sv*sd*bc*sc*i* piix"; /* no final newline */

static int collect(const char *module, void *data)
{
	strlcat(data, module, 128);
	strlcat(data, " ", 128);
	return 0;
}

static int stop_at_second(const char *module, void *data)
{
	return ++*(int *)data == 2 ? 42 : 0;
}

static int ignore(const char *module, void *data)
{
	return 0;
}

static void test_long_words_are_skipped(void)
{
	char *text = malloc(1000);
	char found[128] = "";

	memset(text, 'x', 1000);
	memcpy(text, "alias ", 6);
	memcpy(text + 700, "\nalias * ok\n", 13);
	CHECK(modalias_for_each_module(text, 1000, "anything", collect, found) == 0);
	CHECK(strcmp(found, "ok ") == 0);
	free(text);
}

static void test_alias_file(void)
{
	char found[128] = "", module[16];
	int calls = 0;
	size_t len = strlen(alias_file);
	char *copy = malloc(len); /* exact size, no NUL: ASan catches reading past the end */

	memcpy(copy, alias_file, len);
	CHECK(modalias_for_each_module(copy, len, E1000, collect, found) == 0);
	CHECK(strcmp(found, "pcitest netclass e1000 ") == 0);
	found[0] = '\0';
	CHECK(modalias_for_each_module(copy, len, PIIX_IDE, collect, found) == 0);
	CHECK(strcmp(found, "ata_piix piix ") == 0);
	CHECK(modalias_for_each_module(copy, len, E1000, stop_at_second, &calls) == 42);
	CHECK(modalias_lookup(copy, len, E1000, module, sizeof(module)) == 0);
	CHECK(strcmp(module, "pcitest") == 0);
	CHECK(modalias_lookup(copy, len, "pci:v00001234d00001111sv00000000sd00000000bc03sc00i00",
			      module, sizeof(module)) == -ENOENT);
	CHECK(modalias_lookup(copy, len, E1000, module, 4) == 0 && strcmp(module, "pci") == 0);
	CHECK(modalias_lookup(copy, 0, E1000, module, sizeof(module)) == -ENOENT);
	/* Every truncation of the file parses without reading past its end. */
	for (size_t cut = 0; cut <= len; cut++)
		modalias_for_each_module(copy + len - cut, cut, E1000, ignore, NULL);
	free(copy);
}

int main(void)
{
	test_wildcards();
	test_pci_aliases();
	test_alias_file();
	test_long_words_are_skipped();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
