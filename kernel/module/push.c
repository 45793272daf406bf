/*
 * make push: a new build of a module arrives on a serial line and replaces the loaded copy
 * without a reboot. The kernel thread modpushd waits for the push tty (`modpush=ttyS3` on the
 * command line; ttyS3 by default, `modpush=off` disables it), reads one frame at a time,
 * unloads the module of that name (remembering its parameters), loads the new image with them,
 * and answers on the same line with one result line that tools/push.py prints.
 *
 * Frame, little-endian:  "KEELPUSH" | u32 name length | name | u32 image size | u32 crc32 | image
 * Answer:                "OK <name> <microseconds>\n"  or  "ERR <errno name> <what went wrong>\n"
 */
#include <keel/cmdline.h>
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/kthread.h>
#include <keel/ktime.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/tty.h>
#include "module/module_internal.h"

#define PUSH_MAGIC "KEELPUSH"
#define PUSH_MAGIC_LEN 8
#define PUSH_MAX_IMAGE (16u << 20)   /* larger than any module Keel builds */
#define PUSH_BYTE_TIMEOUT_MS 5000    /* a frame that stalls this long is dropped */
#define PUSH_TTY_POLL_MS 2000        /* how often to look for the tty before it exists */
#define PUSH_ANSWER_LEN 160

static char push_tty_name[16] = "ttyS3";

struct push_frame {
	char name[MODULE_NAME_LEN];
	u32 size, crc;
	void *image;
};

/* Exactly n bytes, or -ETIMEDOUT when the sender stalls mid-frame. */
static int push_read(struct tty_struct *tty, void *buf, size_t n, unsigned int timeout_ms)
{
	size_t got = 0;

	while (got < n) {
		int r = tty_read_raw(tty, (char *)buf + got, n - got, timeout_ms);

		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
		got += (size_t)r;
	}
	return 0;
}

static int push_read_u32(struct tty_struct *tty, u32 *v)
{
	u8 b[4];
	int err = push_read(tty, b, sizeof(b), PUSH_BYTE_TIMEOUT_MS);

	if (!err)
		*v = b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24;
	return err;
}

/* Slides a window over the input until it holds the magic, which resynchronises after
 * garbage: true then, false after PUSH_TTY_POLL_MS without input. */
static bool push_wait_magic(struct tty_struct *tty)
{
	char win[PUSH_MAGIC_LEN] = { 0 };

	while (memcmp(win, PUSH_MAGIC, PUSH_MAGIC_LEN) != 0) {
		memmove(win, win + 1, PUSH_MAGIC_LEN - 1);
		if (tty_read_raw(tty, &win[PUSH_MAGIC_LEN - 1], 1, PUSH_TTY_POLL_MS) <= 0)
			return false;
	}
	return true;
}

static int push_read_header(struct tty_struct *tty, struct push_frame *f, char *why, size_t len)
{
	u32 name_len;
	int err = push_read_u32(tty, &name_len);

	if (err)
		return err;
	if (name_len == 0 || name_len >= sizeof(f->name)) {
		scnprintf(why, len, "module name of %u bytes", name_len);
		return -ENAMETOOLONG;
	}
	err = push_read(tty, f->name, name_len, PUSH_BYTE_TIMEOUT_MS);
	if (err)
		return err;
	f->name[name_len] = '\0';
	err = push_read_u32(tty, &f->size);
	if (!err)
		err = push_read_u32(tty, &f->crc);
	if (!err && (f->size == 0 || f->size > PUSH_MAX_IMAGE)) {
		scnprintf(why, len, "%s: image of %u bytes", f->name, f->size);
		return -EFBIG;
	}
	return err;
}

