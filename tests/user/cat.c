/* User test program: open(2)/read(2)/write(2)/close(2) on a VFS file, like cat. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[100];
	ssize_t n;
	int fd, first;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write(1, buf, n);
	first = close(fd);
	printf("close: %d, close again: %d\n", first, close(fd));
	return n < 0;
}
