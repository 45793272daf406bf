/* The kernel's version; KEEL_BUILD_INFO is set by the Makefile. */
#ifndef KEEL_INIT_VERSION_H
#define KEEL_INIT_VERSION_H

#define KEEL_VERSION "0.1.0"
#ifndef KEEL_BUILD_INFO
#define KEEL_BUILD_INFO "unknown build"
#endif

#endif
