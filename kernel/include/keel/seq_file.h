/*
 * Generated text files (Linux's <linux/seq_file.h>, the single_open flavour): a show function
 * prints the whole file with seq_printf() into a buffer when the file is opened, and reads
 * then copy from that buffer at any offset. /proc files are made this way (<keel/proc_fs.h>).
 *
 * Unlike Linux, the text is produced once, at open (Linux fills it at the first read): what
 * a reader sees is a snapshot, consistent however small its reads are. A show function whose
 * text does not fit is run again with a buffer twice as large, up to SEQ_BUF_MAX bytes.
 *
 * Context: seq_printf and friends never sleep (they only copy into the buffer); single_open
 * allocates and may sleep.
 */
#ifndef KEEL_SEQ_FILE_H
#define KEEL_SEQ_FILE_H

#include <keel/compiler.h>
#include <keel/types.h>

struct file;
struct inode;

#define SEQ_BUF_FIRST 4096          /* the first buffer a show function gets */
#define SEQ_BUF_MAX (1024 * 1024)   /* beyond this, single_open fails with -EFBIG */

struct seq_file {
	char *buf;      /* the text */
	size_t size;    /* bytes allocated for it */
	size_t count;   /* bytes of text so far */
	bool overflow;  /* some output did not fit: the show is run again with more room */
	int (*show)(struct seq_file *m, void *v);
	void *private;  /* the data given to single_open (Linux: m->private) */
};

/*
 * Append formatted text / a string / a byte / bytes to m. When it does not fit, the output is
 * dropped and m->overflow set (single_open then retries with a larger buffer). Never sleep.
 * seq_write returns 0 or -1 when it did not fit. Linux: seq_printf, seq_puts, seq_putc,
 * seq_write.
 */
void seq_printf(struct seq_file *m, const char *fmt, ...) __printf(2, 3);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
int seq_write(struct seq_file *m, const void *data, size_t len);
/* Whether some output was lost since the buffer was (re)started. Linux: seq_has_overflowed. */
static inline bool seq_has_overflowed(const struct seq_file *m) { return m->overflow; }

/*
 * Runs show(m, NULL) with m->private = data into a buffer, retrying with a doubled buffer
 * while it overflows. Returns 0, -ENOMEM (no memory), -EFBIG (text over SEQ_BUF_MAX) or the
 * show's own negative return. On success m->buf holds m->count bytes; seq_release_buf frees
 * them. Sleeps. Used by single_open; exported for host tests and other generators.
 */
int seq_fill(struct seq_file *m, int (*show)(struct seq_file *m, void *v), void *data);
void seq_release_buf(struct seq_file *m);
/*
 * Copies up to len bytes of m's text from *pos into buf and advances *pos. Returns the count:
 * 0 at or past the end (and for a negative *pos, which is -EINVAL). Never sleeps.
 */
ssize_t seq_copy_out(const struct seq_file *m, char *buf, size_t len, loff_t *pos);

/*
 * The file side. single_open makes file->private_data a seq_file filled by show (seq_fill's
 * errors, -ENOMEM); seq_read, seq_lseek and single_release are the file_operations that go
 * with it (seq_lseek: SEEK_SET/SEEK_CUR/SEEK_END on the text; -EINVAL for a negative result
 * or another whence). single_open sleeps. Linux: single_open, seq_read, seq_lseek,
 * single_release.
 */
int single_open(struct file *file, int (*show)(struct seq_file *m, void *v), void *data);
ssize_t seq_read(struct file *file, char *buf, size_t len, loff_t *pos);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);
int single_release(struct inode *inode, struct file *file);

#endif
