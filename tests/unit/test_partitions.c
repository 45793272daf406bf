/*
 * Host test of the partition-table parsers on images made at test time by the host's sfdisk
 * (tests/blk/mkimages.sh): an MBR with an extended partition holding logical ones, and a GPT
 * with names; offsets and sizes must equal sfdisk --json's. Then damaged variants: a bad GPT
 * header or entry CRC (the backup is used), both GPT headers bad, partitions past the end, an
 * extended chain that loops, no table at all, and a disk whose reads fail.
 */
/* UNIT_SOURCES: kernel/block/partitions/scan.c kernel/block/partitions/msdos.c kernel/block/partitions/gpt.c kernel/lib/ratelimit.c */
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "block/partitions/parts.h"
#include "host_printk.h"
#include "unit.h"

volatile unsigned long jiffies;

void *kmalloc(size_t size, gfp_t gfp) { return malloc(size); }
void *kzalloc(size_t size, gfp_t gfp) { return calloc(1, size); }
void *kmalloc_array(size_t n, size_t size, gfp_t gfp) { return calloc(n, size); }
void kfree(const void *p) { free((void *)p); }

#define SECTOR 512
#define IMAGE_DIR_TEMPLATE "/tmp/keel-parts-XXXXXX"

struct image {
	u8 *data;
	u64 nr_sectors;
	bool fail_reads;
};

struct oracle_part {
	int number;
	u64 start, size;
};

static char image_dir[] = IMAGE_DIR_TEMPLATE;

static int image_read(void *ctx, u64 lba, u32 count, void *buf)
{
	struct image *img = ctx;

	if (img->fail_reads || lba >= img->nr_sectors || count > img->nr_sectors - lba)
		return -EIO;
	memcpy(buf, img->data + lba * SECTOR, (size_t)count * SECTOR);
	return 0;
}

static struct image load_image(const char *name)
{
	char path[256];
	struct image img = { 0 };
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%s/%s", image_dir, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	img.data = malloc((size_t)size);
	if (fread(img.data, 1, (size_t)size, f) != (size_t)size)
		exit(1);
	fclose(f);
	img.nr_sectors = (u64)size / SECTOR;
	return img;
}

/* The "number start size" lines mkimages.sh derived from sfdisk --json. */
static int load_oracle(const char *name, struct oracle_part *parts, int max)
{
	char path[256];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.parts", image_dir, name);
	f = fopen(path, "r");
	if (!f)
		exit(1);
	while (n < max && fscanf(f, "%d %lu %lu", &parts[n].number,
				 (unsigned long *)&parts[n].start, (unsigned long *)&parts[n].size) == 3)
		n++;
	fclose(f);
	return n;
}

static struct part_scan *scan(struct image *img, int *ret)
{
	struct part_scan *s = calloc(1, sizeof(*s));

	s->name = "hda";
	s->sector_size = SECTOR;
	s->nr_sectors = img->nr_sectors;
	s->read = image_read;
	s->ctx = img;
	unit_last_msg[0] = '\0';
	*ret = part_scan(s);
	return s;
}

static const struct part_entry *find_entry(const struct part_scan *s, int number)
{
	for (int i = 0; i < s->count; i++)
		if (s->entries[i].number == number)
			return &s->entries[i];
	return NULL;
}

/* Every partition sfdisk reports is found with its offset and size, and nothing else. */
static void check_against_oracle(const struct part_scan *s, const char *name, int skip_number)
{
	struct oracle_part parts[PART_MAX];
	int n = load_oracle(name, parts, PART_MAX), expected = 0;

	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		const struct part_entry *e = find_entry(s, parts[i].number);

		if (parts[i].number == skip_number) {
			CHECK(e == NULL);
			continue;
		}
		expected++;
		CHECK(e != NULL);
		if (!e)
			continue;
		CHECK_UINT(e->start, parts[i].start);
		CHECK_UINT(e->nr_sectors, parts[i].size);
	}
	CHECK_INT(s->count, expected);
}

static void test_mbr(void)
{
	struct image img = load_image("mbr.img");
	int ret;
	struct part_scan *s = scan(&img, &ret);
	const struct part_entry *e;

	CHECK_INT(ret, 1);
	CHECK_INT(s->kind, PART_TABLE_MBR);
	check_against_oracle(s, "mbr.img", 0);
	e = find_entry(s, 1);
	CHECK(e && e->bootable && e->mbr_type == 0x83 && !e->extended);
	e = find_entry(s, 2);
	CHECK(e && e->extended && e->mbr_type == 0x05);
	e = find_entry(s, 6);
	CHECK(e && e->mbr_type == 0x82 && !e->bootable);
	free(s);
	free(img.data);
}

static u8 *gpt_header(struct image *img, u64 lba) { return img->data + lba * SECTOR; }

