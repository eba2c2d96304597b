"""Draw the app icons (PNG) with the standard library only: a white figure in a low lunge
(the classic hip flexor stretch) on the theme colour.

    .venv/bin/python tools/make_icons.py            # writes webapp/static/icons/*.png

Writes icon-192.png and icon-512.png (purpose "any": rounded square, figure fills most of it),
icon-maskable-512.png (full-bleed background, figure inside the central 80% safe circle) and
apple-touch-icon.png (180 px, full-bleed, iOS rounds it itself). Output is deterministic, so
re-running it changes no bytes unless the drawing changes.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

THEME = (0x0B, 0x5D, 0x4B)  # #0b5d4b, the manifest's theme_color
INK = (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parent.parent / "webapp" / "static" / "icons"

# The figure, in a unit square (x right, y down): head, then capsules (line segments with width).
HEAD = ((0.50, 0.20), 0.080)
STROKE = 0.060
LIMBS = [
    ((0.50, 0.31), (0.46, 0.56)),  # torso, upright
    ((0.46, 0.56), (0.67, 0.56)),  # front thigh
    ((0.67, 0.56), (0.69, 0.80)),  # front shin, foot flat
    ((0.69, 0.80), (0.78, 0.80)),  # front foot
    ((0.46, 0.56), (0.34, 0.80)),  # back thigh, knee down
    ((0.34, 0.80), (0.13, 0.80)),  # back shin on the floor
    ((0.495, 0.36), (0.62, 0.47)),  # arm, hand resting on the front knee
]
FLOOR = (((0.06, 0.88), (0.94, 0.88)), 0.022)


def _seg_dist(px, py, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _figure_coverage(x, y):
    """Signed distance (unit-square units) from point to the figure's edge: negative inside."""
    (hx, hy), hr = HEAD
    d = math.hypot(x - hx, y - hy) - hr
    for a, b in LIMBS:
        d = min(d, _seg_dist(x, y, a, b) - STROKE / 2)
    (fa, fb), fw = FLOOR
    d = min(d, _seg_dist(x, y, fa, fb) - fw / 2)
    return d


def _rounded_square_dist(x, y, radius):
    """Signed distance to a rounded square filling the unit square."""
    qx = abs(x - 0.5) - (0.5 - radius)
    qy = abs(y - 0.5) - (0.5 - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def render(size: int, *, maskable: bool, full_bleed: bool) -> bytes:
    """RGBA rows for one icon. The figure box is scaled into the icon: 84% for "any",
    64% for maskable (so it sits well inside the 80% safe circle)."""
    scale = 0.64 if maskable else 0.84
    offset = (1 - scale) / 2
    px = 1.0 / size
    rows = bytearray()
    for j in range(size):
        rows.append(0)  # filter type None
        y = (j + 0.5) / size
        for i in range(size):
            x = (i + 0.5) / size
            if full_bleed:
                bg_alpha = 1.0
            else:
                bg_alpha = min(1.0, max(0.0, 0.5 - _rounded_square_dist(x, y, 0.18) / px))
            fx, fy = (x - offset) / scale, (y - offset) / scale
            ink = min(1.0, max(0.0, 0.5 - _figure_coverage(fx, fy) * scale / px))
            r = THEME[0] + (INK[0] - THEME[0]) * ink
            g = THEME[1] + (INK[1] - THEME[1]) * ink
            b = THEME[2] + (INK[2] - THEME[2]) * ink
            a = max(bg_alpha, ink if bg_alpha > 0 else 0.0)
            rows += bytes((round(r), round(g), round(b), round(a * 255)))
    return bytes(rows)


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


ICONS = {
    "icon-192.png": (192, False, False),
    "icon-512.png": (512, False, False),
    "icon-maskable-512.png": (512, True, True),
    "apple-touch-icon.png": (180, False, True),
}


def main(argv: list[str] | None = None) -> int:
    out = Path(argv[0]) if argv else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable, full_bleed) in ICONS.items():
        (out / name).write_bytes(png(size, render(size, maskable=maskable, full_bleed=full_bleed)))
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
