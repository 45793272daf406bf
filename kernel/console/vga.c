/*
 * The VGA text-mode console for BIOS boots, where GRUB leaves the adapter in 80x25 EGA text
 * mode: light grey on black characters in the text buffer at 0xb8000 and the hardware cursor.
 */
#include <keel/console.h>
#include <keel/io.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include "console/textgrid.h"
#include "console/vga.h"
#include "init/bootinfo.h"

#define VGA_TEXT_PHYS 0xb8000
#define VGA_DEFAULT_COLS 80
#define VGA_DEFAULT_ROWS 25
#define VGA_MAX_COLS 132
#define VGA_MAX_ROWS 60
#define VGA_ATTR_LIGHT_GREY_ON_BLACK 0x07

#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_START 0x0a
#define CRTC_CURSOR_END 0x0b
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW 0x0f

static u16 *vga_text;
static struct text_grid vga_grid;
static u8 vga_cells[VGA_MAX_COLS * VGA_MAX_ROWS];
static u8 vga_dirty[VGA_MAX_ROWS];
static u8 vga_history[64 * 1024]; /* scrollback: 819 lines of 80 columns */

static void crtc_write(u8 reg, u8 value)
{
	outb(CRTC_INDEX, reg);
	outb(CRTC_DATA, value);
}

/*
 * The VGA ROM font is code page 437; the consoles take bytes as Latin-1. This gives the CP437
 * code of each Latin-1 character U+00A0..U+00FF, or '?' where CP437 has none.
 */
static const u8 latin1_to_cp437[96] = {
	0xff, 0xad, 0x9b, 0x9c, '?',  0x9d, '?',  0x15, '?',  '?',  0xa6, 0xae, 0xaa, '-',  '?',  '?',
	0xf8, 0xf1, 0xfd, '?',  '?',  0xe6, 0x14, 0xfa, '?',  '?',  0xa7, 0xaf, 0xac, 0xab, '?',  0xa8,
	'?',  '?',  '?',  '?',  0x8e, 0x8f, 0x92, 0x80, '?',  0x90, '?',  '?',  '?',  '?',  '?',  '?',
	'?',  0xa5, '?',  '?',  '?',  '?',  0x99, '?',  '?',  '?',  '?',  '?',  0x9a, '?',  '?',  0xe1,
	0x85, 0xa0, 0x83, '?',  0x84, 0x86, 0x91, 0x87, 0x8a, 0x82, 0x88, 0x89, 0x8d, 0xa1, 0x8c, 0x8b,
	'?',  0xa4, 0x95, 0xa2, 0x93, '?',  0x94, 0xf6, '?',  0x97, 0xa3, 0x96, 0x81, '?',  '?',  0x98,
};

static u16 vga_cell_value(u8 c)
{
	if (c >= 0xa0)
		c = latin1_to_cp437[c - 0xa0];
	else if (c >= 0x7f)
		c = '?';
	return (u16)(VGA_ATTR_LIGHT_GREY_ON_BLACK << 8) | c;
}

static void vga_draw_row(unsigned int row)
{
	const u8 *cells = text_grid_view_row(&vga_grid, row);
	u16 *dst = vga_text + (size_t)row * vga_grid.cols;

	for (unsigned int col = 0; col < vga_grid.cols; col++)
		dst[col] = vga_cell_value(cells[col]);
}

/* The hardware cursor; parked past the last cell (not shown) while scrolled back. */
static void vga_move_cursor(void)
{
	unsigned int pos = vga_grid.y * vga_grid.cols + text_grid_cursor_col(&vga_grid);

	if (vga_grid.view)
		pos = vga_grid.rows * vga_grid.cols;
	crtc_write(CRTC_CURSOR_HIGH, (u8)(pos >> 8));
	crtc_write(CRTC_CURSOR_LOW, (u8)pos);
}

/* After a scroll every row is redrawn rather than moving VGA memory: it is only 80x25 cells. */
static void vga_redraw(void)
{
	for (unsigned int row = 0; row < vga_grid.rows; row++)
		if (vga_grid.dirty[row] || vga_grid.scrolled)
			vga_draw_row(row);
	text_grid_drawn(&vga_grid);
	vga_move_cursor();
}

static void vga_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	text_grid_write(&vga_grid, s, n);
	vga_redraw();
}

static void vga_console_scrollback(struct console *con, int pages)
{
	(void)con;
	if (text_grid_scroll_view(&vga_grid, -pages * (int)(vga_grid.rows / 2)))
		vga_redraw();
}

static struct console vga_console = {
	.name = "vga",
	.write = vga_console_write,
	.scrollback = vga_console_scrollback,
};

/* The text mode geometry: from the framebuffer tag when GRUB gave one, else 80x25. */
static void vga_geometry(unsigned int *cols, unsigned int *rows)
{
	const struct boot_framebuffer *fb = &boot_info.fb;

	*cols = VGA_DEFAULT_COLS;
	*rows = VGA_DEFAULT_ROWS;
	if (boot_info.has_fb && fb->width && fb->height && fb->width <= VGA_MAX_COLS &&
	    fb->height <= VGA_MAX_ROWS && fb->pitch == fb->width * 2) {
		*cols = fb->width;
		*rows = fb->height;
	}
}

struct console *vga_console_init(void)
{
	phys_addr_t base = VGA_TEXT_PHYS;
	unsigned int cols, rows;

	if (boot_info.has_fb && boot_info.fb.addr)
		base = boot_info.fb.addr;
	if (base >= 0x100000000ull) {
		pr_warn("vga: text buffer at %#lx is outside the direct map; staying on serial\n",
			(unsigned long)base);
		return NULL;
	}
	vga_geometry(&cols, &rows);
	vga_text = phys_to_virt(base);
	text_grid_init(&vga_grid, vga_cells, vga_dirty, cols, rows);
	text_grid_set_history(&vga_grid, vga_history, sizeof(vga_history) / cols);
	/* Underline cursor on scan lines 14-15; bit 5 of CURSOR_START clear = cursor shown. */
	crtc_write(CRTC_CURSOR_START, 14);
	crtc_write(CRTC_CURSOR_END, 15);
	vga_console_write(&vga_console, "", 0);
	pr_info("vga: %ux%u text console at %#lx\n", cols, rows, (unsigned long)base);
	return &vga_console;
}
