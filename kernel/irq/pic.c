/*
 * The 8259A pair: remapped away from the CPU exception vectors, all lines masked until a driver
 * asks for one, end-of-interrupt handling, and spurious IRQ 7/15 detection through the ISR.
 */
#include <keel/io.h>
#include "irq/irq_internal.h"
#include "irq/pic.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01
#define OCW2_EOI 0x20
#define OCW3_READ_ISR 0x0b
#define PIC_CASCADE_IRQ 2
#define PIC_SPURIOUS_BIT 0x80 /* IR7 of either chip */

static u8 mask_master = 0xff, mask_slave = 0xff;

static void pic_write_masks(void)
{
	outb(PIC1_DATA, mask_master);
	outb(PIC2_DATA, mask_slave);
}

void pic_init(unsigned int vector_base)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC1_DATA, vector_base);
	io_wait();
	outb(PIC2_DATA, vector_base + 8);
	io_wait();
	outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ); /* slave on IR2 */
	io_wait();
	outb(PIC2_DATA, PIC_CASCADE_IRQ);      /* slave's cascade identity */
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	/* The cascade line stays open; the slave's own lines are masked one by one. */
	mask_master = (u8)~(1 << PIC_CASCADE_IRQ);
	mask_slave = 0xff;
	pic_write_masks();
}

void pic_mask(unsigned int irq)
{
	/* Masking the cascade would silence every slave line (IRQ 8-15) with it. */
	if (irq == PIC_CASCADE_IRQ)
		return;
	if (irq < 8)
		mask_master |= 1 << irq;
	else
		mask_slave |= 1 << (irq - 8);
	pic_write_masks();
}

void pic_unmask(unsigned int irq)
{
	if (irq < 8)
		mask_master &= ~(1 << irq);
	else
		mask_slave &= ~(1 << (irq - 8));
	pic_write_masks();
}

void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

static u8 pic_read_isr(u16 cmd_port)
{
	outb(cmd_port, OCW3_READ_ISR);
	return inb(cmd_port);
}

bool pic_is_spurious(unsigned int irq)
{
	if (irq == 7)
		return !(pic_read_isr(PIC1_CMD) & PIC_SPURIOUS_BIT);
	if (irq == 15 && !(pic_read_isr(PIC2_CMD) & PIC_SPURIOUS_BIT)) {
		/* The master did see a real request on its cascade line. */
		outb(PIC1_CMD, OCW2_EOI);
		return true;
	}
	return false;
}

void pic_disable(void)
{
	mask_master = mask_slave = 0xff;
	pic_write_masks();
}

static void pic_chip_mask(unsigned int irq, void *chip_data, u32 hwirq)
{
	pic_mask(hwirq);
}

static void pic_chip_unmask(unsigned int irq, void *chip_data, u32 hwirq)
{
	pic_unmask(hwirq);
}

static void pic_chip_eoi(unsigned int irq, void *chip_data, u32 hwirq)
{
	pic_eoi(hwirq);
}

static bool pic_chip_spurious(unsigned int irq, void *chip_data, u32 hwirq)
{
	return pic_is_spurious(hwirq);
}

const struct irq_chip pic_chip = {
	.name = "XT-PIC",
	.irq_mask = pic_chip_mask,
	.irq_unmask = pic_chip_unmask,
	.irq_eoi = pic_chip_eoi,
	.irq_is_spurious = pic_chip_spurious,
};
