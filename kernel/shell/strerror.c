/* The wording of errno values for shell messages ("cat: /x: No such file or directory"). */
#include <keel/compiler.h>
#include <keel/errno.h>
#include "shell/shell_internal.h"

static const struct {
	int err;
	const char *message;
} errno_messages[] = {
	{ EPERM, "Operation not permitted" }, { ENOENT, "No such file or directory" },
	{ EINTR, "Interrupted" }, { EIO, "Input/output error" },
	{ ENXIO, "No such device or address" }, { E2BIG, "Argument list too long" },
	{ ENOEXEC, "Exec format error" }, { EBADF, "Bad file descriptor" },
	{ EAGAIN, "Resource temporarily unavailable" }, { ENOMEM, "Out of memory" },
	{ EACCES, "Permission denied" }, { EFAULT, "Bad address" },
	{ EBUSY, "Device or resource busy" }, { EEXIST, "File exists" },
	{ ENODEV, "No such device" }, { ENOTDIR, "Not a directory" },
	{ EISDIR, "Is a directory" }, { EINVAL, "Invalid argument" },
	{ ENOTTY, "Inappropriate ioctl for device" }, { EFBIG, "File too large" },
	{ ENOSPC, "No space left on device" }, { ESPIPE, "Illegal seek" },
	{ EROFS, "Read-only file system" }, { EPIPE, "Broken pipe" },
	{ ERANGE, "Numerical result out of range" }, { ENAMETOOLONG, "File name too long" },
	{ ENOSYS, "Function not implemented" }, { ENOTEMPTY, "Directory not empty" },
	{ ENODATA, "No data available" }, { ETIME, "Timer expired" },
	{ EBADMSG, "Bad message" }, { EOVERFLOW, "Value too large for defined data type" },
	{ EILSEQ, "Invalid or incomplete multibyte or wide character" },
	{ EOPNOTSUPP, "Operation not supported" }, { ETIMEDOUT, "Timed out" },
	{ EMSGSIZE, "Message too long" }, { ENETDOWN, "Network is down" },
	{ EADDRNOTAVAIL, "Cannot assign requested address" },
	{ ENOBUFS, "No buffer space available" }, { EHOSTUNREACH, "No route to host" },
	{ ENETUNREACH, "Network is unreachable" }, { EADDRINUSE, "Address already in use" },
	{ ECONNRESET, "Connection reset by peer" }, { ECONNREFUSED, "Connection refused" },
	{ ENOTSUPP, "Operation not supported" }, { EKEYREJECTED, "Key was rejected by service" },
	{ ENOMEDIUM, "No medium found" }, { ELOOP, "Too many levels of symbolic links" },
	{ EXDEV, "Invalid cross-device link" }, { EMLINK, "Too many links" },
	{ ENOTBLK, "Block device required" }, { EUCLEAN, "Structure needs cleaning" },
	{ EPROTO, "Protocol error" },
	{ ESHUTDOWN, "Cannot send after transport endpoint shutdown" },
	{ EINPROGRESS, "Operation now in progress" }, { ESRCH, "No such process" },
	{ ECONNABORTED, "Software caused connection abort" },
	{ ENOTCONN, "Transport endpoint is not connected" },
};

const char *shell_strerror(int err)
{
	if (err < 0)
		err = -err;
	for (unsigned int i = 0; i < ARRAY_SIZE(errno_messages); i++)
		if (errno_messages[i].err == err)
			return errno_messages[i].message;
	return "Unknown error";
}
