/*
 * The framebuffer console for UEFI boots (no VGA text mode there): draws the character grid
 * with the PSF font built into the kernel, on 32, 24 or 16 bits-per-pixel RGB framebuffers.
 *
 * Speed matters under emulation: a write first updates the character grid, then scrolls the
 * framebuffer once by however many lines it scrolled and redraws only the rows that changed.
 */
#include <keel/console.h>
#include <keel/layout.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "console/fbcon.h"
#include "console/font.h"
#include "console/textgrid.h"
#include "init/bootinfo.h"

/* Enough for 3840x2560 with an 8x16 font; a larger screen uses its top-left part. */
#define FBCON_MAX_COLS 480
#define FBCON_MAX_ROWS 160
#define CURSOR_HEIGHT 2 /* underline, in pixel rows */
#define DIRECT_MAP_LIMIT 0x100000000ull

typedef void (*draw_glyph_fn)(u8 *dst, const u8 *glyph);

static struct {
	u8 *base;
	u32 pitch, width, height;
	unsigned int bytes_per_pixel;
	u32 fg, bg; /* in the framebuffer's pixel format */
	draw_glyph_fn draw_glyph;
} fb;

static struct text_grid fb_grid;
static u8 fb_cells[FBCON_MAX_COLS * FBCON_MAX_ROWS];
static u8 fb_dirty[FBCON_MAX_ROWS];
static u8 fb_history[64 * 1024]; /* scrollback: 512 lines of 128 columns (1024 pixels) */

static inline bool glyph_bit(const u8 *row, unsigned int x)
{
	return row[x >> 3] & (0x80 >> (x & 7));
}

static void draw_glyph_32(u8 *dst, const u8 *glyph)
{
	for (unsigned int y = 0; y < font_height; y++, dst += fb.pitch) {
		u32 *px = (u32 *)dst;

		for (unsigned int x = 0; x < font_width; x++)
			px[x] = glyph_bit(glyph, x) ? fb.fg : fb.bg;
		glyph += font_bytes_per_row;
	}
}

static void draw_glyph_24(u8 *dst, const u8 *glyph)
{
	for (unsigned int y = 0; y < font_height; y++, dst += fb.pitch) {
		u8 *px = dst;

		for (unsigned int x = 0; x < font_width; x++, px += 3) {
			u32 c = glyph_bit(glyph, x) ? fb.fg : fb.bg;

			px[0] = (u8)c;
			px[1] = (u8)(c >> 8);
			px[2] = (u8)(c >> 16);
		}
		glyph += font_bytes_per_row;
	}
}

static void draw_glyph_16(u8 *dst, const u8 *glyph)
{
	for (unsigned int y = 0; y < font_height; y++, dst += fb.pitch) {
		u16 *px = (u16 *)dst;

		for (unsigned int x = 0; x < font_width; x++)
			px[x] = (u16)(glyph_bit(glyph, x) ? fb.fg : fb.bg);
		glyph += font_bytes_per_row;
	}
}

static u8 *cell_address(unsigned int col, unsigned int row)
{
	return fb.base + (size_t)row * font_height * fb.pitch +
	       (size_t)col * font_width * fb.bytes_per_pixel;
}

static void fill_pixels(u8 *dst, unsigned int count, u32 color)
{
	for (unsigned int i = 0; i < count; i++, dst += fb.bytes_per_pixel) {
		if (fb.bytes_per_pixel == 4) {
			*(u32 *)dst = color;
		} else if (fb.bytes_per_pixel == 2) {
			*(u16 *)dst = (u16)color;
		} else {
			dst[0] = (u8)color;
			dst[1] = (u8)(color >> 8);
			dst[2] = (u8)(color >> 16);
		}
	}
}

static void fill_rect(u8 *dst, unsigned int width, unsigned int height, u32 color)
{
	for (unsigned int y = 0; y < height; y++, dst += fb.pitch)
		fill_pixels(dst, width, color);
}

/* Forward copy, safe for the overlapping move of a scroll (dst below src). */
static void copy_forward(u8 *dst, const u8 *src, size_t bytes)
{
	size_t qwords = bytes / 8, rest = bytes % 8;

	__asm__ __volatile__("rep movsq" : "+D"(dst), "+S"(src), "+c"(qwords) : : "memory");
	__asm__ __volatile__("rep movsb" : "+D"(dst), "+S"(src), "+c"(rest) : : "memory");
}

static void fbcon_scroll_pixels(unsigned int lines)
{
	size_t line_bytes = (size_t)font_height * fb.pitch;

	copy_forward(fb.base, fb.base + lines * line_bytes, (fb_grid.rows - lines) * line_bytes);
}

static void fbcon_draw_row(unsigned int row)
{
	const u8 *cells = text_grid_view_row(&fb_grid, row);
	u8 *dst = cell_address(0, row);
	size_t step = (size_t)font_width * fb.bytes_per_pixel;

	for (unsigned int col = 0; col < fb_grid.cols; col++, dst += step)
		fb.draw_glyph(dst, font_glyph_for(cells[col]));
}

