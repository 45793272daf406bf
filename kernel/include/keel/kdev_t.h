/*
 * Device numbers (Linux's <linux/kdev_t.h>): a dev_t packs a major number (which driver) and a
 * minor number (which of its devices). The split is Linux's in-kernel one, 12 bits of major
 * and 20 of minor, so the numbers /proc/devices and `ls -l /dev` show match Linux's.
 */
#ifndef KEEL_KDEV_T_H
#define KEEL_KDEV_T_H

#include <keel/types.h>

typedef u32 dev_t;

#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)

#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi) ((dev_t)(((ma) << MINORBITS) | (mi)))

#endif