/* Recomputes the entry-array CRC and then the header CRC, as a tool editing the table would. */
static void gpt_fix_crcs(struct image *img, u64 lba)
{
	u8 *h = gpt_header(img, lba);
	u64 entries_lba = part_le64(h + 72);
	u32 bytes = part_le32(h + 80) * part_le32(h + 84), crc;

	crc = crc32(0, img->data + entries_lba * SECTOR, bytes);
	memcpy(h + 88, &crc, 4);
	memset(h + 16, 0, 4);
	crc = crc32(0, h, part_le32(h + 12));
	memcpy(h + 16, &crc, 4);
}

static void test_gpt(void)
{
	struct image img = load_image("gpt.img");
	int ret;
	struct part_scan *s = scan(&img, &ret);
	const struct part_entry *e;

	CHECK_INT(ret, 1);
	CHECK_INT(s->kind, PART_TABLE_GPT);
	CHECK(!s->gpt_backup_used);
	check_against_oracle(s, "gpt.img", 0);
	e = find_entry(s, 2);
	CHECK(e != NULL);
	if (e) {
		CHECK_STR(e->label, "root fs");
		/* 0FC63DAF-8483-4772-8E79-3D69D8477DE4, first three fields little-endian */
		CHECK(e->type_guid[0] == 0xaf && e->type_guid[3] == 0x0f && e->type_guid[4] == 0x83 &&
		      e->type_guid[8] == 0x8e && e->type_guid[15] == 0xe4);
		CHECK(e->unique_guid[0] == 0x4c && e->unique_guid[4] == 0x02);
		CHECK_INT(e->mbr_type, 0);
	}
	e = find_entry(s, 6);
	CHECK(e && e->label[0] == '\0');
	free(s);
	free(img.data);
}

static void test_gpt_backup(const char *what, u64 offset)
{
	struct image img = load_image("gpt.img");
	int ret;
	struct part_scan *s;

	img.data[offset] ^= 0x5a;
	s = scan(&img, &ret);
	CHECK_INT(ret, 1);
	CHECK(s->gpt_backup_used);
	CHECK(strstr(unit_last_msg, "using the backup") != NULL);
	CHECK(strstr(unit_last_msg, what) != NULL);
	check_against_oracle(s, "gpt.img", 0);
	free(s);
	free(img.data);
}

static void test_gpt_both_bad(void)
{
	struct image img = load_image("gpt.img");
	int ret;
	struct part_scan *s;

	gpt_header(&img, 1)[0] = 'X';
	gpt_header(&img, img.nr_sectors - 1)[16] ^= 1;
	s = scan(&img, &ret);
	CHECK_INT(ret, -EINVAL);
	CHECK_INT(s->count, 0);
	CHECK(strstr(unit_last_msg, "no valid GPT") != NULL);
	CHECK(strstr(unit_last_msg, "no signature") != NULL);
	CHECK(strstr(unit_last_msg, "header CRC mismatch") != NULL);
	free(s);
	free(img.data);
}

/* Entry 2 (partition 3) is made to end past the usable area, CRCs fixed up: only it is lost. */
static void test_gpt_entry_past_end(void)
{
	struct image img = load_image("gpt.img");
	u64 entries_lba = part_le64(gpt_header(&img, 1) + 72);
	u64 bad_last = img.nr_sectors + 100;
	int ret;
	struct part_scan *s;

	memcpy(img.data + entries_lba * SECTOR + 2 * 128 + 40, &bad_last, 8);
	gpt_fix_crcs(&img, 1);
	s = scan(&img, &ret);
	CHECK_INT(ret, 1);
	CHECK(!s->gpt_backup_used);
	CHECK(strstr(unit_last_msg, "partition 3") != NULL);
	check_against_oracle(s, "gpt.img", 3);
	free(s);
	free(img.data);
}

static void test_gpt_huge_entry_count(void)
{
	struct image img = load_image("gpt.img");
	u32 huge = 0x10000000;
	int ret;
	struct part_scan *s;

	memcpy(gpt_header(&img, 1) + 80, &huge, 4);
	gpt_fix_crcs(&img, 1); /* the entry CRC over 0x10000000 * 128 bytes is never computed */
	s = scan(&img, &ret);
	CHECK_INT(ret, 1);
	CHECK(s->gpt_backup_used);
	free(s);
	free(img.data);
}

/* 0x02000001 entries of 128 bytes are 2^32 + 128 bytes: in 32 bits that wraps to one entry's
 * size, which would pass the 1 MiB limit and leave the other 33 million entries unread. */
