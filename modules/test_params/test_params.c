/* Test module: one parameter of each type and an int array; init prints them on one line. */
#include <keel/module.h>

static bool bval;
module_param(bval, bool, 0644);
MODULE_PARM_DESC(bval, "A bool");

static int ival = -1;
module_param(ival, int, 0644);
MODULE_PARM_DESC(ival, "An int");

static unsigned int uval = 1;
module_param(uval, uint, 0644);
MODULE_PARM_DESC(uval, "An unsigned int");

static long lval = -2;
module_param(lval, long, 0644);
MODULE_PARM_DESC(lval, "A long");

static unsigned long ulval = 2;
module_param(ulval, ulong, 0644);
MODULE_PARM_DESC(ulval, "An unsigned long");

static char *sval = "default";
module_param(sval, charp, 0444);
MODULE_PARM_DESC(sval, "A string");

static int arr[4];
static unsigned int arr_count;
module_param_array(arr, int, &arr_count, 0444);
MODULE_PARM_DESC(arr, "Up to four ints");

static unsigned int rval = 5;
module_param_range(rval, uint, 1, 10, 0444);
MODULE_PARM_DESC(rval, "An unsigned int from 1 to 10");

static long srval = -5;
module_param_range(srval, long, -10, 10, 0444);
MODULE_PARM_DESC(srval, "A long from -10 to 10");

static int rarr[2];
static unsigned int rarr_count;
module_param_array_range(rarr, int, &rarr_count, -3, 3, 0444);
MODULE_PARM_DESC(rarr, "Up to two ints from -3 to 3");

static void print_params(void)
{
	char list[64] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < arr_count; i++)
		n += scnprintf(list + n, sizeof(list) - n, "%s%d", i ? "," : "", arr[i]);
	pr_info("test_params: bval=%d ival=%d uval=%u lval=%ld ulval=%lu sval=%s arr=[%s] "
		"arr_count=%u rval=%u srval=%ld rarr_count=%u\n", bval, ival, uval, lval, ulval, sval,
		list, arr_count, rval, srval, rarr_count);
}

static int __init params_init(void)
{
	print_params();
	return 0;
}

static void __exit params_exit(void)
{
	pr_info("test_params: unloaded\n");
}

module_init(params_init);
module_exit(params_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: parameters of every type");
