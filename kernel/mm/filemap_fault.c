/*
 * File mappings (Linux's mm/filemap.c filemap_fault and page_mkwrite, mm/msync.c, the file
 * checks of mm/mmap.c do_mmap). A file with a page cache (disk filesystems) is mapped
 * through it: a fault maps the cache page itself, read-only in a private mapping, so that the
 * first write copies it (cow.c), and writable on write in a shared one, where the write
 * marks the cache page dirty and writeback takes it to the disk. A file without a page cache
 * (ramfs, the initrd's files) can only be mapped privately: a fault reads the page into a
 * private copy. A page wholly past the end of the file is SIGBUS, as on Linux; the part of
 * the last page past the end reads as zeros. Faults here sleep (reading a page), so they
 * need interrupts on (traps.c enables them for faults from code that had them on).
 */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/irqflags.h>
#include <keel/math.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/mman.h>
#include <keel/mm_user.h>
#include <keel/pagemap.h>
#include <keel/preempt.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "mm/pgtable.h"

void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		fput(vma->vm_file);
	kfree(vma);
}

struct vm_area_struct *vm_area_dup(const struct vm_area_struct *vma)
{
	struct vm_area_struct *copy = kzalloc(sizeof(*copy), GFP_KERNEL);

	if (!copy)
		return NULL;
	*copy = *vma;
	INIT_LIST_HEAD(&copy->vm_list);
	if (copy->vm_file)
		get_file(copy->vm_file);
	return copy;
}

void vma_copy_file(struct vm_area_struct *dst, const struct vm_area_struct *src)
{
	vma_set_file(dst, src->vm_file, src->vm_pgoff);
}

void vma_set_file(struct vm_area_struct *vma, struct file *file, u64 pgoff)
{
	vma->vm_file = file ? get_file(file) : NULL;
	vma->vm_pgoff = pgoff;
}

int mmap_vm_flags(struct file *file, unsigned long prot, unsigned long flags, u64 pgoff,
		  unsigned long len, unsigned long *vm_flags)
{
	unsigned long type = flags & MAP_TYPE;
	bool shared = type == MAP_SHARED || type == MAP_SHARED_VALIDATE;

	if (!shared && type != MAP_PRIVATE)
		return -EINVAL;
	if (shared)
		*vm_flags |= VM_SHARED;
	if (!file)
		return 0;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (!S_ISREG(file_inode(file)->i_mode))
		return -ENODEV; /* Linux: no ->mmap for directories, pipes, most devices */
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if (shared && !(file->f_mode & FMODE_WRITE)) {
		if (prot & PROT_WRITE)
			return -EACCES;
		*vm_flags &= ~(unsigned long)VM_MAYWRITE;
	}
	if (shared && !file_inode(file)->i_mapping)
		return -ENODEV; /* not in Keel: shared mappings of files without a page cache */
	if (!file_inode(file)->i_mapping && (!file->f_op || !file->f_op->read))
		return -ENODEV;
	return 0;
}

/* A file without a page cache: the page at pos read into a fresh zeroed page, mapped. */
static int map_read_copy(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long va,
			 loff_t pos)
{
	void *page = alloc_page();
	ssize_t n;
	int err;

	if (!page)
		return -ENOMEM;
	memset(page, 0, PAGE_SIZE);
	n = vma->vm_file->f_op->read(vma->vm_file, page, PAGE_SIZE, &pos);
	err = n < 0 ? -EIO : user_map_page(mm, va, page, vma->vm_flags & ~(unsigned long)VM_SHARED);
	if (err)
		free_page(page);
	return err == -EEXIST ? 0 : err;
}

/* Allocates what backs a shared mapping's page before it is written (a hole gets its
 * blocks), so a full disk is SIGBUS now rather than a lost write later. */
static int prepare_shared_write(struct inode *inode, u64 index)
{
	struct address_space *m = inode->i_mapping;
	u64 pos = index * PAGE_SIZE;
	int err = 0;

	if (!m->a_ops->prepare_write)
		return 0;
	mutex_lock(&inode->i_rwsem); /* what a write(2) holds around prepare_write */
	if (pos < (u64)inode->i_size)
		err = m->a_ops->prepare_write(m, (loff_t)pos,
					      (size_t)min_t(u64, PAGE_SIZE, inode->i_size - pos));
	mutex_unlock(&inode->i_rwsem);
	return err;
}