static void fbcon_draw_cursor(void)
{
	u8 *cell = cell_address(text_grid_cursor_col(&fb_grid), fb_grid.y);

	fill_rect(cell + (size_t)(font_height - CURSOR_HEIGHT) * fb.pitch, font_width,
		  CURSOR_HEIGHT, fb.fg);
}

/* Draws what changed; the cursor only on the live screen (not while scrolled back). */
static void fbcon_redraw(void)
{
	if (fb_grid.scrolled && fb_grid.scrolled < fb_grid.rows)
		fbcon_scroll_pixels(fb_grid.scrolled);
	for (unsigned int row = 0; row < fb_grid.rows; row++)
		if (fb_grid.dirty[row])
			fbcon_draw_row(row);
	text_grid_drawn(&fb_grid);
	if (!fb_grid.view)
		fbcon_draw_cursor();
}

static void fbcon_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	text_grid_mark_dirty(&fb_grid, fb_grid.y); /* erases the cursor drawn last time */
	text_grid_write(&fb_grid, s, n);
	fbcon_redraw();
}

static void fbcon_scrollback(struct console *con, int pages)
{
	(void)con;
	if (text_grid_scroll_view(&fb_grid, -pages * (int)(fb_grid.rows / 2)))
		fbcon_redraw();
}

static struct console fbcon_console = {
	.name = "fbcon",
	.write = fbcon_write,
	.scrollback = fbcon_scrollback,
};

/* An 8-bit channel value placed in a pixel channel of `size` bits at bit `pos`. */
static u32 pack_channel(u8 value, u8 pos, u8 size)
{
	u32 v = size >= 8 ? (u32)value << (size - 8) : (u32)value >> (8 - size);

	return pos < 32 ? v << pos : 0;
}

static u32 pack_rgb(const struct boot_framebuffer *bfb, u32 rgb)
{
	return pack_channel((u8)(rgb >> 16), bfb->red_pos, bfb->red_size) |
	       pack_channel((u8)(rgb >> 8), bfb->green_pos, bfb->green_size) |
	       pack_channel((u8)rgb, bfb->blue_pos, bfb->blue_size);
}

static int fbcon_check(const struct boot_framebuffer *bfb)
{
	u64 size = (u64)bfb->pitch * bfb->height;

	if (bfb->bpp != 32 && bfb->bpp != 24 && bfb->bpp != 16 && bfb->bpp != 15) {
		pr_warn("fbcon: %u bits per pixel is not supported; staying on serial\n", bfb->bpp);
		return -1;
	}
	if (bfb->addr >= DIRECT_MAP_LIMIT || size > DIRECT_MAP_LIMIT - bfb->addr) {
		pr_warn("fbcon: framebuffer at %#lx is above 4 GiB, outside the direct map; "
			"staying on serial\n", (unsigned long)bfb->addr);
		return -1;
	}
	if (bfb->width < font_width || bfb->height < font_height ||
	    bfb->pitch < (u64)bfb->width * ((bfb->bpp + 7) / 8)) { /* u32 product would wrap */
		pr_warn("fbcon: framebuffer geometry %ux%u pitch %u is unusable; staying on serial\n",
			bfb->width, bfb->height, bfb->pitch);
		return -1;
	}
	return 0;
}

static void fbcon_setup(const struct boot_framebuffer *bfb)
{
	fb.base = phys_to_virt(bfb->addr);
	fb.pitch = bfb->pitch;
	fb.width = bfb->width;
	fb.height = bfb->height;
	fb.bytes_per_pixel = (bfb->bpp + 7) / 8;
	fb.fg = pack_rgb(bfb, FBCON_FG_RGB);
	fb.bg = pack_rgb(bfb, FBCON_BG_RGB);
	if (fb.bytes_per_pixel == 4)
		fb.draw_glyph = draw_glyph_32;
	else if (fb.bytes_per_pixel == 3)
		fb.draw_glyph = draw_glyph_24;
	else
		fb.draw_glyph = draw_glyph_16;
}

struct console *fbcon_init(void)
{
	const struct boot_framebuffer *bfb = &boot_info.fb;
	unsigned int cols, rows;

	if (fbcon_check(bfb) < 0)
		return NULL;
	fbcon_setup(bfb);
	cols = min_t(unsigned int, fb.width / font_width, FBCON_MAX_COLS);
	rows = min_t(unsigned int, fb.height / font_height, FBCON_MAX_ROWS);
	text_grid_init(&fb_grid, fb_cells, fb_dirty, cols, rows);
	text_grid_set_history(&fb_grid, fb_history, sizeof(fb_history) / cols);
	fill_rect(fb.base, fb.width, fb.height, fb.bg); /* GRUB's leftovers, margins included */
	fbcon_write(&fbcon_console, "", 0);
	pr_info("fbcon: %ux%u %u bpp framebuffer at %#lx, %ux%u text with a %ux%u font\n",
		fb.width, fb.height, bfb->bpp, (unsigned long)bfb->addr, cols, rows, font_width,
		font_height);
	return &fbcon_console;
}
