/* The two cascaded 8259A interrupt controllers of the PC. */
#ifndef KEEL_IRQ_PIC_H
#define KEEL_IRQ_PIC_H

#include <keel/types.h>

void pic_init(unsigned int vector_base); /* remap to vector_base.., every line masked */
void pic_mask(unsigned int irq);
void pic_unmask(unsigned int irq);
void pic_eoi(unsigned int irq);
void pic_disable(void); /* every line masked, the cascade too: the APIC took over */
/* For IRQ 7 and 15: true when the line is not in service (a spurious interrupt). Handles the
 * master's EOI a spurious slave interrupt still needs; the caller then sends no EOI. */
bool pic_is_spurious(unsigned int irq);

#endif
