"""The drawn points' link code (gan_core.pointcode): round trips, bounds, and hostile input."""
from __future__ import annotations

import base64
import re
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gan_core import pointcode as P
from gan_core.distributions import parse_points_csv

cells = st.integers(1, P.MAX_POINTS).flatmap(
    lambda n: arrays(np.uint8, (n, 2), elements=st.integers(0, P.GRID - 1)))


@settings(max_examples=60, deadline=None)
@given(cells)
def test_round_trip_keeps_every_point_in_canonical_order(c):
    code = P.encode(c)
    assert re.fullmatch(r"1[A-Za-z0-9_-]+", code)  # URL-safe, no padding to escape
    assert len(code) <= P.MAX_CODE_CHARS
    back = P.decode(code)
    assert sorted(map(tuple, back.tolist())) == sorted(map(tuple, c.tolist()))
    assert P.encode(back) == code  # one code per set of points
    assert P.encode(c[::-1]) == code  # order carries nothing


def test_worst_case_length_is_within_the_bound():
    rng = np.random.default_rng(0)
    c = rng.integers(0, P.GRID, (P.MAX_POINTS, 2)).astype(np.uint8)
    assert len(P.encode(c)) <= P.MAX_CODE_CHARS


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (20, 2), elements=st.floats(0, 1)))
def test_quantise_is_within_half_a_cell(p):
    back = P.cell_points(P.quantise(p))
    assert np.abs(back - p).max() <= 0.5 / P.GRID + 1e-7
    np.testing.assert_array_equal(P.quantise(back), P.quantise(p))


def test_quantise_clamps_points_off_the_canvas():
    np.testing.assert_array_equal(P.quantise([[-0.5, 1.0], [2.0, 0.999]]), [[0, 255], [255, 255]])


def test_empty_and_too_many():
    assert P.encode(np.zeros((0, 2), np.uint8)) == ""
    assert P.decode("").shape == (0, 2)
    with pytest.raises(P.PointCodeError, match="at most"):
        P.encode(np.zeros((P.MAX_POINTS + 1, 2), np.uint8))


def _code(raw: bytes) -> str:
    return "1" + base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize("code, message", [
    ("x" * (P.MAX_CODE_CHARS + 1), "longer than"),
    ("2abc", "format"),
    ("1***", "base64url"),
    ("1" + base64.urlsafe_b64encode(b"not deflate").decode().rstrip("="), "deflate"),
    (_code(bytes(3)), "odd number"),
    (_code(bytes(2 * P.MAX_POINTS + 2)), "more than"),
    (_code(bytes(50_000_000))[:P.MAX_CODE_CHARS], "more than"),  # a bomb, cut to fit: still refused
    (_code(bytes(40))[:-4], "cut short"),
])
def test_hostile_codes_get_a_message(code, message):
    with pytest.raises(P.PointCodeError, match=message):
        P.decode(code)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_decodes_or_says_why(text):
    try:
        out = P.decode(text)
    except P.PointCodeError:
        return
    assert out.dtype == np.uint8 and out.shape[1] == 2 and len(out) <= P.MAX_POINTS


def test_csv_goes_through_the_upload_parser():
    pts = P.cell_points(np.array([[0, 0], [10, 200], [255, 255]] * 4, np.uint8))
    np.testing.assert_allclose(parse_points_csv(P.to_csv(pts)), pts, atol=1e-6)