static void test_gpt_entry_bytes_wrap_32_bits(void)
{
	struct image img = load_image("gpt.img");
	u32 count = 0x02000001;
	int ret;
	struct part_scan *s;

	memcpy(gpt_header(&img, 1) + 80, &count, 4);
	gpt_fix_crcs(&img, 1); /* its own u32 product covers the first 128 bytes: a valid CRC */
	s = scan(&img, &ret);
	CHECK_INT(ret, 1);
	CHECK(s->gpt_backup_used);
	check_against_oracle(s, "gpt.img", 0);
	free(s);
	free(img.data);
}

/* The last extended boot record is made to link back to the first one. */
static void test_mbr_loop(void)
{
	struct image img = load_image("mbr.img");
	u64 ext = part_le32(img.data + 446 + 16 + 8), ebr = ext; /* partition 2 is extended */
	char expected[64];
	u8 *link;
	int ret;
	struct part_scan *s;

	for (;;) {
		link = img.data + ebr * SECTOR + 446 + 16;
		if (link[4] == 0)
			break;
		ebr = ext + part_le32(link + 8);
	}
	link[4] = 0x05;
	memset(link + 8, 0, 4);     /* relative start 0: the first record again */
	link[12] = 1;
	s = scan(&img, &ret);
	CHECK_INT(ret, 1);
	snprintf(expected, sizeof(expected), "loops back to sector %llu", (unsigned long long)ext);
	CHECK(strstr(unit_last_msg, expected) != NULL);
	check_against_oracle(s, "mbr.img", 0);
	free(s);
	free(img.data);
}

/* Primary 3 is made to run past the end of the disk; logical 6 to leave its extended one. */
static void test_mbr_past_end(void)
{
	struct image img = load_image("mbr.img");
	u32 huge = 0x00100000;
	u64 ext = part_le32(img.data + 446 + 16 + 8), ebr;
	int ret;
	struct part_scan *s;

	memcpy(img.data + 446 + 2 * 16 + 12, &huge, 4);
	s = scan(&img, &ret);
	CHECK_INT(ret, 1);
	CHECK(strstr(unit_last_msg, "partition 3") != NULL);
	CHECK(strstr(unit_last_msg, "past the end") != NULL);
	check_against_oracle(s, "mbr.img", 3);
	free(s);

	ebr = ext + part_le32(img.data + ext * SECTOR + 446 + 16 + 8); /* record of logical 6 */
	memcpy(img.data + ebr * SECTOR + 446 + 12, &huge, 4);
	s = scan(&img, &ret);
	CHECK_INT(ret, 1);
	CHECK(find_entry(s, 6) == NULL);
	CHECK(find_entry(s, 5) != NULL && find_entry(s, 7) != NULL);
	free(s);
	free(img.data);
}

static void test_no_table_and_read_errors(void)
{
	struct image img = load_image("mbr.img");
	int ret;
	struct part_scan *s;

	img.fail_reads = true;
	s = scan(&img, &ret);
	CHECK_INT(ret, -EIO);
	free(s);
	img.fail_reads = false;
	memset(img.data, 0, SECTOR);
	s = scan(&img, &ret);
	CHECK_INT(ret, 0);
	CHECK_INT(s->count, 0);
	free(s);
	img.data[510] = 0x55;
	img.data[511] = 0xaa;
	img.data[446] = 0x12; /* a boot flag no MBR has: a FAT boot sector, say */
	s = scan(&img, &ret);
	CHECK_INT(ret, 0);
	free(s);
	free(img.data);
}

/* 300 used entries of 8192: 172 over PART_MAX, warned about 8 times and then summed up. */
static void test_gpt_many_entries_rate_limited(void)
{
	struct image img = load_image("many.img");
	int ret;
	struct part_scan *s = scan(&img, &ret);

	CHECK_INT(ret, 1);
	CHECK_INT(s->count, PART_MAX);
	CHECK(strstr(unit_last_msg, "hda: 164 more partition table warnings not shown") != NULL);
	free(s);
	free(img.data);
}

int main(void)
{
	char cmd[512];

	if (!mkdtemp(image_dir))
		return 1;
	snprintf(cmd, sizeof(cmd), "sh tests/blk/mkimages.sh %s", image_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "tests/blk/mkimages.sh failed (is sfdisk installed?)\n");
		return 1;
	}
	test_mbr();
	test_gpt();
	test_gpt_backup("header CRC mismatch", 1 * SECTOR + 40);
	test_gpt_backup("partition entries CRC mismatch", 2 * SECTOR + 100);
	test_gpt_both_bad();
	test_gpt_entry_past_end();
	test_gpt_huge_entry_count();
	test_gpt_entry_bytes_wrap_32_bits();
	test_gpt_many_entries_rate_limited();
	test_mbr_loop();
	test_mbr_past_end();
	test_no_table_and_read_errors();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", image_dir);
	if (system(cmd) != 0)
		return 1;
	return unit_summary();
}
