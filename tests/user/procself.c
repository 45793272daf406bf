/* /proc/self and /proc/PID seen by a process: each file checked against what the process
 * knows of itself (getpid, getppid, argv, environ, getcwd, its open fds, the address of its
 * own code and stack). Prints only facts that hold on any Linux, so the host's output is the
 * oracle: "ok" lines, or what differed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static char buf[65536];

static int slurp(const char *path)
{
	int fd = open(path, O_RDONLY), n, total = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total;
}

static void report(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "MISMATCH");
}

static void check_stat(void)
{
	char state, comm[64];
	int pid, ppid, pgrp, sid, fields;
	unsigned long vsize;
	long rss;
	char *p;

	slurp("/proc/self/stat");
	fields = 1;
	for (p = buf; *p; p++)
		fields += *p == ' ';
	p = strrchr(buf, ')');
	sscanf(buf, "%d (%63[^)]", &pid, comm);
	sscanf(p + 2, "%c %d %d %d", &state, &ppid, &pgrp, &sid);
	report("stat pid", pid == getpid());
	report("stat comm", !strcmp(comm, "procself"));
	report("stat state R", state == 'R');
	report("stat ppid", ppid == getppid());
	report("stat pgrp", pgrp == getpgrp());
	report("stat session", sid == getsid(0));
	report("stat has at least 52 fields", fields >= 52);
	p = strrchr(buf, ')') + 2;
	for (int i = 0; i < 20; i++)
		p = strchr(p, ' ') + 1; /* to field 23, vsize */
	sscanf(p, "%lu %ld", &vsize, &rss);
	report("stat vsize", vsize > 100000 && rss >= 0);
}

static void check_status(void)
{
	char line[128];

	slurp("/proc/self/status");
	snprintf(line, sizeof(line), "\nPid:\t%d\n", getpid());
	report("status Pid", strstr(buf, line) != NULL);
	snprintf(line, sizeof(line), "\nPPid:\t%d\n", getppid());
	report("status PPid", strstr(buf, line) != NULL);
	report("status Name", !strncmp(buf, "Name:\tprocself\n", 15));
	report("status State", strstr(buf, "\nState:\tR (running)\n") != NULL);
	report("status VmRSS", strstr(buf, "\nVmRSS:\t") != NULL);
	report("status Threads", strstr(buf, "\nThreads:\t1\n") != NULL);
	report("status SigBlk", strstr(buf, "\nSigBlk:\t0000000000000000\n") != NULL);
}

static void check_strings(int argc, char **argv)
{
	int n = slurp("/proc/self/cmdline"), pos = 0, ok = 1;

	for (int i = 0; i < argc; i++) {
		ok &= pos < n && !strcmp(buf + pos, argv[i]);
		pos += strlen(argv[i]) + 1;
	}
	report("cmdline is argv", ok && pos == n);
	n = slurp("/proc/self/environ");
	pos = 0;
	ok = 1;
	for (char **e = environ; *e; e++) {
		ok &= pos < n && !strcmp(buf + pos, *e);
		pos += strlen(*e) + 1;
	}
	report("environ is the environment", ok && pos == n);
	slurp("/proc/self/comm");
	report("comm", !strcmp(buf, "procself\n"));
}

static void check_links(void)
{
	char link[PATH_MAX], cwd[PATH_MAX], self[32];
	ssize_t n;
	int fds[2], fd;

	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	report("exe names this program", n > 0 && !strcmp(strrchr(link, '/'), "/procself"));
	n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	report("cwd is getcwd", getcwd(cwd, sizeof(cwd)) && !strcmp(link, cwd));
	n = readlink("/proc/self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(self, sizeof(self), "%d", getpid());
	report("self is the pid", !strcmp(link, self));
	fd = open("/proc/self/stat", O_RDONLY);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	n = readlink(self, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(cwd, sizeof(cwd), "/proc/%d/stat", getpid());
	report("fd link names the open file", !strcmp(link, cwd));
	close(fd);
	report("closed fd has no link", readlink(self, link, sizeof(link)) < 0 && errno == ENOENT);
	if (pipe(fds))
		return;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fds[1]);
	n = readlink(self, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	report("pipe fd link", !strncmp(link, "pipe:[", 6));
	close(fds[0]);
	close(fds[1]);
}

/* The line of maps containing addr: "start-end perms ...". */
static const char *maps_line(unsigned long addr, char *perms)
{
	unsigned long lo, hi;

	for (char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (sscanf(l, "%lx-%lx %4s", &lo, &hi, perms) == 3 && addr >= lo && addr < hi)
			return l;
	return NULL;
}

static void check_maps(void)
{
	char perms[8] = "", *nl;
	const char *l;
	int local;

	slurp("/proc/self/maps");
	l = maps_line((unsigned long)check_maps, perms);
	report("maps: code is r-xp", l && !strcmp(perms, "r-xp"));
	l = maps_line((unsigned long)&local, perms);
	nl = l ? strchr(l, '\n') : NULL;
	report("maps: stack is rw-p [stack]", l && !strcmp(perms, "rw-p") && nl &&
					      nl - l > 7 && !strncmp(nl - 7, "[stack]", 7));
	l = maps_line((unsigned long)buf, perms);
	report("maps: data is rw-p", l && !strcmp(perms, "rw-p"));
}

static int in_proc_listing(pid_t pid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d)))
		found |= atoi(e->d_name) == pid && e->d_type == DT_DIR;
	if (d)
		closedir(d);
	return found;
}

static void check_children(void)
{
	char path[64];
	struct stat st;
	int status, p[2];
	pid_t child;

	report("own pid listed in /proc", in_proc_listing(getpid()));
	if (pipe(p))
		return;
	child = fork();
	if (child == 0) {
		char c;

		close(p[1]);
		read(p[0], &c, 1); /* until the parent has looked */
		_exit(0);
	}
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	slurp(path);
	report("child listed", in_proc_listing(child));
	report("child stat names its parent",
	       atoi(strrchr(buf, ')') + 4) == getpid());
	close(p[1]);
	usleep(100000);
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	slurp(path);
	report("zombie state Z", strrchr(buf, ')')[2] == 'Z');
	waitpid(child, &status, 0);
	snprintf(path, sizeof(path), "/proc/%d", child);
	report("reaped child gone", stat(path, &st) < 0 && errno == ENOENT);
	report("reaped child not listed", !in_proc_listing(child));
	report("no such pid", stat("/proc/999999", &st) < 0 && errno == ENOENT);
}

int main(int argc, char **argv)
{
	check_stat();
	check_status();
	check_strings(argc, argv);
	check_links();
	check_maps();
	check_children();
	return 0;
}
