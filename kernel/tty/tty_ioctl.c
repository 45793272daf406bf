/*
 * ioctl(2) on a process's fds (Linux's drivers/tty/tty_ioctl.c and the FIONREAD part of
 * fs/ioctl.c). The console fds carry Linux's user-visible struct termios (36 bytes, c_line and
 * 19 c_cc), kept here: Keel's struct ktermios describes only a serial line's speed and framing.
 * ICANON off makes console reads raw (tty_read_raw, VMIN/VTIME honoured, no echo), which
 * busybox's line editing needs, and ISIG off makes Ctrl-C a byte like any other; ICANON on
 * gives the line discipline's lines. The window size is stored for the process to read back;
 * the job-control requests are tty_jobctrl.c's, and a background process changing the
 * termios gets SIGTTOU there. Pipes answer
 * FIONREAD; files and pipes answer -ENOTTY to terminal requests, as on Linux.
 */
#include <keel/errno.h>
#include <keel/process.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/tty.h>
#include <keel/tty_jobctrl.h>
#include <keel/uaccess.h>
#include "fs/fs_syscalls.h"
#include "tty/tty_internal.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define FIONBIO 0x5421

struct termios_user {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[19];
};
_Static_assert(sizeof(struct termios_user) == 36, "Linux's struct termios");

struct winsize_user {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* Linux's defaults for a new terminal: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL,
 * ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and INIT_C_CC. */
#define DEFAULT_TERMIOS                                                                     \
	{                                                                                   \
		.c_iflag = 0x500, .c_oflag = 0x5, .c_cflag = 0xbf, .c_lflag = 0x8a3b,       \
		.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 },   \
	}
static const struct termios_user default_termios = DEFAULT_TERMIOS;
static struct termios_user console_termios = DEFAULT_TERMIOS;
static struct winsize_user console_winsize = { .ws_row = 25, .ws_col = 80 };

unsigned int console_lflag(void)
{
	return READ_ONCE(console_termios.c_lflag);
}

unsigned char console_cc(unsigned int index)
{
	return index < sizeof(console_termios.c_cc) ? READ_ONCE(console_termios.c_cc[index]) : 0;
}

bool console_raw_mode(unsigned int *vmin, unsigned int *vtime)
{
	*vmin = console_termios.c_cc[VMIN_INDEX];
	*vtime = console_termios.c_cc[VTIME_INDEX];
	return !(console_termios.c_lflag & ICANON_FLAG);
}

bool console_echo(void)
{
	return console_termios.c_lflag & ECHO_FLAG;
}

void console_termios_reset(void)
{
	console_termios = default_termios;
}

/* TCSETSF (tcsetattr's TCSAFLUSH): input typed but not read yet is dropped. */
static void flush_console_input(void)
{
	char junk[64];

	while (tty_read_raw(console_tty(), junk, sizeof(junk), 0) > 0)
		;
}

static long console_ioctl(ul cmd, void __user *arg)
{
	long ret;

	if (tty_jobctrl_ioctl((unsigned int)cmd, (unsigned long)arg, &ret))
		return ret;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &console_termios, sizeof(console_termios)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW: /* output is written synchronously: nothing to drain first */
	case TCSETSF: {
		struct termios_user t;
		long ret = tty_check_change();

		if (ret)
			return ret;
		if (copy_from_user(&t, arg, sizeof(t)))
			return -EFAULT;
		console_termios = t;
		if (cmd == TCSETSF)
			flush_console_input();
		return 0;
	}
	case TIOCGWINSZ:
		return copy_to_user(arg, &console_winsize, sizeof(console_winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return copy_from_user(&console_winsize, arg, sizeof(console_winsize)) ? -EFAULT : 0;
	case FIONREAD: {
		int n = (int)(TTY_INPUT_SIZE - tty_receive_room(console_tty()));

		return copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
	}
	default:
		return -ENOTTY;
	}
}

/* FIONBIO on any fd: O_NONBLOCK on or off, as fcntl(F_SETFL) would. */
static long set_nonblock(ul fd, struct fd *f, void __user *arg)
{
	int on;

	if (copy_from_user(&on, arg, sizeof(on)))
		return -EFAULT;
	if (f->console) {
		unsigned int fl = console_fd_flags((unsigned int)fd);

		console_fd_set_flags((unsigned int)fd, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
	} else {
		f->file->f_flags = on ? f->file->f_flags | O_NONBLOCK
				      : f->file->f_flags & ~O_NONBLOCK;
	}
	return 0;
}

static long file_ioctl(struct file *file, ul cmd, void __user *arg)
{
	int n;

	if (file->f_op->unlocked_ioctl)
		return file->f_op->unlocked_ioctl(file, (unsigned int)cmd, (unsigned long)arg);
	if (cmd != FIONREAD)
		return -ENOTTY;
	if (is_pipe(file))
		n = (int)pipe_nread(file);
	else if (S_ISREG(file_inode(file)->i_mode))
		n = file_inode(file)->i_size > file->f_pos
			    ? (int)(file_inode(file)->i_size - file->f_pos) : 0;
	else
		return -ENOTTY;
	return copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

long sys_ioctl(ul fd, ul cmd, ul arg)
{
	struct fd f;
	long ret = fdget_file(fd, &f, true);

	if (ret)
		return ret;
	cmd &= 0xffffffffUL; /* the request is an unsigned int */
	if (cmd == FIONBIO)
		ret = set_nonblock(fd, &f, (void __user *)arg);
	else if (f.console)
		ret = console_ioctl(cmd, (void __user *)arg);
	else
		ret = file_ioctl(f.file, cmd, (void __user *)arg);
	fdput(f);
	return ret;
}
