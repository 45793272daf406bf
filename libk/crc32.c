/* libk: CRC-32 (IEEE 802.3, reflected, as zlib and the host's crc32 tools compute it). */
#include <keel/export.h>
#include <keel/string.h>

static u32 crc32_table[256];
static bool crc32_table_ready;

static void crc32_make_table(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc32_table[i] = c;
	}
	crc32_table_ready = true;
}

/* Start with crc = 0; feed the result back in to continue over more data. */
u32 crc32(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!crc32_table_ready)
		crc32_make_table();
	crc = ~crc;
	while (len--)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
EXPORT_SYMBOL(crc32);
