"""Exports of a training run, all built in memory as bytes (nothing is written on the
server): an animated GIF and an MP4 of the samples over training, a standalone
interactive HTML, a PNG of one frame, and the samples as CSV.

Frames are rasterised with numpy rather than through a browser: the real points are
drawn once into a palette-indexed background, and each frame only stamps its fakes
(N x 9 pixel writes). Palette frames go straight into the GIF writer with no per-frame
colour quantisation, so 300 frames of 2,000 points take a few seconds.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from .i18n import Msg

FPS = 20
WHITE, REAL, INK, AXIS = 0, 1, 2, 3
FIRST_POINT = 4  # palette slots 4..255 hold point colours
LEVELS = (6, 7, 6)  # r, g, b quantisation of point colours: 252 slots


class ExportError(RuntimeError):
    """An export that cannot be made here (e.g. no ffmpeg); the message is for the user."""


# --------------------------------------------------------------------------- rasterising
@dataclass
class Canvas:
    """Maps target units to pixels for a fixed view box (y up), keeping equal axes
    when the box is not too elongated (like the app's charts)."""
    bounds: tuple
    width: int = 480
    height: int = 480
    margin: int = 24
    top: int = 26  # room for the caption

    def __post_init__(self):
        x0, x1, y0, y1 = (float(v) for v in self.bounds)
        w = self.width - 2 * self.margin
        h = self.height - self.margin - self.top
        sx, sy = w / max(x1 - x0, 1e-12), h / max(y1 - y0, 1e-12)
        ratio = (x1 - x0) / max(y1 - y0, 1e-12)
        if 0.2 <= ratio <= 5:
            sx = sy = min(sx, sy)
        self.sx, self.sy = sx, sy
        self.ox = self.margin + (w - sx * (x1 - x0)) / 2 - sx * x0
        self.oy = self.top + (h - sy * (y1 - y0)) / 2 + sy * y1

    def pixels(self, pts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N, 2) -> column, row int arrays and a mask of points inside the image."""
        pts = np.asarray(pts, np.float64)
        col = np.rint(self.ox + self.sx * pts[:, 0])
        row = np.rint(self.oy - self.sy * pts[:, 1])
        ok = np.isfinite(col) & np.isfinite(row)
        m, t = self.margin - 2, self.top - 2  # inside the grey frame
        ok &= (col >= m) & (col < self.width - m) & (row >= t) & (row < self.height - m)
        return col[ok].astype(np.intp), row[ok].astype(np.intp), ok


def palette_for(colours) -> tuple[np.ndarray, np.ndarray]:
    """Point colours (N, 3) in [0, 1] -> palette (256, 3) uint8 and each point's index (N,)."""
    pal = np.zeros((256, 3), np.uint8)
    pal[WHITE], pal[REAL], pal[INK], pal[AXIS] = (255, 255, 255), (200, 200, 200), (20, 20, 20), (150, 150, 150)
    lv = np.array(LEVELS)
    grid = np.stack(np.meshgrid(*[np.arange(n) for n in LEVELS], indexing="ij"), -1).reshape(-1, 3)
    pal[FIRST_POINT:FIRST_POINT + len(grid)] = np.rint(grid / (lv - 1) * 255).astype(np.uint8)
    c = np.clip(np.asarray(colours, np.float64), 0, 1)
    q = np.rint(c * (lv - 1)).astype(np.intp)  # (N, 3)
    idx = FIRST_POINT + (q[:, 0] * LEVELS[1] + q[:, 1]) * LEVELS[2] + q[:, 2]
    return pal, idx.astype(np.uint8)


def _stamp(img: np.ndarray, col, row, value, radius: int) -> None:
    for dr in range(-radius, radius + 1):
        for dc in range(-radius, radius + 1):
            img[row + dr, col + dc] = value


def background(canvas: Canvas, real=None, title: str = "") -> np.ndarray:
    """(H, W) uint8 palette image: white, a grey frame, the real points, the title."""
    img = np.full((canvas.height, canvas.width), WHITE, np.uint8)
    if real is not None and len(real):
        col, row, _ = canvas.pixels(real)
        _stamp(img, col, row, REAL, 1)
    m, t = canvas.margin - 4, canvas.top - 4
    img[t, m:canvas.width - m] = AXIS
    img[canvas.height - m, m:canvas.width - m] = AXIS
    img[t:canvas.height - m + 1, m] = AXIS
    img[t:canvas.height - m + 1, canvas.width - m] = AXIS
    if title:
        pil = Image.fromarray(img, "P")
        ImageDraw.Draw(pil).text((canvas.margin, 6), title, fill=INK)
        img = np.asarray(pil, np.uint8).copy()
    return img


def render_frame(base: np.ndarray, canvas: Canvas, fake, point_idx, caption: str = "",
                 radius: int = 1) -> np.ndarray:
    """The background with the fakes stamped in their palette colours, plus a caption."""
    img = base.copy()
    col, row, ok = canvas.pixels(fake)
    _stamp(img, col, row, point_idx[ok], radius)
    if caption:
        pil = Image.fromarray(img, "P")
        ImageDraw.Draw(pil).text((canvas.width - canvas.margin - 6 * len(caption), 6), caption, fill=INK)
        img = np.asarray(pil, np.uint8)
    return img


def render_frames(steps, fakes, colours, bounds, *, real=None, title: str = "", size: int = 480,
                  progress=None, share: float = 1.0) -> tuple[list[np.ndarray], np.ndarray]:
    """Palette frames (T x (H, W) uint8) and the palette (256, 3)."""
    canvas = Canvas(tuple(bounds), size, size)
    pal, idx = palette_for(colours)
    base = background(canvas, real, title)
    out, total = [], len(fakes)
    for t, (s, fake) in enumerate(zip(steps, fakes)):
        out.append(render_frame(base, canvas, fake, idx, f"step {int(s):,}"))
        if progress is not None and (t % 10 == 9 or t == total - 1):
            progress(share * (t + 1) / total, f"drawing frame {t + 1} / {total}")
    return out, pal


# --------------------------------------------------------------------------- encoders
def gif_bytes(steps, fakes, colours, bounds, *, real=None, title: str = "", size: int = 480,
              fps: int = FPS, progress=None) -> bytes:
    """Animated GIF (loops) of the samples over training, one frame per snapshot."""
    if not len(fakes):
        raise ExportError(Msg("errors.export_no_frames"))
    frames, pal = render_frames(steps, fakes, colours, bounds, real=real, title=title, size=size,
                                progress=progress, share=0.6)
    flat = pal.reshape(-1).tolist()
    images = []
    for f in frames:
        im = Image.fromarray(f, "P")
        im.putpalette(flat)
        images.append(im)
    if progress is not None:
        progress(0.65, "encoding GIF")
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(round(1000 / fps)), loop=0, optimize=False, disposal=1)
    if progress is not None:
        progress(1.0, "GIF ready")
    return buf.getvalue()


