/* Compiler attributes and small helper macros shared by the kernel, modules and libk. */
#ifndef KEEL_COMPILER_H
#define KEEL_COMPILER_H

#include <keel/build_bug.h>

#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __weak __attribute__((weak))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __noinline __attribute__((noinline))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* True when a and b have compatible types (qualifiers aside). Linux: __same_type(). */
#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
/* 0, or a build error when a is a pointer rather than an array (sizeof would lie). */
#define __must_be_array(a) BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))

/* The number of elements of array a; a pointer is a build error. Linux: ARRAY_SIZE(). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]) + __must_be_array(a))

/*
 * container_of(ptr, type, member): the type that embeds *ptr as its member. A ptr whose type is
 * not the member's (nor void *) is a build error. Linux: container_of().
 */
#define container_of(ptr, type, member)                                                    \
	({                                                                                 \
		void *__mptr = (void *)(ptr);                                              \
		_Static_assert(__same_type(*(ptr), ((type *)0)->member) ||                 \
				       __same_type(*(ptr), void),                          \
			       "pointer type mismatch in container_of()");                 \
		((type *)((char *)__mptr - __builtin_offsetof(type, member)));             \
	})

#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_POWER_OF_2(x) ((x) != 0 && (((x) & ((x) - 1)) == 0))

/* Pastes two tokens after expanding them. Linux: __PASTE(). */
#define __PASTE_1(a, b) a##b
#define __PASTE(a, b) __PASTE_1(a, b)
/* An identifier unique in the translation unit, for macro temporaries. Linux: __UNIQUE_ID(). */
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
