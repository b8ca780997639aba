#!/usr/bin/env python3
"""Draws Konter's app icons: a rounded green square with a white "K", as RGBA PNGs.

Standard library only (zlib + struct), so the icons can be rebuilt anywhere:

    python3 icons/make_icons.py

The shapes are defined on a 0..1 square and sampled 4x4 per pixel, so every size gets
smooth edges from the same drawing.
"""

import os
import struct
import zlib

GREEN = (22, 128, 61)  # the counter's "online" green
WHITE = (255, 255, 255)
SUPERSAMPLE = 4
CORNER = 0.22  # corner radius as a share of the side

# The "K" from three shapes in unit coordinates: a vertical bar and two slanted arms, each
# arm a quadrilateral given by its corners (clockwise).
STEM = (0.28, 0.20, 0.42, 0.80)  # x0, y0, x1, y1
UPPER_ARM = [(0.40, 0.52), (0.62, 0.20), (0.78, 0.20), (0.50, 0.58)]
LOWER_ARM = [(0.42, 0.47), (0.54, 0.38), (0.80, 0.80), (0.62, 0.80)]

SIZES = {
    "32x32.png": 32,
    "128x128.png": 128,
    "128x128@2x.png": 256,
    "icon.png": 512,
}


def in_rounded_square(x: float, y: float) -> bool:
    """Whether (x, y) lies in the unit square with rounded corners."""
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        return False
    cx = min(max(x, CORNER), 1.0 - CORNER)
    cy = min(max(y, CORNER), 1.0 - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


def in_convex(poly, x: float, y: float) -> bool:
    """Whether (x, y) lies inside a convex polygon given clockwise in screen coordinates."""
    sign = 0
    for i, (ax, ay) in enumerate(poly):
        bx, by = poly[(i + 1) % len(poly)]
        cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
        if cross != 0:
            s = 1 if cross > 0 else -1
            if sign == 0:
                sign = s
            elif s != sign:
                return False
    return True


def in_k(x: float, y: float) -> bool:
    x0, y0, x1, y1 = STEM
    if x0 <= x <= x1 and y0 <= y <= y1:
        return True
    return in_convex(UPPER_ARM, x, y) or in_convex(LOWER_ARM, x, y)


def render(size: int) -> bytes:
    """Raw RGBA rows, each prefixed with PNG filter byte 0."""
    rows = bytearray()
    n = SUPERSAMPLE * SUPERSAMPLE
    for py in range(size):
        rows.append(0)
        for px in range(size):
            bg = 0
            fg = 0
            for sy in range(SUPERSAMPLE):
                for sx in range(SUPERSAMPLE):
                    x = (px + (sx + 0.5) / SUPERSAMPLE) / size
                    y = (py + (sy + 0.5) / SUPERSAMPLE) / size
                    if in_rounded_square(x, y):
                        if in_k(x, y):
                            fg += 1
                        else:
                            bg += 1
            covered = bg + fg
            if covered == 0:
                rows += bytes((0, 0, 0, 0))
                continue
            # Colour is the mix of what the covered samples hit; alpha is the coverage.
            rgb = tuple((GREEN[i] * bg + WHITE[i] * fg) // covered for i in range(3))
            alpha = (255 * covered + n // 2) // n
            rows += bytes((*rgb, alpha))
    return bytes(rows)


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(size: int) -> bytes:
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(render(size), 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    for name, size in SIZES.items():
        with open(os.path.join(here, name), "wb") as f:
            f.write(png(size))
        print(f"{name} {size}x{size}")


if __name__ == "__main__":
    main()
