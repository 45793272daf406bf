/*
 * Host test of ata.ko's device classification (modules/ata/signature.c) on the register values
 * QEMU and real IDE hardware leave after a reset: disks, ATAPI and SATA signatures, absent
 * units (status 0, floating 0xff), a device still busy, and the diagnostic codes in the error
 * register (01 passed, 81 on device 0 only, 00 tolerated, anything else no device).
 */
/* UNIT_SOURCES: modules/ata/signature.c */
#include "../../modules/ata/signature.h"
#include "unit.h"

static enum ata_dev_type classify(u8 status, u8 error, u8 lbam, u8 lbah, int unit)
{
	struct ata_signature sig = { .status = status, .error = error, .lbam = lbam, .lbah = lbah };

	return ata_classify(&sig, unit);
}

static void test_present_devices(void)
{
	/* QEMU's disk (status DRDY|DSC) and CD (status 0) after SRST, as master and slave. */
	CHECK_INT(classify(0x50, 0x01, 0x00, 0x00, 0), ATA_DEV_ATA);
	CHECK_INT(classify(0x50, 0x01, 0x00, 0x00, 1), ATA_DEV_ATA);
	CHECK_INT(classify(0x00, 0x01, 0x14, 0xeb, 0), ATA_DEV_ATAPI);
	CHECK_INT(classify(0x00, 0x01, 0x14, 0xeb, 1), ATA_DEV_ATAPI);
	/* SATA signatures behind a PATA-compatible controller. */
	CHECK_INT(classify(0x50, 0x01, 0x3c, 0xc3, 0), ATA_DEV_ATA);
	CHECK_INT(classify(0x00, 0x01, 0x69, 0x96, 1), ATA_DEV_ATAPI);
	/* Device 0 passed while device 1 failed its diagnostics: device 0 still counts. */
	CHECK_INT(classify(0x50, 0x81, 0x00, 0x00, 0), ATA_DEV_ATA);
	/* Some devices leave the diagnostic code at 0: accepted, as libata does. */
	CHECK_INT(classify(0x50, 0x00, 0x00, 0x00, 0), ATA_DEV_ATA);
}

static void test_absent_devices(void)
{
	/* QEMU: an absent slave reads status and error 0 and its own (0xff) signature. */
	CHECK_INT(classify(0x00, 0x00, 0xff, 0xff, 1), ATA_DEV_NONE);
	/* QEMU: an absent master next to a slave reads DRDY with the 0xff signature. */
	CHECK_INT(classify(0x50, 0x01, 0xff, 0xff, 0), ATA_DEV_NONE);
	/* A channel without devices reads all zeros in QEMU: status 0 is not a disk. */
	CHECK_INT(classify(0x00, 0x00, 0x00, 0x00, 0), ATA_DEV_NONE);
	CHECK_INT(classify(0x00, 0x00, 0x00, 0x00, 1), ATA_DEV_NONE);
	/* A floating bus reads 0xff everywhere. */
	CHECK_INT(classify(0xff, 0xff, 0xff, 0xff, 0), ATA_DEV_NONE);
	/* Still busy after the reset's timeout: nothing to identify. */
	CHECK_INT(classify(0x80, 0x01, 0x00, 0x00, 1), ATA_DEV_NONE);
	CHECK_INT(classify(0xd0, 0x01, 0x14, 0xeb, 0), ATA_DEV_NONE);
	/* 0x81 is only device 0's code; other codes mean the device failed or is not there. */
	CHECK_INT(classify(0x50, 0x81, 0x00, 0x00, 1), ATA_DEV_NONE);
	CHECK_INT(classify(0x50, 0x02, 0x00, 0x00, 0), ATA_DEV_NONE);
	CHECK_INT(classify(0x00, 0x7f, 0x14, 0xeb, 1), ATA_DEV_NONE);
	/* Signatures of neither kind. */
	CHECK_INT(classify(0x50, 0x01, 0x14, 0x00, 0), ATA_DEV_NONE);
	CHECK_INT(classify(0x50, 0x01, 0x00, 0xeb, 0), ATA_DEV_NONE);
	CHECK_INT(classify(0x50, 0x01, 0xaa, 0x55, 1), ATA_DEV_NONE);
}

int main(void)
{
	test_present_devices();
	test_absent_devices();
	return unit_summary();
}
