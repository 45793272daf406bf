/*
 * Just enough AML to read the \_S5_ sleep-type package, without an interpreter: firmware
 * declares it as Name(_S5_, Package(){SLP_TYPa, SLP_TYPb, ...}) with constant integers,
 * so a byte search for the name followed by a structural check of the package suffices.
 */
#include <keel/errno.h>
#include <keel/string.h>
#include "acpi/acpi_internal.h"

#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_PACKAGE_OP 0x12
#define AML_QWORD_PREFIX 0x0e
#define AML_ONES_OP 0xff
#define AML_ROOT_CHAR '\\'
#define AML_PARENT_CHAR '^'

#define SLP_TYP_MAX 7 /* a 3-bit field in PM1x_CNT */

struct aml_cursor {
	const u8 *p, *end;
};

static u64 read_le(const u8 *p, unsigned int bytes)
{
	u64 v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

/* Decodes one integer constant (ZeroOp, OneOp, OnesOp or a Byte/Word/DWord/QWord prefix). */
static int aml_read_integer(struct aml_cursor *c, u64 *value)
{
	static const unsigned int prefix_bytes[] = {
		[AML_BYTE_PREFIX] = 1, [AML_WORD_PREFIX] = 2, [AML_DWORD_PREFIX] = 4,
		[AML_QWORD_PREFIX] = 8,
	};
	u8 op;
	unsigned int n;

	if (c->p >= c->end)
		return -EBADMSG;
	op = *c->p++;
	if (op == AML_ZERO_OP || op == AML_ONE_OP || op == AML_ONES_OP) {
		*value = op == AML_ONES_OP ? ~0ULL : op;
		return 0;
	}
	if (op >= ARRAY_SIZE(prefix_bytes) || !prefix_bytes[op])
		return -EBADMSG;
	n = prefix_bytes[op];
	if ((size_t)(c->end - c->p) < n)
		return -EBADMSG;
	*value = read_le(c->p, n);
	c->p += n;
	return 0;
}

/* Reads a PkgLength and narrows the cursor's end to the package it measures. */
static int aml_read_pkg_length(struct aml_cursor *c)
{
	const u8 *start = c->p;
	unsigned int follow;
	u64 len;

	if (c->p >= c->end)
		return -EBADMSG;
	follow = *c->p >> 6;
	if ((size_t)(c->end - c->p) < 1 + follow)
		return -EBADMSG;
	/* One byte: 6 bits of length; longer: 4 bits here, then 8 bits per following byte. */
	len = follow ? (*c->p & 0x0f) | read_le(c->p + 1, follow) << 4 : (*c->p & 0x3f);
	c->p += 1 + follow;
	if (len > (size_t)(c->end - start))
		return -EBADMSG;
	c->end = start + len;
	return 0;
}

static bool preceded_by_name_op(const u8 *aml, size_t pos)
{
	if (pos >= 1 && aml[pos - 1] == AML_NAME_OP)
		return true;
	return pos >= 2 && aml[pos - 2] == AML_NAME_OP &&
	       (aml[pos - 1] == AML_ROOT_CHAR || aml[pos - 1] == AML_PARENT_CHAR);
}

/* Decodes the package after the name at pos; 0 or -EBADMSG. */
static int decode_s5_package(const u8 *aml, size_t len, size_t pos, u8 *a, u8 *b)
{
	struct aml_cursor c = { aml + pos + 4, aml + len };
	u64 typ_a, typ_b;
	u8 count;

	if (c.p >= c.end || *c.p++ != AML_PACKAGE_OP || aml_read_pkg_length(&c) < 0)
		return -EBADMSG;
	if (c.p >= c.end)
		return -EBADMSG;
	count = *c.p++;
	if (count < 1 || aml_read_integer(&c, &typ_a) < 0)
		return -EBADMSG;
	typ_b = typ_a;
	if (count >= 2 && aml_read_integer(&c, &typ_b) < 0)
		return -EBADMSG;
	if (typ_a > SLP_TYP_MAX || typ_b > SLP_TYP_MAX)
		return -EBADMSG;
	*a = (u8)typ_a;
	*b = (u8)typ_b;
	return 0;
}

int aml_find_s5(const u8 *aml, size_t len, u8 *slp_typ_a, u8 *slp_typ_b)
{
	for (size_t pos = 0; len >= 4 && pos <= len - 4; pos++) {
		if (memcmp(aml + pos, "_S5_", 4) != 0 || !preceded_by_name_op(aml, pos))
			continue;
		/* Not a constant package (a Method, say): look for another declaration. */
		if (decode_s5_package(aml, len, pos, slp_typ_a, slp_typ_b) == 0)
			return 0;
	}
	return -ENOENT;
}
