/*
 * Classifying an IDE device by the signature it leaves after a reset (ATA/ATAPI-8, "Signature
 * and persistence"; the same rules as Linux's ata_sff_dev_classify). Kept free of register
 * access so the host unit test runs it on QEMU's and real hardware's register values.
 */
#include "signature.h"

#define STATUS_BSY 0x80 /* ata.h's ATA_BSY; this file stays free of the driver's headers */

/*
 * The device type a signature names. The error register holds the reset's diagnostic code:
 * 01 passed, 81 (device 0 only) passed but device 1 failed, 00 left by some devices; anything
 * else is not a device. An absent device reads status 0 (QEMU, or device 0 answering for a
 * missing device 1) or floats (0xff); a disk is ready after reset, an ATAPI device need not be.
 */
enum ata_dev_type ata_classify(const struct ata_signature *sig, int unit)
{
	u8 mid = sig->lbam, high = sig->lbah;

	if (sig->status == 0xff || (sig->status & STATUS_BSY))
		return ATA_DEV_NONE;
	if (sig->error > 0x01 && !(unit == 0 && sig->error == 0x81))
		return ATA_DEV_NONE;
	if ((mid == 0x14 && high == 0xeb) || (mid == 0x69 && high == 0x96))
		return ATA_DEV_ATAPI;
	if (((mid == 0 && high == 0) || (mid == 0x3c && high == 0xc3)) && sig->status != 0)
		return ATA_DEV_ATA;
	return ATA_DEV_NONE;
}