static int push_read_image(struct tty_struct *tty, struct push_frame *f, char *why, size_t len)
{
	int err;

	f->image = kmalloc(f->size, GFP_KERNEL);
	if (!f->image)
		return -ENOMEM;
	err = push_read(tty, f->image, f->size, PUSH_BYTE_TIMEOUT_MS);
	if (err)
		return err;
	if (crc32(0, f->image, f->size) != f->crc) {
		scnprintf(why, len, "%s: crc32 mismatch (the line lost bytes)", f->name);
		return -EBADMSG;
	}
	return 0;
}

/* The loaded copy's parameters (a copy), or an empty string; NULL when out of memory. */
static char *push_saved_args(const char *name, bool *loaded)
{
	struct module *mod;
	char *args;

	mutex_lock(&module_mutex);
	mod = find_module(name);
	*loaded = mod != NULL;
	args = kstrdup(mod && mod->args ? mod->args : "", GFP_KERNEL);
	mutex_unlock(&module_mutex);
	return args;
}

/* rmmod the old copy (if loaded), insmod the new one with the old parameters. */
static int push_replace(struct push_frame *f, char *why, size_t len)
{
	char filename[MODULE_NAME_LEN + 16];
	bool loaded;
	char *args = push_saved_args(f->name, &loaded);
	int err;

	if (!args)
		return -ENOMEM;
	err = loaded ? delete_module(f->name) : 0;
	if (err) {
		scnprintf(why, len, "%s: the loaded copy would not unload", f->name);
		goto out_free_args;
	}
	scnprintf(filename, sizeof(filename), "(push)/%s.ko", f->name);
	err = load_module(f->image, f->size, filename, args, NULL);
	if (err)
		scnprintf(why, len, "%s: the new image did not load (see the console)", f->name);
out_free_args:
	kfree(args);
	return err;
}

static void push_answer(struct tty_struct *tty, const struct push_frame *f, int err,
			const char *why, u64 ns)
{
	char line[PUSH_ANSWER_LEN];
	int n;

	if (err)
		n = scnprintf(line, sizeof(line), "ERR %s %s\n", errno_name(err),
			      *why ? why : "frame not received");
	else
		n = scnprintf(line, sizeof(line), "OK %s %llu\n", f->name,
			      (unsigned long long)(ns / 1000));
	tty_write(tty, line, (size_t)n);
	if (err)
		pr_err("modpush: %s", line + 4);
	else
		pr_info("modpush: %s replaced in %llu us\n", f->name, (unsigned long long)(ns / 1000));
}

static void push_one(struct tty_struct *tty)
{
	struct push_frame f = { .image = NULL };
	char why[PUSH_ANSWER_LEN - 32] = "";
	u64 start;
	int err;

	start = ktime_get_ns();
	err = push_read_header(tty, &f, why, sizeof(why));
	if (!err)
		err = push_read_image(tty, &f, why, sizeof(why));
	if (!err)
		err = push_replace(&f, why, sizeof(why));
	push_answer(tty, &f, err, why, ktime_get_ns() - start);
	kfree(f.image);
}

/*
 * The tty belongs to serial.ko: it is looked up again for every poll and its module pinned
 * while it is read, so `rmmod serial` works between polls and never frees a tty in use.
 */
static int modpushd(void *unused)
{
	while (!kthread_should_stop()) {
		struct tty_struct *tty = tty_find(push_tty_name);

		if (!tty || !try_module_get(tty->owner)) {
			msleep_interruptible(PUSH_TTY_POLL_MS);
			continue;
		}
		if (push_wait_magic(tty))
			push_one(tty);
		module_put(tty->owner);
	}
	return 0;
}

void module_push_init(void)
{
	struct task_struct *t;
	char buf[sizeof(push_tty_name)];

	if (cmdline_get("modpush", buf, sizeof(buf)) == 0)
		strlcpy(push_tty_name, buf, sizeof(push_tty_name));
	if (strcmp(push_tty_name, "off") == 0)
		return;
	t = kthread_run(modpushd, NULL, "modpushd");
	if (IS_ERR(t))
		pr_err("modpush: cannot start modpushd: %s\n", errno_name(PTR_ERR(t)));
}
