/*
 * What exec notes in the new address space for /proc: where the argument and environment
 * strings lie (Linux's create_elf_tables sets mm->arg_start and friends) and the program's
 * absolute path (Linux's mm->exe_file). The strings are found from the stack the format
 * built, argc/argv[]/envp[] at its stack pointer (the x86_64 ABI), so every format gets
 * this without doing anything.
 */
#include <keel/binfmts.h>
#include <keel/fs.h>
#include <keel/mm_user.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "fs/internal.h"

#define SCAN_CHUNK 256

/* One past the NUL ending the string at addr (scanning at most limit bytes), or addr. */
static unsigned long string_end(struct mm_struct *mm, unsigned long addr, unsigned long limit)
{
	char chunk[SCAN_CHUNK];
	unsigned long done = 0;

	while (done < limit) {
		int n = access_remote_vm(mm, addr + done, chunk, SCAN_CHUNK);
		char *nul = memchr(chunk, '\0', (size_t)n);

		if (nul)
			return addr + done + (unsigned long)(nul - chunk) + 1;
		if (n < SCAN_CHUNK)
			break;
		done += SCAN_CHUNK;
	}
	return addr;
}

/* The first and the last non-NULL pointer of the NULL-terminated vector at vec. */
static unsigned long vector_ends(struct mm_struct *mm, unsigned long vec, unsigned long *last)
{
	unsigned long first = 0, p;

	*last = 0;
	for (int i = 0; i <= MAX_ARG_STRINGS; i++) {
		if (access_remote_vm(mm, vec + 8UL * (unsigned long)i, &p, 8) != 8 || !p)
			break;
		if (!i)
			first = p;
		*last = p;
	}
	return first;
}

static void record_strings(struct mm_struct *mm, unsigned long sp)
{
	unsigned long argc = 0, last;

	if (access_remote_vm(mm, sp, &argc, 8) != 8 || argc > MAX_ARG_STRINGS)
		return;
	mm->arg_start = vector_ends(mm, sp + 8, &last);
	mm->arg_end = last ? string_end(mm, last, MAX_ARG_STRLEN_TOTAL) : mm->arg_start;
	mm->env_start = vector_ends(mm, sp + 8 * (argc + 2), &last);
	mm->env_end = last ? string_end(mm, last, MAX_ARG_STRLEN_TOTAL) : mm->env_start;
}

/* The absolute name of filename with symlinks followed (busybox applet links name
 * /bin/busybox), or NULL. */
static char *exe_path_of(const char *filename)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL), *copy = NULL;
	struct path path;

	if (!buf)
		return NULL;
	if (!kern_path(filename, LOOKUP_FOLLOW, &path)) {
		if (d_path(&path, buf, PATH_MAX) >= 0)
			copy = kstrdup(buf, GFP_KERNEL);
		path_put(&path);
	}
	kfree(buf);
	return copy;
}

void exec_record_mm_info(struct mm_struct *mm, const char *filename, unsigned long sp)
{
	record_strings(mm, sp);
	kfree(mm->exe_path);
	mm->exe_path = exe_path_of(filename);
}
