/*
 * The console as a controlling terminal (Linux's drivers/tty/tty_jobctrl.c), implemented in
 * kernel/tty/tty_jobctrl.c. The console belongs to at most one session and has a foreground
 * process group: its ISIG keys (Ctrl-C, Ctrl-\, Ctrl-Z) signal that group, and a process of
 * the session outside it that reads gets SIGTTIN (writes with TOSTOP, and terminal changes:
 * SIGTTOU). A process's controlling terminal is the console when its session is the console's
 * (the console is Keel's one terminal), unless it gave it up with TIOCNOTTY.
 * docs/user.md "Job control and the console".
 */
#ifndef KEEL_TTY_JOBCTRL_H
#define KEEL_TTY_JOBCTRL_H

#include <keel/types.h>

struct task_struct;

/*
 * Job-control checks for the current process on the console (Linux's job_control and
 * tty_check_change): 0 when it may go on (foreground, another session, or the signal blocked
 * or ignored where Linux allows it), -ERESTARTSYS after sending its process group SIGTTIN
 * (read) or SIGTTOU (write with TOSTOP, change), -EIO where Linux refuses (an orphaned group,
 * or a read with SIGTTIN ignored). Task context.
 */
int tty_check_read(void);
int tty_check_write(void);
int tty_check_change(void);

/*
 * The job-control ioctls on a console fd: TIOCGPGRP, TIOCSPGRP, TIOCSCTTY (arg 1 steals the
 * console from another session, as root may), TIOCNOTTY and TIOCGSID, with Linux's errors
 * (-ENOTTY: not the caller's controlling terminal; -EPERM, -ESRCH, -EINVAL, -EFAULT) in
 * *ret. Returns false, leaving *ret alone, for any other cmd. Task context.
 */
bool tty_jobctrl_ioctl(unsigned int cmd, unsigned long arg, long *ret);

/*
 * The shell's `run`: the console becomes session sid's (the shell's) with pgrp in the
 * foreground, and the shell's own Ctrl-C task is set aside; returns the previous foreground
 * group for console_foreground_leave, which gives the console back to the shell (no user
 * foreground group, ISIG keys to the shell's task). Task context.
 */
pid_t console_foreground_enter(pid_t sid, pid_t pgrp);
void console_foreground_leave(pid_t prev);

/* init=: the console starts without a session, as Linux's /dev/console for init. */
void console_release(void);

/* A session leader exits (Linux's disassociate_ctty(1)): if the console was its session's,
 * its foreground group gets SIGHUP and the console belongs to no session. Task context. */
void tty_session_exit(struct task_struct *leader);

#endif
