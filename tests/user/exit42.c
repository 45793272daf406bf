/* User test program: exits with status 42 (the shell's `run` reports it). */
int main(void)
{
	return 42;
}
