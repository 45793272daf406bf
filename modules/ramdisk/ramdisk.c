/*
 * ramdisk.ko: RAM-backed block devices ram0, ram1..., like Linux's brd, for testing the block
 * layer without hardware. Each disk keeps its data in pages allocated on first write (unwritten
 * sectors read as zeros). Parameters:
 *   image=/extra/a.img,/extra/b.img  one disk per initrd file, loaded with its contents
 *   rd_nr=N rd_size=KiB              N empty disks (default: one of 4096 KiB when no image)
 *   readonly=1                       every disk is read-only (writes fail with -EROFS)
 *   fail_from=SECTOR                 requests touching SECTOR or beyond fail with -EIO, as a
 *                                    disk that stopped answering there
 *   fail_write=SECTOR                writes touching SECTOR or beyond fail with -EIO (reads
 *                                    work): for testing write errors under the page cache
 */
#include <keel/blkdev.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/overflow.h>

#define RAMDISK_MAX 8
#define RAMDISK_SECTOR 512
#define RAMDISK_PAGE 4096
#define RAMDISK_SIZE_MAX_KIB (1UL << 30) /* 1 TiB: pages come on first write */

static char *image[RAMDISK_MAX];
static unsigned int nr_images;
module_param_array(image, charp, &nr_images, 0444);
MODULE_PARM_DESC(image, "initrd files to load, one disk each (comma-separated)");

static unsigned int rd_nr;
module_param_range(rd_nr, uint, 0, RAMDISK_MAX, 0444);
MODULE_PARM_DESC(rd_nr, "number of empty RAM disks (default 1 when no image is given)");

static unsigned long rd_size = 4096;
module_param_range(rd_size, ulong, 1, RAMDISK_SIZE_MAX_KIB, 0444);
MODULE_PARM_DESC(rd_size, "size of each empty RAM disk in KiB");

static bool readonly;
module_param(readonly, bool, 0444);
MODULE_PARM_DESC(readonly, "make every disk read-only");

static unsigned long fail_from;
module_param(fail_from, ulong, 0444);
MODULE_PARM_DESC(fail_from, "fail requests touching this sector or beyond with -EIO (0: never)");

static unsigned long fail_write;
module_param(fail_write, ulong, 0444);
MODULE_PARM_DESC(fail_write, "fail writes touching this sector or beyond with -EIO (0: never)");

struct ramdisk {
	struct block_device bdev;
	void **pages;
	size_t nr_pages;
};

static struct ramdisk *disks[RAMDISK_MAX];
static unsigned int nr_disks;

static struct ramdisk *to_ramdisk(struct block_device *bdev)
{
	return container_of(bdev, struct ramdisk, bdev);
}

static bool ramdisk_failing(u64 sector, u32 count)
{
	return fail_from && sector + count > fail_from;
}

/* Calls copy for each piece of [offset, offset + len) that lies within one page. */
static void ramdisk_for_each_piece(struct ramdisk *rd, u64 offset, size_t len, u8 *buf,
				   void (*copy)(void **page, size_t in_page, u8 *buf, size_t n))
{
	while (len) {
		size_t in_page = offset % RAMDISK_PAGE;
		size_t n = min(len, RAMDISK_PAGE - in_page);

		copy(&rd->pages[offset / RAMDISK_PAGE], in_page, buf, n);
		offset += n;
		buf += n;
		len -= n;
	}
}

static void ramdisk_copy_out(void **page, size_t in_page, u8 *buf, size_t n)
{
	if (*page)
		memcpy(buf, (u8 *)*page + in_page, n);
	else
		memset(buf, 0, n);
}

static void ramdisk_copy_in(void **page, size_t in_page, u8 *buf, size_t n)
{
	memcpy((u8 *)*page + in_page, buf, n);
}

static int ramdisk_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	if (ramdisk_failing(sector, count))
		return -EIO;
	ramdisk_for_each_piece(to_ramdisk(bdev), sector * RAMDISK_SECTOR,
			       (size_t)count * RAMDISK_SECTOR, buf, ramdisk_copy_out);
	return 0;
}

/* Allocates every page a write will touch first, so a write is never left half done. */
static int ramdisk_populate(struct ramdisk *rd, u64 offset, size_t len)
{
	for (u64 p = offset / RAMDISK_PAGE; p <= (offset + len - 1) / RAMDISK_PAGE; p++) {
		if (rd->pages[p])
			continue;
		rd->pages[p] = alloc_page();
		if (!rd->pages[p])
			return -ENOMEM;
		memset(rd->pages[p], 0, RAMDISK_PAGE);
	}
	return 0;
}

