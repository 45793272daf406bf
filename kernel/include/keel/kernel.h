/*
 * The grab bag Linux's <linux/kernel.h> is: min/max/clamp (<keel/minmax.h>), rounding
 * (<keel/math.h>), ARRAY_SIZE/container_of (<keel/compiler.h>), BUILD_BUG_ON
 * (<keel/build_bug.h>), WARN_ON/BUG_ON (<keel/bug.h>), sprintf and friends (<keel/sprintf.h>)
 * and printk. Include this when in doubt; the individual headers stay usable on their own.
 */
#ifndef KEEL_KERNEL_H
#define KEEL_KERNEL_H

#include <keel/bug.h>
#include <keel/build_bug.h>
#include <keel/compiler.h>
#include <keel/math.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/sprintf.h>
#include <keel/types.h>

#endif
