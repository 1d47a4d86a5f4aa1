"""No emoji in what the app shows. Where no emoji font is installed (this machine's headless
Chromium, many Linux desktops) they render as empty boxes; buttons and page icons use
Streamlit's bundled `:material/...:` icons instead, and Plotly's buttons plain words.

Scans every string literal in app.py, pages/ and ui/ (and the figure builders, whose
button labels reach the page), and every line of ui/frontend's JavaScript and CSS.
"""
from __future__ import annotations

import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Pictographs, the "misc technical" block (⏸ ⏯ ⌛), misc symbols and dingbats, arrows-and-
# symbols (⬇ ⭐), and the joiner/selector that turn text into emoji presentation.
EMOJI_RANGES = [(0x1F000, 0x1FAFF), (0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF),
                (0xFE0F, 0xFE0F), (0x200D, 0x200D)]
# Python 3.12 splits f-strings into parts; 3.11 has them as one STRING token.
STRING_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
PY_PLACES = ["app.py", "pages", "ui", "gan_core/plots", "gan_core/lever_figures.py"]


def emoji_in(text: str) -> list[str]:
    return [ch for ch in text if any(lo <= ord(ch) <= hi for lo, hi in EMOJI_RANGES)]


def _files(place: str, pattern: str) -> list[Path]:
    path = ROOT / place
    return [path] if path.is_file() else sorted(path.rglob(pattern))


def _py_strings(path: Path):
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    for tok in tokens:
        if tok.type in STRING_TOKENS:
            yield tok.start[0], tok.string


def _offences() -> list[str]:
    found = []
    for path in (f for place in PY_PLACES for f in _files(place, "*.py")):
        found += [f"{path.relative_to(ROOT)}:{line}: {text.strip()[:80]}"
                  for line, text in _py_strings(path) if emoji_in(text)]
    for path in _files("ui/frontend", "*.[jc]s*"):
        found += [f"{path.relative_to(ROOT)}:{n}: {text.strip()[:80]}"
                  for n, text in enumerate(path.read_text().splitlines(), 1) if emoji_in(text)]
    return found


def test_emoji_in_finds_emoji_and_leaves_plain_symbols():
    assert emoji_in("⏸ Pause") == ["⏸"]
    assert emoji_in("🩹 Fix") == ["🩹"]
    assert emoji_in("⬇️ Download") == ["⬇", "\ufe0f"]
    assert emoji_in("σ₁ > 3.85 · latent → sample × ◆") == []


def test_no_emoji_in_labels_or_texts():
    offences = _offences()
    assert not offences, "emoji render as boxes without an emoji font:\n" + "\n".join(offences)


def test_the_scan_covers_the_pages():
    scanned = {p.name for place in PY_PLACES for p in _files(place, "*.py")}
    assert {"playground.py", "levers.py", "timeline.py", "detector_panel.py"} <= scanned
