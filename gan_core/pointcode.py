"""Drawn points in a short, URL-safe code: what the Playground link keeps of a drawing.

A drawing lives on the unit square. Each point is kept as its cell on a GRID x GRID
lattice (one byte per coordinate: 1/256 of the canvas, under two pixels of it), the
cells sorted (a drawing is a set of points: order carries nothing, and sorted bytes
compress better), deflated, and written in base64url after a version letter.
2,000 points (the most a drawing holds) make at most MAX_CODE_CHARS characters.

Decoding trusts nothing: its input is a link anyone can write. It bounds the text, the
inflated size and the point count, and raises PointCodeError with a message for the user.
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import zlib

import numpy as np

from .i18n import Msg

GRID = 256
MAX_POINTS = 2000
VERSION = "1"
MAX_CODE_CHARS = 6000  # base64 of 4,000 incompressible bytes plus deflate's overhead: ~5,360
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class PointCodeError(ValueError):
    """A code that cannot be read; the message says why, for the user."""


def quantise(points) -> np.ndarray:
    """(N, 2) points on the unit square -> (N, 2) uint8 cells (outside points clamp)."""
    p = np.asarray(points, np.float64).reshape(-1, 2)
    return np.clip(np.floor(p * GRID), 0, GRID - 1).astype(np.uint8)


def cell_points(cells) -> np.ndarray:
    """(N, 2) cells -> (N, 2) float32 points at the cells' centres, on the unit square."""
    return ((np.asarray(cells, np.float64).reshape(-1, 2) + 0.5) / GRID).astype(np.float32)


def canonical(cells) -> np.ndarray:
    """The cells sorted by x then y: the one order a code has."""
    c = np.asarray(cells, np.uint8).reshape(-1, 2)
    return c[np.lexsort((c[:, 1], c[:, 0]))]


def encode(cells) -> str:
    """(N, 2) uint8 cells (N <= MAX_POINTS) -> code; '' for no points."""
    c = canonical(cells)
    if len(c) > MAX_POINTS:
        raise PointCodeError(Msg("errors.draw.too_many", limit=MAX_POINTS, n=len(c)))
    if not len(c):
        return ""
    packed = zlib.compress(c.tobytes(), 9)
    return VERSION + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(code: str) -> np.ndarray:
    """code -> (N, 2) uint8 cells, sorted; raises PointCodeError for anything else."""
    if not isinstance(code, str) or len(code) > MAX_CODE_CHARS:
        raise PointCodeError(Msg("errors.draw.too_long", limit=MAX_CODE_CHARS))
    if not code:
        return np.zeros((0, 2), np.uint8)
    if code[0] != VERSION:
        raise PointCodeError(Msg("errors.draw.format"))
    raw = _inflate(_unbase64(code[1:]))
    if len(raw) % 2:
        raise PointCodeError(Msg("errors.draw.odd_bytes"))
    return canonical(np.frombuffer(raw, np.uint8))


def _unbase64(text: str) -> bytes:
    if not _B64URL.fullmatch(text):  # b64decode would skip stray characters silently
        raise PointCodeError(Msg("errors.draw.not_base64"))
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise PointCodeError(Msg("errors.draw.not_base64")) from None


def _inflate(packed: bytes) -> bytes:
    """Inflated bytes, refusing more than MAX_POINTS points' worth (a small code can
    inflate to gigabytes)."""
    d = zlib.decompressobj()
    try:
        raw = d.decompress(packed, 2 * MAX_POINTS + 1)
    except zlib.error:
        raise PointCodeError(Msg("errors.draw.not_deflate")) from None
    if len(raw) > 2 * MAX_POINTS or d.unconsumed_tail:
        raise PointCodeError(Msg("errors.draw.link_too_many", limit=MAX_POINTS))
    if not d.eof:
        raise PointCodeError(Msg("errors.draw.cut_short"))
    return raw


def to_csv(points) -> bytes:
    """(N, 2) points -> 'x,y' CSV with a header: the file a drawing downloads as, and what
    it is validated as (the CSV upload's own checks)."""
    buf = io.StringIO()
    buf.write("x,y\n")
    np.savetxt(buf, np.asarray(points, np.float64).reshape(-1, 2), fmt="%.6g", delimiter=",")
    return buf.getvalue().encode("ascii")
