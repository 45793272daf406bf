/*
 * The out-of-line half of <keel/refcount.h>: what happens when a reference count goes wrong.
 * Kept out of line so the inline fast paths stay a locked instruction and a branch.
 */
#include <keel/bug.h>
#include <keel/export.h>
#include <keel/refcount.h>

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	/* Saturate first: the count must stop moving towards 0 before anything else runs. */
	refcount_set(r, REFCOUNT_SATURATED);

	switch (t) {
	case REFCOUNT_ADD_NOT_ZERO_OVF:
		WARN_ONCE(1, "refcount_t: saturated; leaking memory.\n");
		break;
	case REFCOUNT_ADD_OVF:
		WARN_ONCE(1, "refcount_t: saturated; leaking memory.\n");
		break;
	case REFCOUNT_ADD_UAF:
		WARN_ONCE(1, "refcount_t: addition on 0; use-after-free.\n");
		break;
	case REFCOUNT_SUB_UAF:
		WARN_ONCE(1, "refcount_t: underflow; use-after-free.\n");
		break;
	case REFCOUNT_DEC_LEAK:
		WARN_ONCE(1, "refcount_t: decrement hit 0; leaking memory.\n");
		break;
	default:
		WARN_ONCE(1, "refcount_t: unknown saturation event %d\n", (int)t);
	}
}
EXPORT_SYMBOL(refcount_warn_saturate);
