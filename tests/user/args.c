/* User test program: argc/argv/envp as exec laid them out, and the auxiliary vector's
 * deterministic entries (page size, entry point, program headers, ids, AT_RANDOM readable). */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;
extern char _start[];

static void check_phdrs(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), loads = 0;

	for (unsigned long i = 0; i < n; i++)
		loads += ph[i].p_type == PT_LOAD;
	printf("phent %lu, PT_LOAD found %s\n", getauxval(AT_PHENT), loads ? "yes" : "no");
}

int main(int argc, char **argv)
{
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	unsigned sum = 0;

	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	printf("argv[argc] %s\n", argv[argc] ? "not NULL" : "NULL");
	for (char **e = environ; *e; e++)
		printf("env %s\n", *e);
	printf("pagesz %lu\n", getauxval(AT_PAGESZ));
	printf("entry matches _start: %s\n",
	       getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
	for (int i = 0; i < 16; i++)
		sum += rnd[i];
	printf("AT_RANDOM readable: %s\n", rnd && sum < 16 * 256 ? "yes" : "no");
	printf("uid %lu euid %lu gid %lu egid %lu secure %lu\n", getauxval(AT_UID),
	       getauxval(AT_EUID), getauxval(AT_GID), getauxval(AT_EGID), getauxval(AT_SECURE));
	printf("stack aligned: %s\n",
	       ((unsigned long)__builtin_frame_address(0) & 7) == 0 ? "yes" : "no");
	check_phdrs();
	return 0;
}
