/*
 * NVMe completion status codes in words (NVMe 1.4, 4.6.1.2: generic, command specific and
 * media and data integrity errors), for the one-line messages failures are reported in.
 */
#include "nvme.h"

struct nvme_status_name {
	u16 code; /* SCT << 8 | SC */
	const char *name;
};

static const struct nvme_status_name nvme_status_names[] = {
	{ 0x001, "Invalid Command Opcode" },
	{ 0x002, "Invalid Field in Command" },
	{ 0x003, "Command ID Conflict" },
	{ 0x004, "Data Transfer Error" },
	{ 0x005, "Commands Aborted due to Power Loss" },
	{ 0x006, "Internal Error" },
	{ 0x007, "Command Abort Requested" },
	{ 0x008, "Command Aborted due to SQ Deletion" },
	{ 0x00b, "Invalid Namespace or Format" },
	{ 0x00c, "Command Sequence Error" },
	{ 0x00f, "Invalid Use of Controller Memory Buffer" },
	{ 0x013, "Invalid PRP Offset" },
	{ 0x080, "LBA Out of Range" },
	{ 0x081, "Capacity Exceeded" },
	{ 0x082, "Namespace Not Ready" },
	{ 0x100, "Completion Queue Invalid" },
	{ 0x101, "Invalid Queue Identifier" },
	{ 0x102, "Invalid Queue Size" },
	{ 0x108, "Invalid Interrupt Vector" },
	{ 0x10a, "Invalid Format" },
	{ 0x10b, "Invalid Queue Deletion" },
	{ 0x10d, "Feature Not Changeable" },
	{ 0x180, "Conflicting Attributes" },
	{ 0x182, "Attempted Write to Read Only Range" },
	{ 0x280, "Write Fault" },
	{ 0x281, "Unrecovered Read Error" },
	{ 0x282, "End-to-end Guard Check Error" },
	{ 0x283, "End-to-end Application Tag Check Error" },
	{ 0x284, "End-to-end Reference Tag Check Error" },
	{ 0x285, "Compare Failure" },
	{ 0x286, "Access Denied" },
	{ 0x287, "Deallocated or Unwritten Logical Block" },
};

/* status is the completion's status field (without the phase tag). */
const char *nvme_status_name(u16 status)
{
	u16 code = (u16)(NVME_SCT(status) << 8 | NVME_SC(status));

	for (unsigned int i = 0; i < ARRAY_SIZE(nvme_status_names); i++)
		if (nvme_status_names[i].code == code)
			return nvme_status_names[i].name;
	switch (NVME_SCT(status)) {
	case 0: return "Generic Command Status";
	case 1: return "Command Specific Status";
	case 2: return "Media and Data Integrity Error";
	case 3: return "Path Related Status";
	default: return "Vendor Specific Status";
	}
}