static int ramdisk_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	struct ramdisk *rd = to_ramdisk(bdev);
	u64 offset = sector * RAMDISK_SECTOR;
	size_t len = (size_t)count * RAMDISK_SECTOR;
	int err;

	if (ramdisk_failing(sector, count) || (fail_write && sector + count > fail_write))
		return -EIO;
	err = ramdisk_populate(rd, offset, len);
	if (err)
		return err;
	ramdisk_for_each_piece(rd, offset, len, (u8 *)buf, ramdisk_copy_in);
	return 0;
}

static const struct block_device_operations ramdisk_ops = {
	.read = ramdisk_read,
	.write = ramdisk_write,
};

static void ramdisk_free(struct ramdisk *rd)
{
	for (size_t i = 0; i < rd->nr_pages; i++)
		if (rd->pages[i])
			free_page(rd->pages[i]);
	kfree(rd->pages);
	kfree(rd);
}

static struct ramdisk *ramdisk_alloc(unsigned int index, u64 bytes)
{
	struct ramdisk *rd;

	/* Rounding up must not wrap, and the sector count must stay below the block limit. */
	if (bytes > BDEV_MAX_SECTORS / 2 * RAMDISK_SECTOR)
		return NULL;
	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return NULL;
	rd->nr_pages = (size_t)((bytes + RAMDISK_PAGE - 1) / RAMDISK_PAGE);
	rd->pages = kcalloc(rd->nr_pages, sizeof(void *), GFP_KERNEL);
	if (!rd->pages) {
		kfree(rd);
		return NULL;
	}
	snprintf(rd->bdev.name, sizeof(rd->bdev.name), "ram%u", index);
	rd->bdev.sector_size = RAMDISK_SECTOR;
	rd->bdev.nr_sectors = (u64)rd->nr_pages * (RAMDISK_PAGE / RAMDISK_SECTOR);
	rd->bdev.read_only = readonly;
	rd->bdev.ops = &ramdisk_ops;
	rd->bdev.owner = THIS_MODULE;
	return rd;
}

/* A disk holding the initrd file path, rounded up to whole pages. */
static int ramdisk_create_from_image(unsigned int index, const char *path, struct ramdisk **out)
{
	struct ramdisk *rd;
	u64 size;
	int err = blkdev_image_size(path, &size);

	if (err || size == 0) {
		pr_err("ramdisk: %s: %s\n", path, err ? "cannot read the image" : "empty image");
		return err ? err : -EINVAL;
	}
	rd = ramdisk_alloc(index, size);
	if (!rd)
		return -ENOMEM;
	snprintf(rd->bdev.model, sizeof(rd->bdev.model), "RAM disk %s", path);
	err = blkdev_load_image(&rd->bdev, path);
	if (err) {
		pr_err("ramdisk: %s: loading the image failed (%d)\n", path, err);
		ramdisk_free(rd);
		return err;
	}
	*out = rd;
	return 0;
}

static int ramdisk_create_empty(unsigned int index, struct ramdisk **out)
{
	*out = ramdisk_alloc(index, (u64)rd_size * 1024);
	if (!*out)
		return -ENOMEM;
	snprintf((*out)->bdev.model, sizeof((*out)->bdev.model), "RAM disk");
	return 0;
}

static void ramdisk_destroy_all(void)
{
	while (nr_disks) {
		struct ramdisk *rd = disks[--nr_disks];

		blkdev_unregister(&rd->bdev);
		ramdisk_free(rd);
	}
}

static int ramdisk_add(unsigned int index)
{
	struct ramdisk *rd;
	int err = index < nr_images ? ramdisk_create_from_image(index, image[index], &rd)
				    : ramdisk_create_empty(index, &rd);

	if (err)
		return err;
	err = blkdev_register(&rd->bdev);
	if (err) {
		pr_err("ramdisk: %s: registration failed (%d)\n", rd->bdev.name, err);
		ramdisk_free(rd);
		return err;
	}
	disks[nr_disks++] = rd;
	return 0;
}

static int __init ramdisk_init(void)
{
	unsigned int total;
	int err;

	/* rd_nr=4294967295 plus one image must not wrap to a small total. */
	if (check_add_overflow(nr_images, rd_nr || nr_images ? rd_nr : 1, &total) ||
	    total > RAMDISK_MAX) {
		pr_err("ramdisk: %u image(s) and rd_nr=%u: at most %d disks\n", nr_images, rd_nr,
		       RAMDISK_MAX);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < total; i++) {
		err = ramdisk_add(i);
		if (err) {
			ramdisk_destroy_all();
			return err;
		}
	}
	return 0;
}

static void __exit ramdisk_exit(void)
{
	ramdisk_destroy_all();
}

module_init(ramdisk_init);
module_exit(ramdisk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RAM-backed block devices for testing the block layer");
