/*
 * Device signatures: what an IDE device leaves in its registers after a reset, and the device
 * type they name. Pure logic, shared by probe.c and the host unit test
 * (tests/unit/test_ata_signature.c).
 */
#ifndef ATA_SIGNATURE_H
#define ATA_SIGNATURE_H

#include <keel/types.h>

enum ata_dev_type { ATA_DEV_NONE, ATA_DEV_ATA, ATA_DEV_ATAPI };

/* Registers read after the reset, with only the device register written since. */
struct ata_signature {
	u8 status, error, lbam, lbah;
};

/* The type unit (0 master, 1 slave) has according to its signature. */
enum ata_dev_type ata_classify(const struct ata_signature *sig, int unit);

#endif
