/*
 * ext2.ko: regular files. Their data lives in the page cache and reaches the disk through
 * fs/mpage.c's helpers with ext2_get_block as the map; reads, writes and fsync are the
 * generic ones.
 */
#include "ext2.h"

static int ext2_get_block_t(struct inode *inode, u64 iblock, u64 *blocknr, bool create)
{
	return ext2_get_block(inode, iblock, blocknr, create);
}

static int ext2_readpage(struct address_space *mapping, struct cache_page *page)
{
	return block_read_full_page(mapping, page, ext2_get_block_t);
}

static int ext2_writepage(struct address_space *mapping, struct cache_page *page)
{
	return block_write_full_page(mapping, page, ext2_get_block_t);
}

/* Sequential reads and writeback as large device requests (runs crossing pages). */
static int ext2_readahead(struct address_space *mapping, struct cache_page **pages,
			  unsigned int nr)
{
	return block_readahead(mapping, pages, nr, ext2_get_block_t);
}

static int ext2_writepages(struct address_space *mapping, struct cache_page **pages,
			   unsigned int nr)
{
	return block_writepages(mapping, pages, nr, ext2_get_block_t);
}

/* A write that failed (-ENOSPC) leaves no blocks past the end: e2fsck would see them. */
static int ext2_prepare_write(struct address_space *mapping, loff_t pos, size_t len)
{
	struct inode *inode = mapping->host;
	int err = block_prepare_write(mapping, pos, len, ext2_get_block_t);

	if (err && pos + (loff_t)len > inode->i_size)
		ext2_truncate_blocks(inode, inode->i_size);
	return err;
}

const struct address_space_operations ext2_aops = {
	.readpage = ext2_readpage,
	.writepage = ext2_writepage,
	.readahead = ext2_readahead,
	.writepages = ext2_writepages,
	.prepare_write = ext2_prepare_write,
};

const struct file_operations ext2_file_operations = {
	.llseek = generic_file_llseek,
	.read = generic_file_read,
	.write = generic_file_write,
	.fsync = generic_file_fsync,
};

const struct inode_operations ext2_file_inode_operations = {
	.setattr = ext2_setattr,
};

/* Device nodes, fifos and sockets: only their attributes live in ext2. */
const struct inode_operations ext2_special_inode_operations = {
	.setattr = ext2_setattr,
};
