/*
 * seq_file (single_open flavour): a show function prints a whole file into a buffer that
 * grows until the text fits; reads copy from it. The text is made at open, so readers using
 * tiny reads or seeking around still see one consistent snapshot.
 */
#include <stdarg.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/minmax.h>
#include <keel/seq_file.h>
#include <keel/slab.h>
#include <keel/sprintf.h>
#include <keel/string.h>

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	size_t room = m->size - m->count;
	va_list ap;
	int n;

	if (m->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->count, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		m->overflow = true; /* vsnprintf wrote a cut copy: it will be redone */
		return;
	}
	m->count += (size_t)n;
}
EXPORT_SYMBOL_GPL(seq_printf);

int seq_write(struct seq_file *m, const void *data, size_t len)
{
	if (m->overflow || len > m->size - m->count) {
		m->overflow = true;
		return -1;
	}
	memcpy(m->buf + m->count, data, len);
	m->count += len;
	return 0;
}
EXPORT_SYMBOL_GPL(seq_write);

void seq_puts(struct seq_file *m, const char *s)
{
	seq_write(m, s, strlen(s));
}
EXPORT_SYMBOL_GPL(seq_puts);

void seq_putc(struct seq_file *m, char c)
{
	seq_write(m, &c, 1);
}
EXPORT_SYMBOL_GPL(seq_putc);

void seq_release_buf(struct seq_file *m)
{
	kfree(m->buf);
	m->buf = NULL;
	m->size = m->count = 0;
}
EXPORT_SYMBOL_GPL(seq_release_buf);

int seq_fill(struct seq_file *m, int (*show)(struct seq_file *m, void *v), void *data)
{
	size_t size = SEQ_BUF_FIRST;
	int ret;

	m->show = show;
	m->private = data;
	for (;;) {
		m->buf = kmalloc(size, GFP_KERNEL);
		if (!m->buf)
			return -ENOMEM;
		m->size = size;
		m->count = 0;
		m->overflow = false;
		ret = show(m, NULL);
		if (ret || !m->overflow)
			break;
		seq_release_buf(m);
		size *= 2;
		if (size > SEQ_BUF_MAX)
			return -EFBIG;
	}
	if (ret)
		seq_release_buf(m);
	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_GPL(seq_fill);

ssize_t seq_copy_out(const struct seq_file *m, char *buf, size_t len, loff_t *pos)
{
	size_t n;

	if (*pos < 0 || (u64)*pos >= m->count)
		return 0;
	n = min(len, m->count - (size_t)*pos);
	memcpy(buf, m->buf + *pos, n);
	*pos += (loff_t)n;
	return (ssize_t)n;
}
EXPORT_SYMBOL_GPL(seq_copy_out);

int single_open(struct file *file, int (*show)(struct seq_file *m, void *v), void *data)
{
	struct seq_file *m = kzalloc(sizeof(*m), GFP_KERNEL);
	int ret;

	if (!m)
		return -ENOMEM;
	ret = seq_fill(m, show, data);
	if (ret) {
		kfree(m);
		return ret;
	}
	file->private_data = m;
	return 0;
}
EXPORT_SYMBOL_GPL(single_open);

ssize_t seq_read(struct file *file, char *buf, size_t len, loff_t *pos)
{
	struct seq_file *m = file->private_data;

	if (*pos < 0)
		return -EINVAL;
	return seq_copy_out(m, buf, len, pos);
}
EXPORT_SYMBOL_GPL(seq_read);

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	struct seq_file *m = file->private_data;
	loff_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = file->f_pos;
		break;
	case SEEK_END:
		base = (loff_t)m->count;
		break;
	default:
		return -EINVAL;
	}
	if (offset < -base || (offset > 0 && base > MAX_LFS_FILESIZE - offset))
		return -EINVAL;
	file->f_pos = base + offset;
	return file->f_pos;
}
EXPORT_SYMBOL_GPL(seq_lseek);

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	if (m) {
		seq_release_buf(m);
		kfree(m);
		file->private_data = NULL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(single_release);