def ffmpeg_available() -> bool:
    try:
        import imageio_ffmpeg
        return bool(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception:
        return False


def mp4_bytes(steps, fakes, colours, bounds, *, real=None, title: str = "", size: int = 480,
              fps: int = FPS, progress=None) -> bytes:
    """H.264 MP4 via imageio's ffmpeg plugin (raises ExportError when unavailable)."""
    if not len(fakes):
        raise ExportError(Msg("errors.export_no_frames"))
    if not ffmpeg_available():
        raise ExportError(Msg("errors.export_no_ffmpeg"))
    import imageio.v3 as iio
    size = int(size) // 16 * 16  # H.264 likes multiples of 16
    frames, pal = render_frames(steps, fakes, colours, bounds, real=real, title=title, size=size,
                                progress=progress, share=0.5)
    rgb = pal[np.stack(frames)]  # (T, H, W, 3)
    if progress is not None:
        progress(0.55, "encoding MP4")
    try:
        # "<bytes>": imageio keeps the result in memory (its temp file is removed)
        data = iio.imwrite("<bytes>", rgb, extension=".mp4", plugin="FFMPEG", fps=fps,
                           codec="libx264", quality=7, pixelformat="yuv420p", macro_block_size=16)
    except Exception as err:
        raise ExportError(Msg("errors.export_failed", error=f"{type(err).__name__}: {err}")) from None
    if progress is not None:
        progress(1.0, "MP4 ready")
    return data


def png_bytes(fake, colours, bounds, *, real=None, title: str = "", caption: str = "",
              size: int = 640) -> bytes:
    """One samples frame as a PNG."""
    canvas = Canvas(tuple(bounds), size, size)
    pal, idx = palette_for(colours)
    img = render_frame(background(canvas, real, title), canvas, fake, idx, caption,
                       radius=1 if size <= 640 else 2)
    im = Image.fromarray(img, "P")
    im.putpalette(pal.reshape(-1).tolist())
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def html_bytes(fig) -> bytes:
    """A standalone HTML page (plotly.js inlined, works offline) of a Plotly figure,
    frames and play button included."""
    return fig.to_html(include_plotlyjs=True, full_html=True, auto_play=False).encode("utf-8")


def samples_csv(fake, colours=None, step: int | None = None) -> bytes:
    """index, x, y[, r, g, b][, step] for one frame's generated samples."""
    fake = np.asarray(fake, np.float64)
    cols = [np.arange(len(fake)), fake[:, 0], fake[:, 1]]
    head = ["index", "x", "y"]
    if colours is not None:
        rgb = np.rint(np.clip(np.asarray(colours, np.float64), 0, 1) * 255)
        cols += [rgb[:, 0], rgb[:, 1], rgb[:, 2]]
        head += ["r", "g", "b"]
    if step is not None:
        cols.append(np.full(len(fake), step))
        head.append("step")
    return _csv(head, np.stack(cols, 1), n_int=1, tail_int=(3 if colours is not None else 0) + (step is not None))


def timeline_csv(steps, fakes) -> bytes:
    """Long format over every frame: step, index, x, y."""
    fakes = np.asarray(fakes, np.float64)
    t, n = fakes.shape[:2]
    table = np.column_stack([np.repeat(np.asarray(steps), n), np.tile(np.arange(n), t),
                             fakes.reshape(-1, 2)])
    return _csv(["step", "index", "x", "y"], table, n_int=2)


def _csv(head, table, n_int: int, tail_int: int = 0) -> bytes:
    buf = io.StringIO()
    buf.write(",".join(head) + "\n")
    k = table.shape[1]
    fmt = ["%d"] * n_int + ["%.6g"] * (k - n_int - tail_int) + ["%d"] * tail_int
    np.savetxt(buf, table, fmt=fmt, delimiter=",")
    return buf.getvalue().encode("utf-8")
