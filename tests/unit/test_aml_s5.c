/* Host test of the \_S5_ finder: the integer and package encodings firmware uses, and bad AML. */
/* UNIT_SOURCES: libk/string.c kernel/acpi/aml_s5.c */
#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "acpi/acpi_internal.h"
#include "unit.h"


/* Decodes from an exact-size heap copy, so ASan catches reads past the end. */
static int find(const unsigned char *aml, size_t len, unsigned char *a, unsigned char *b)
{
	unsigned char *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, aml, len);
	ret = aml_find_s5(copy, len, a, b);
	free(copy);
	return ret;
}

#define FIND(arr, a, b) find(arr, sizeof(arr), a, b)

static void test_encodings(void)
{
	/* Name(_S5_, Package(4){Zero, Zero, Zero, Zero}) as QEMU writes it. */
	static const unsigned char qemu[] = { 0x10, 0x08, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
					      0x00, 0x00, 0x00, 0x00 };
	/* Name(\_S5_, Package(){BytePrefix 5, BytePrefix 5, Zero, Zero}) as Bochs/real boards do. */
	static const unsigned char bytes[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
					       0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	/* Word prefix, One, and a two-byte PkgLength. */
	static const unsigned char words[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02,
					       0x0b, 0x07, 0x00, 0x01 };
	/* One element only: SLP_TYPb repeats SLP_TYPa. */
	static const unsigned char single[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x06 };
	unsigned char a = 99, b = 99;

	CHECK(FIND(qemu, &a, &b) == 0 && a == 0 && b == 0);
	CHECK(FIND(bytes, &a, &b) == 0 && a == 5 && b == 5);
	CHECK(FIND(words, &a, &b) == 0 && a == 7 && b == 1);
	CHECK(FIND(single, &a, &b) == 0 && a == 6 && b == 6);
}

static void test_rejects(void)
{
	/* A Method named _S5_ first (not a Name), then the real package. */
	static const unsigned char method_then_name[] = { 0x14, 0x05, '_', 'S', '5', '_', 0x00, 0x08,
							  '_', 'S', '5', '_', 0x12, 0x04, 0x02,
							  0x01, 0x00 };
	static const unsigned char too_big[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a,
						 0x09, 0x00 };
	static const unsigned char not_package[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
	static const unsigned char bad_pkglen[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x02, 0x00,
						    0x00 };
	static const unsigned char no_s5[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00 };
	unsigned char a, b;

	CHECK(FIND(method_then_name, &a, &b) == 0 && a == 1 && b == 0);
	CHECK(FIND(too_big, &a, &b) == -ENOENT);
	CHECK(FIND(not_package, &a, &b) == -ENOENT);
	CHECK(FIND(bad_pkglen, &a, &b) == -ENOENT);
	CHECK(FIND(no_s5, &a, &b) == -ENOENT);
	CHECK(find(no_s5, 0, &a, &b) == -ENOENT);
	CHECK(find(no_s5, 3, &a, &b) == -ENOENT);
}

static void test_truncations(void)
{
	static const unsigned char bytes[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
					       0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	unsigned char a, b;
	int found = 0;

	for (size_t len = 0; len <= sizeof(bytes); len++)
		found += find(bytes, len, &a, &b) == 0;
	CHECK(found == 1); /* only the whole package decodes */
}

int main(void)
{
	test_encodings();
	test_rejects();
	test_truncations();
	return unit_summary();
}
