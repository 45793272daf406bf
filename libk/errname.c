/* libk: symbolic names for errno values, so error messages say "ENOEXEC" rather than a bare -8. */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/compiler.h>

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { EROFS, "EROFS" }, { ERANGE, "ERANGE" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ENODATA, "ENODATA" }, { ETIME, "ETIME" }, { EBADMSG, "EBADMSG" },
	{ EOVERFLOW, "EOVERFLOW" }, { EILSEQ, "EILSEQ" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ENOTSUPP, "ENOTSUPP" }, { EKEYREJECTED, "EKEYREJECTED" },
	{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ESPIPE, "ESPIPE" }, { EPIPE, "EPIPE" },
	{ ENOMEDIUM, "ENOMEDIUM" }, { EUCLEAN, "EUCLEAN" }, { EMSGSIZE, "EMSGSIZE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ENETDOWN, "ENETDOWN" }, { ENOBUFS, "ENOBUFS" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ ENETUNREACH, "ENETUNREACH" }, { EPROTO, "EPROTO" }, { ECONNRESET, "ECONNRESET" },
	{ ESHUTDOWN, "ESHUTDOWN" }, { EINPROGRESS, "EINPROGRESS" }, { EADDRINUSE, "EADDRINUSE" },
	{ ECONNREFUSED, "ECONNREFUSED" },
};

/* Accepts err with either sign; returns "E?" for values it does not know. */
const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (unsigned int i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}
EXPORT_SYMBOL(errno_name);
