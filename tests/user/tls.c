/* User test program: a __thread variable (TLS through FS, set with arch_prctl ARCH_SET_FS). */
#include <stdio.h>

static __thread int counter = 40;
static __thread char name[16] = "tls-initial";

int main(void)
{
	counter += 2;
	name[0] = 'T';
	printf("counter %d name %s\n", counter, name);
	return counter == 42 ? 0 : 1;
}
