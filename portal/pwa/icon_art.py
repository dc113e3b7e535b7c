"""Draws the app's icons (a gold star on the portal's red; no official emblem image is used). The PNGs are
committed under portal/static/icons/; run `python -m portal.pwa.icon_art` again only to change the design."""
import math
from pathlib import Path

from PIL import Image, ImageDraw

RED = (163, 23, 28)  # --portal-red in portal.css
GOLD = (245, 194, 66)  # --portal-gold
ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
# (file, size, star radius as a share of the size). A maskable icon may be cut to a circle of 80 % of its
# width by the launcher, so its star stays well inside that safe zone.
VARIANTS = (("icon-192.png", 192, 0.36), ("icon-512.png", 512, 0.36), ("icon-maskable-512.png", 512, 0.27))


def star(size: int, radius_share: float) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges without an anti-aliasing drawing library
    big = size * scale
    image = Image.new("RGB", (big, big), RED)
    outer, inner = big * radius_share, big * radius_share * 0.382
    centre_x, centre_y = big / 2, big / 2 + outer * 0.08  # a star's visual centre sits below its geometric
    points = []
    for index in range(10):
        angle = -math.pi / 2 + index * math.pi / 5
        reach = outer if index % 2 == 0 else inner
        points.append((centre_x + reach * math.cos(angle), centre_y + reach * math.sin(angle)))
    ImageDraw.Draw(image).polygon(points, fill=GOLD)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for name, size, share in VARIANTS:
        star(size, share).save(ICONS / name, optimize=True)


if __name__ == "__main__":
    main()
