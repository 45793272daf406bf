/* ps2.ko internals: the i8042 controller (i8042.c) and the AT keyboard on its first port (atkbd.c). */
#ifndef PS2_PS2_H
#define PS2_PS2_H

#include <keel/types.h>

#define I8042_KBD_IRQ 1

/* Controller configuration byte bits. */
#define I8042_CFG_KBD_INT 0x01
#define I8042_CFG_AUX_INT 0x02
#define I8042_CFG_KBD_DISABLE 0x10
#define I8042_CFG_AUX_DISABLE 0x20
#define I8042_CFG_TRANSLATE 0x40

struct i8042_info {
	bool dual_channel;
	u8 config; /* the configuration byte as last written */
};

/* Checks for the controller, tests it and leaves port 1 enabled, its IRQ off. 0 or -errno. */
int i8042_setup(struct i8042_info *info);
/* Writes the configuration byte (IRQ enables, translation). 0 or -ETIMEDOUT. */
int i8042_write_config(struct i8042_info *info, u8 config);

/* Low-level access, with a timeout on every wait. */
bool i8042_output_full(void);
u8 i8042_read_data(void);
int i8042_wait_read(unsigned int timeout_ms, u8 *byte);
int i8042_write_data(u8 byte);

/* The keyboard: reset, scan code set, LEDs, scanning, input device and IRQ. */
int atkbd_init(struct i8042_info *info);
void atkbd_exit(struct i8042_info *info);

#endif
