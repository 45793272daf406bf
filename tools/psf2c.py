#!/usr/bin/python3
"""Converts a PC Screen Font (PSF1 or PSF2, optionally gzip-compressed) into a C source file.

Usage: psf2c.py FONT.psf[.gz] OUTPUT.c

The output defines what kernel/console/font.h declares: the glyph bitmaps (rows of
font_bytes_per_row bytes, most significant bit leftmost), the glyph geometry, and
font_latin1_map[256], which gives the glyph for each code point U+0000..U+00FF. The map comes
from the font's Unicode table when it has one; code points the font lacks get the glyph for '?'.
Without a table, glyph N is taken to be code point N.
"""
import gzip
import os
import struct
import sys
import zlib

PSF1_MAGIC = b"\x36\x04"
PSF1_MODE512 = 0x01
PSF1_MODEHASTAB = 0x02
PSF1_MODESEQ = 0x04
PSF1_SEPARATOR = 0xFFFF
PSF1_STARTSEQ = 0xFFFE

PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HAS_UNICODE_TABLE = 0x01
PSF2_SEPARATOR = 0xFF
PSF2_STARTSEQ = 0xFE


class FontError(Exception):
    pass


class Font:
    def __init__(self, width, height, glyphs, unicode_table):
        self.width = width
        self.height = height
        self.glyphs = glyphs  # list of bytes objects, one per glyph
        self.unicode_table = unicode_table  # list (per glyph) of code point lists, or None


def parse_psf1_table(data, count):
    """PSF1 table: per glyph, little-endian u16 code points, optional sequences, then 0xFFFF."""
    table = []
    pos = 0
    for _ in range(count):
        points = []
        in_sequence = False
        while True:
            if pos + 2 > len(data):
                raise FontError("PSF1 Unicode table is truncated")
            (value,) = struct.unpack_from("<H", data, pos)
            pos += 2
            if value == PSF1_SEPARATOR:
                break
            if value == PSF1_STARTSEQ:
                in_sequence = True  # combining sequences draw one glyph; only single points map
            elif not in_sequence:
                points.append(value)
        table.append(points)
    return table


def parse_psf1(data):
    if len(data) < 4:
        raise FontError("PSF1 header is truncated")
    mode, charsize = data[2], data[3]
    count = 512 if mode & PSF1_MODE512 else 256
    end = 4 + count * charsize
    if charsize == 0 or len(data) < end:
        raise FontError("PSF1 glyph data is truncated")
    glyphs = [data[4 + i * charsize:4 + (i + 1) * charsize] for i in range(count)]
    table = None
    if mode & (PSF1_MODEHASTAB | PSF1_MODESEQ):
        table = parse_psf1_table(data[end:], count)
    return Font(8, charsize, glyphs, table)


def parse_psf2_table(data, count):
    """PSF2 table: per glyph, UTF-8 code points, optional 0xFE sequences, then 0xFF."""
    table = []
    pos = 0
    for _ in range(count):
        end = data.find(bytes([PSF2_SEPARATOR]), pos)
        if end < 0:
            raise FontError("PSF2 Unicode table is truncated")
        singles = data[pos:end].split(bytes([PSF2_STARTSEQ]))[0]
        try:
            table.append([ord(c) for c in singles.decode("utf-8")])
        except UnicodeDecodeError as e:
            raise FontError("PSF2 Unicode table has bad UTF-8: %s" % e)
        pos = end + 1
    return table


def parse_psf2(data):
    if len(data) < 32:
        raise FontError("PSF2 header is truncated")
    _, _, headersize, flags, count, charsize, height, width = struct.unpack_from("<4s7I", data)
    if width == 0 or height == 0 or count == 0 or charsize != height * ((width + 7) // 8):
        raise FontError("PSF2 header is inconsistent (%ux%u, %u bytes/glyph)"
                        % (width, height, charsize))
    end = headersize + count * charsize
    if len(data) < end:
        raise FontError("PSF2 glyph data is truncated")
    glyphs = [data[headersize + i * charsize:headersize + (i + 1) * charsize]
              for i in range(count)]
    table = None
    if flags & PSF2_HAS_UNICODE_TABLE:
        table = parse_psf2_table(data[end:], count)
    return Font(width, height, glyphs, table)


def parse_font(data):
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:4] == PSF2_MAGIC:
        return parse_psf2(data)
    if data[:2] == PSF1_MAGIC:
        return parse_psf1(data)
    raise FontError("not a PSF1 or PSF2 font")


def latin1_map(font):
    """Glyph index for each code point 0..255."""
    count = len(font.glyphs)
    if font.unicode_table is None:
        mapping = {cp: cp for cp in range(min(256, count))}
    else:
        mapping = {}
        for glyph, points in enumerate(font.unicode_table):
            for cp in points:
                if cp < 256 and cp not in mapping:
                    mapping[cp] = glyph
    fallback = mapping.get(ord("?"), 0)
    return [mapping.get(cp, fallback) for cp in range(256)]


def format_bytes(values, per_line):
    lines = []
    for i in range(0, len(values), per_line):
        lines.append("\t" + " ".join("0x%02x," % v for v in values[i:i + per_line]))
    return "\n".join(lines)


def emit_c(font, source_name):
    glyph_bytes = len(font.glyphs[0])
    bitmap = b"".join(font.glyphs)
    mapping = latin1_map(font)
    out = [
        "/* Generated by tools/psf2c.py from %s: do not edit. */" % source_name,
        '#include "console/font.h"',
        "",
        "const unsigned int font_width = %u;" % font.width,
        "const unsigned int font_height = %u;" % font.height,
        "const unsigned int font_bytes_per_row = %u;" % ((font.width + 7) // 8),
        "const unsigned int font_glyph_count = %u;" % len(font.glyphs),
        "",
        "const u8 font_glyphs[%u] = {" % len(bitmap),
        format_bytes(bitmap, glyph_bytes if glyph_bytes <= 16 else 16),
        "};",
        "",
        "const u16 font_latin1_map[256] = {",
    ]
    for i in range(0, 256, 16):
        out.append("\t" + " ".join("%u," % g for g in mapping[i:i + 16]))
    out += ["};", ""]
    return "\n".join(out)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: psf2c.py FONT.psf[.gz] OUTPUT.c\n")
        return 2
    try:
        with open(argv[1], "rb") as f:
            font = parse_font(f.read())
    except (OSError, EOFError, zlib.error, FontError) as e:
        sys.stderr.write("psf2c: %s: %s\n" % (argv[1], e))
        return 1
    text = emit_c(font, argv[1].rsplit("/", 1)[-1])
    with open(argv[2] + ".tmp", "w") as f:
        f.write(text)
    os.replace(argv[2] + ".tmp", argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
