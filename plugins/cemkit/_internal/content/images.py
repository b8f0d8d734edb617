"""Which files may be published as a case's figures: raster images whose bytes match their name.

A figure is copied onto the site's own origin, so a file that a browser would run (an SVG with a
script, an HTML page renamed `.png`) must never get there. A figure is accepted only when its
extension names a raster format and its first bytes are that format's signature; SVG is refused
outright, because sanitising it would need a second, stricter HTML sanitiser of its own.
"""

from __future__ import annotations

from pathlib import Path

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Largest figure accepted: phones download every figure of a page they open."""

RASTER_SUFFIXES: dict[str, str] = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".webp": "WebP",
    ".avif": "AVIF",
    ".gif": "GIF",
}
"""File extensions of the accepted formats (compared without case), with the format each names."""

HEADER_BYTES = 64
"""How many leading bytes `sniff_format` needs."""
_AVIF_BRANDS = (b"avif", b"avis")


def image_file_problem(path: Path, shown: str) -> str | None:
    """Why the file at `path` (written `shown` in the content) may not be published as a figure, or `None`."""
    if path.suffix.lower() not in RASTER_SUFFIXES:
        return image_data_problem(shown, 0, b"")
    with path.open("rb") as stream:
        header = stream.read(HEADER_BYTES)
    return image_data_problem(shown, path.stat().st_size, header)


def image_data_problem(shown: str, size: int, header: bytes) -> str | None:
    """Why an image named `shown`, of `size` bytes starting with `header`, may not be published, or `None`."""
    suffix = Path(shown).suffix.lower()
    expected = RASTER_SUFFIXES.get(suffix)
    if expected is None:
        return _suffix_problem(shown, suffix)
    if size > MAX_IMAGE_BYTES:
        return (
            f"image file '{shown}' is {size / 1048576:.1f} MB; figures may be at most {MAX_IMAGE_BYTES // 1048576} MB"
        )
    found = sniff_format(header)
    if found == expected:
        return None
    if found is None:
        return f"image file '{shown}' is not a {expected} image (its bytes do not start like one)"
    return f"image file '{shown}' holds a {found} image; rename it to end in {_suffix_of(found)}"


def sniff_format(header: bytes) -> str | None:
    """The raster format whose signature `header` starts with, or `None`."""
    if header.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if header.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if header.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        return "WebP"
    if header[4:8] == b"ftyp" and _has_avif_brand(header):
        return "AVIF"
    return None


def _has_avif_brand(header: bytes) -> bool:
    """Whether an ISO media file's `ftyp` box names an AVIF brand (major or compatible)."""
    box_size = int.from_bytes(header[:4], "big")
    end = min(max(box_size, 16), len(header))
    brands = [header[8:12], *(header[offset : offset + 4] for offset in range(16, end - 3, 4))]
    return any(brand in _AVIF_BRANDS for brand in brands)


def _suffix_problem(shown: str, suffix: str) -> str:
    accepted = ", ".join(sorted(set(RASTER_SUFFIXES.values())))
    if suffix == ".svg":
        return (
            f"SVG figures are not published ('{shown}'): an SVG can carry scripts; "
            f"export it as PNG or WebP ({accepted} are accepted)"
        )
    return f"'{shown}' is not an image this site publishes; use one of: {accepted}"


def _suffix_of(fmt: str) -> str:
    return next(suffix for suffix, name in RASTER_SUFFIXES.items() if name == fmt)
