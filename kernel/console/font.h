/*
 * The framebuffer console's bitmap font. The definitions are generated at build time by
 * tools/psf2c.py from a console-setup PSF font into $(BUILD)/generated/font_data.c.
 */
#ifndef KEEL_CONSOLE_FONT_H
#define KEEL_CONSOLE_FONT_H

#include <keel/types.h>

extern const unsigned int font_width, font_height; /* glyph size in pixels */
extern const unsigned int font_bytes_per_row;       /* (font_width + 7) / 8 */
extern const unsigned int font_glyph_count;
/* Glyph N is font_height rows of font_bytes_per_row bytes each, leftmost pixel in bit 7. */
extern const u8 font_glyphs[];
/* The glyph for each code point U+0000..U+00FF ('?' where the font has none). */
extern const u16 font_latin1_map[256];

static inline const u8 *font_glyph_for(u8 latin1)
{
	return font_glyphs + (size_t)font_latin1_map[latin1] * font_height * font_bytes_per_row;
}

#endif
