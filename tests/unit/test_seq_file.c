/* Host unit test for seq_file (kernel/fs/seq_file.c): the buffer growing until a show's text
 * fits, show errors, the size limit, reads at odd offsets and sizes, and seeking. */
/* UNIT_SOURCES: kernel/fs/seq_file.c */
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/seq_file.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "unit.h"

static long live_blocks;

void *kmalloc(size_t size, gfp_t gfp) { live_blocks++; return malloc(size ? size : 1); }
void *kzalloc(size_t size, gfp_t gfp) { live_blocks++; return calloc(1, size ? size : 1); }
void kfree(const void *p) { if (p) live_blocks--; free((void *)p); }

static size_t want_bytes; /* how much big_show prints */
static int show_calls;

static int small_show(struct seq_file *m, void *v)
{
	show_calls++;
	seq_printf(m, "%-15s %8lu kB\n", "MemTotal:", 261631UL);
	seq_puts(m, "line two\n");
	seq_putc(m, '!');
	return 0;
}

/* Prints want_bytes bytes of a known pattern: byte i is 'a' + i % 26. */
static int big_show(struct seq_file *m, void *v)
{
	char chunk[26];

	show_calls++;
	for (int i = 0; i < 26; i++)
		chunk[i] = (char)('a' + i);
	for (size_t done = 0; done < want_bytes; done += 26)
		seq_write(m, chunk, want_bytes - done < 26 ? want_bytes - done : 26);
	return 0;
}

static int failing_show(struct seq_file *m, void *v)
{
	seq_puts(m, "partial");
	return -EIO;
}

static int data_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", (const char *)m->private);
	return 0;
}

static void test_fill_small(void)
{
	struct seq_file m = { 0 };

	show_calls = 0;
	CHECK_INT(seq_fill(&m, small_show, NULL), 0);
	CHECK_INT(show_calls, 1);
	CHECK_UINT(m.count, strlen("MemTotal:         261631 kB\nline two\n!"));
	CHECK(!memcmp(m.buf, "MemTotal:         261631 kB\nline two\n!", m.count));
	seq_release_buf(&m);
	CHECK(m.buf == NULL);
}

static void test_fill_grows(void)
{
	struct seq_file m = { 0 };
	bool pattern_ok = true;

	want_bytes = 3 * SEQ_BUF_FIRST + 5; /* needs two doublings */
	show_calls = 0;
	CHECK_INT(seq_fill(&m, big_show, NULL), 0);
	CHECK_INT(show_calls, 3);
	CHECK_UINT(m.count, want_bytes);
	CHECK(m.size >= want_bytes && !m.overflow);
	for (size_t i = 0; i < m.count; i++)
		pattern_ok &= m.buf[i] == (char)('a' + i % 26);
	CHECK(pattern_ok);
	seq_release_buf(&m);

	want_bytes = SEQ_BUF_FIRST; /* exactly the first buffer: seq_write fits without retry */
	show_calls = 0;
	CHECK_INT(seq_fill(&m, big_show, NULL), 0);
	CHECK_INT(show_calls, 1);
	seq_release_buf(&m);
}

static void test_fill_errors(void)
{
	struct seq_file m = { 0 };

	CHECK_INT(seq_fill(&m, failing_show, NULL), -EIO);
	CHECK(m.buf == NULL);
	want_bytes = SEQ_BUF_MAX + 1;
	CHECK_INT(seq_fill(&m, big_show, NULL), -EFBIG);
	CHECK(m.buf == NULL);
}

/* Reads the whole text back in steps of `step` bytes from offset `start`. */
static size_t read_all(struct seq_file *m, size_t step, loff_t start, char *out)
{
	loff_t pos = start;
	size_t total = 0;
	ssize_t n;

	while ((n = seq_copy_out(m, out + total, step, &pos)) > 0)
		total += (size_t)n;
	return total;
}

static void test_copy_out_offsets(void)
{
	struct seq_file m = { 0 };
	static char out[4 * SEQ_BUF_FIRST];
	loff_t pos;

	want_bytes = 1000;
	CHECK_INT(seq_fill(&m, big_show, NULL), 0);
	for (size_t step = 1; step < 1200; step = step * 3 + 1) {
		memset(out, 0, sizeof(out));
		CHECK_UINT(read_all(&m, step, 0, out), 1000);
		CHECK(!memcmp(out, m.buf, 1000));
		CHECK_UINT(read_all(&m, step, 997, out), 3);
		CHECK(!memcmp(out, m.buf + 997, 3));
	}
	pos = 1000;
	CHECK_INT(seq_copy_out(&m, out, 10, &pos), 0);
	pos = 5000;
	CHECK_INT(seq_copy_out(&m, out, 10, &pos), 0);
	pos = -1;
	CHECK_INT(seq_copy_out(&m, out, 10, &pos), 0);
	CHECK_INT(pos, -1);
	pos = 10;
	CHECK_INT(seq_copy_out(&m, out, 0, &pos), 0);
	CHECK_INT(pos, 10);
	seq_release_buf(&m);
}

static void test_file_side(void)
{
	struct file f = { 0 };
	char buf[32] = { 0 };
	loff_t pos = 0;

	CHECK_INT(single_open(&f, data_show, "hello proc"), 0);
	CHECK_INT(seq_read(&f, buf, 5, &pos), 5);
	CHECK(!memcmp(buf, "hello", 5));
	CHECK_INT(seq_lseek(&f, -3, SEEK_END), 8);
	pos = f.f_pos;
	CHECK_INT(seq_read(&f, buf, sizeof(buf), &pos), 3);
	CHECK(!memcmp(buf, "oc\n", 3));
	CHECK_INT(seq_lseek(&f, -100, SEEK_CUR), -EINVAL);
	CHECK_INT(seq_lseek(&f, 0, 42), -EINVAL);
	CHECK_INT(seq_lseek(&f, 100, SEEK_SET), 100);
	pos = 100;
	CHECK_INT(seq_read(&f, buf, sizeof(buf), &pos), 0);
	pos = -5;
	CHECK_INT(seq_read(&f, buf, sizeof(buf), &pos), -EINVAL);
	CHECK_INT(single_release(NULL, &f), 0);
	CHECK(f.private_data == NULL);
	CHECK_INT(single_release(NULL, &f), 0); /* twice: nothing left to free */
	CHECK_INT(single_open(&f, failing_show, NULL), -EIO);
	CHECK(f.private_data == NULL);
}

int main(void)
{
	test_fill_small();
	test_fill_grows();
	test_fill_errors();
	test_copy_out_offsets();
	test_file_side();
	CHECK_INT(live_blocks, 0);
	return unit_summary();
}