/* The page index vma maps at va, or -EFBIG past the file's last page (SIGBUS). */
static long fault_index(struct vm_area_struct *vma, unsigned long va, struct inode *inode)
{
	u64 index = vma->vm_pgoff + ((va - vma->vm_start) >> PAGE_SHIFT);

	if (index >= DIV_ROUND_UP((u64)inode->i_size, PAGE_SIZE))
		return -EFBIG;
	return (long)index;
}

/* True when the fault may sleep: the faulting code ran with interrupts on, not atomic. */
static bool fault_may_sleep(void)
{
	return !irqs_disabled() && preempt_count() == 0;
}

int filemap_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		  bool write)
{
	struct inode *inode = file_inode(vma->vm_file);
	unsigned long va = addr & ~(PAGE_SIZE - 1);
	struct cache_page *cpage;
	long index = fault_index(vma, va, inode);
	int err;

	if (!fault_may_sleep())
		return -EFAULT;
	if (index < 0)
		return (int)index;
	if (!inode->i_mapping)
		return map_read_copy(mm, vma, va, (loff_t)index * PAGE_SIZE); /* a private copy */
	if (write && (vma->vm_flags & VM_SHARED))
		return filemap_page_mkwrite(mm, vma, addr);
	cpage = read_cache_page(inode->i_mapping, (u64)index);
	if (IS_ERR(cpage))
		return -EIO;
	err = user_map_cache_page(mm, va, cpage, vma->vm_flags & ~(unsigned long)VM_WRITE);
	if (err)
		put_page(cpage);
	if (err == -EEXIST)
		err = 0; /* someone mapped it while we slept */
	if (!err && write)
		err = handle_mm_fault(mm, addr, true, false); /* now present: copy-on-write */
	return err;
}

int filemap_page_mkwrite(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct inode *inode = file_inode(vma->vm_file);
	unsigned long va = addr & ~(PAGE_SIZE - 1);
	long index = fault_index(vma, va, inode);
	struct cache_page *cpage;
	u64 *pte;
	int err;

	if (!fault_may_sleep())
		return -EFAULT;
	if (index < 0)
		return (int)index;
	err = prepare_shared_write(inode, (u64)index);
	if (err)
		return -EIO;
	cpage = read_cache_page(inode->i_mapping, (u64)index);
	if (IS_ERR(cpage))
		return -EIO;
	pte = user_pte(mm, va, false);
	if (pte && (*pte & PTE_PRESENT)) {
		put_page(cpage); /* mapped read-only before: that mapping holds its own reference */
		err = do_wp_page(mm, vma, va, pte);
	} else {
		err = user_map_cache_page(mm, va, cpage, vma->vm_flags);
		if (err)
			put_page(cpage);
		pte = user_pte(mm, va, false);
	}
	if (!err) {
		/* the cache page is dirty from now on, so writeback sees it; later writes set
		 * the bit again, for msync and munmap (no rmap to write-protect it again) */
		*pte |= PTE_DIRTY;
		user_pte_sync_dirty(pte);
	}
	return err;
}

/* Hands the written pages of a shared file VMA's range to the cache; MS_SYNC writes them. */
static int msync_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, bool sync)
{
	struct address_space *m = file_inode(vma->vm_file)->i_mapping;
	u64 *pte;

	for (unsigned long va = max(start, vma->vm_start); va < min(end, vma->vm_end);
	     va += PAGE_SIZE) {
		pte = user_pte(mm, va, false);
		if (pte && (*pte & PTE_PRESENT))
			user_pte_sync_dirty(pte);
	}
	flush_tlb_mm(mm);
	return sync && m ? filemap_write_and_wait(m) : 0;
}

long mm_msync(struct mm_struct *mm, unsigned long start, unsigned long len, int flags)
{
	unsigned long end = start + ALIGN_UP(len, PAGE_SIZE), addr = start;
	struct vm_area_struct *vma;
	int err = 0, ret;

	if ((start & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (len > TASK_SIZE || start > TASK_SIZE - ALIGN_UP(len, PAGE_SIZE))
		return -ENOMEM;
	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma)
			return -ENOMEM; /* Linux: a hole in the range, after syncing what is mapped */
		if (vma->vm_file && (vma->vm_flags & VM_SHARED)) {
			ret = msync_vma(mm, vma, start, end, flags & MS_SYNC);
			err = err ? err : ret;
		}
		addr = vma->vm_end;
	}
	return err;
}
