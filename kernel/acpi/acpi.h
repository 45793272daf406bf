/* ACPI tables for power-off and reset. */
#ifndef KEEL_ACPI_ACPI_H
#define KEEL_ACPI_ACPI_H

void acpi_init(void);
int acpi_poweroff(void);        /* returns only on failure (negative errno) */
void machine_reboot(void);      /* ACPI reset register, then 8042 pulse, then triple fault */

#endif
