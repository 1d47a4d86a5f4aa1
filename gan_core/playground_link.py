"""The Playground's setup as URL query parameters, and back (issue #17).

A link names the target and the variant, then only the config fields that differ from
that variant's defaults (`lr_g=0.0005`), the lever values (`lv=0.50,-1.20`, the class or
categorical code `lvc=3`), the lesson (`lesson=`) and projector mode (`projector=1`).
The language (`lang=`) belongs to the i18n switch, and Streamlit's own `embed` options
are Streamlit's: both are left alone here.

`decode` never raises. A value it cannot use (an unknown target, NaN, a huge number, a
word where a number goes, a very long string, a key it does not know) is refused on its
own, as a `Problem` naming the field; the rest of the link still applies. Config values
are checked with the Config's own bounds (`check_basic`).

Pure: no Streamlit, so `tests/test_playground_link.py` checks it directly (and fuzzes it).
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import Config, ConfigError, check_basic
from .i18n import Msg, reason

FIXED = ("target", "variant")  # always in a link, so it never depends on today's defaults
LEVERS, LEVER_CLASS, LESSON, PROJECTOR = "lv", "lvc", "lesson", "projector"
POINTS = "pts"  # a drawn custom target, as a gan_core.pointcode code
NOT_OURS = ("lang", "embed", "embed_options")  # the i18n switch's and Streamlit's own
MAX_VALUE_CHARS = 64  # longer than any value a link of ours holds
MAX_LEVER_VALUES = 128  # Config's latent_dim ceiling
MAX_LEVER_CHARS = MAX_LEVER_VALUES * 8
MAX_CLASS = 1000
MAX_NAMED_UNKNOWN = 5  # unknown keys named one by one; the rest are counted
LESSON_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,47}")
_INT = re.compile(r"[+-]?\d{1,19}")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
CONFIG_FIELDS = {f.name: f for f in dataclasses.fields(Config)}
# Floats the Config leaves open above: a link may not ask for more than these (the
# sidebar's own widgets stop far lower); any other float is capped at MAX_FLOAT.
CAPS = {"lr_d": 1.0, "lr_g": 1.0, "instance_noise": 10.0}
MAX_FLOAT = 1e6


@dataclass(frozen=True)
class Problem:
    """One refused part of a link: `field` is the query key, `key` the i18n message key
    (area "link."), `fields` its template's values."""
    field: str
    key: str
    fields: dict = dataclasses.field(default_factory=dict)


@dataclass
class Link:
    """What a link asks for. `config` is None when the link names no Playground setting;
    a `levers` entry is None where that value was refused (the lever keeps its own)."""
    config: Config | None = None
    levers: list = field(default_factory=list)
    lever_class: int | None = None
    lesson: str | None = None
    projector: bool | None = None
    points: str | None = None  # a valid pointcode: the drawn points of a custom target
    problems: list = field(default_factory=list)


def _registries():
    """(targets, variants): imported here, as they pull in torch."""
    from .distributions import TARGETS
    from .variants import VARIANTS
    return TARGETS, VARIANTS


def variant_defaults(variant: str) -> Config:
    from .variants import config_for
    return config_for(variant)


# --------------------------------------------------------------------------- encode
def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return repr(value) if isinstance(value, float) else str(value)


def _lever(value) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def lever_text(values) -> str:
    """'0.5,-1.2,0': two decimals at most, as the sliders move in steps of 0.05."""
    return ",".join(_lever(v) for v in values)


def encode(cfg: Config, levers=(), lever_class=None, lesson=None, projector=False,
           points=None) -> dict:
    """The query parameters for this setup (values are strings, keys in a stable order).
    `points` is the drawing's code when a custom target trains on a drawing."""
    base = variant_defaults(cfg.variant)
    out = {"target": cfg.target, "variant": cfg.variant}
    for name in sorted(CONFIG_FIELDS):
        if name not in FIXED and getattr(cfg, name) != getattr(base, name):
            out[name] = _text(getattr(cfg, name))
    if len(levers):
        out[LEVERS] = lever_text(levers)
    if lever_class is not None:
        out[LEVER_CLASS] = str(int(lever_class))
    if lesson:
        out[LESSON] = str(lesson)
    if projector:
        out[PROJECTOR] = "1"
    if points and cfg.target == "custom":
        out[POINTS] = str(points)
    return out


# --------------------------------------------------------------------------- reading values
def shown(raw: str, limit: int = 24) -> str:
    """A value as a message may quote it: short, on one line."""
    text = " ".join(str(raw).split())
    return text if len(text) <= limit else text[:limit] + "…"


def _last(value) -> str:
    """A repeated key (`?lr_g=1&lr_g=2`) counts once, with its last value."""
    if isinstance(value, (list, tuple)):
        return str(value[-1]) if value else ""
    return str(value)


def flag(raw: str) -> bool | None:
    """'1'/'true'/'on'... -> True, '0'/'false'/'off'... -> False, anything else None."""
    low = raw.strip().lower()
    return True if low in _TRUE else False if low in _FALSE else None


def parse_value(name: str, raw: str):
    """(value, None) for a config field's text, or (None, Problem)."""
    kind = CONFIG_FIELDS[name].type
    kind = kind if isinstance(kind, str) else kind.__name__
    if len(raw) > MAX_VALUE_CHARS:
        return None, Problem(name, "link.too_long", {"chars": len(raw)})
    if kind == "bool":
        value = flag(raw)
        return (value, None) if value is not None else (None, Problem(name, "link.not_flag", {"value": shown(raw)}))
    if kind == "int":
        ok = _INT.fullmatch(raw.strip())
        return (int(raw), None) if ok else (None, Problem(name, "link.not_int", {"value": shown(raw)}))
    if kind == "float":
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            return None, Problem(name, "link.not_number", {"value": shown(raw)})
        if abs(value) > CAPS.get(name, MAX_FLOAT):
            return None, Problem(name, "link.too_big", {"value": shown(raw), "limit": f"{CAPS.get(name, MAX_FLOAT):g}"})
        return value, None
    return raw.strip(), None


def _reason(cfg: Config) -> str:
    """'' when `cfg` passes the Config's own checks, else why not (a Msg)."""
    try:
        check_basic(cfg)
    except ConfigError as err:
        return reason(err)
    return ""


# --------------------------------------------------------------------------- decode: config
def _choose(params: dict, name: str, options, problems: list) -> str | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw in options:
        return raw
    if name == "target" and raw == "custom" and _points(params, []) is not None:
        return raw  # drawn points travel in the link (pts=)
    custom = name == "target" and raw == "custom"  # its points were an upload: not in a link
    problems.append(Problem(name, "link.custom_target" if custom else "link.unknown_choice",
                            {"value": shown(raw)}))
    return None


def _base(params: dict, problems: list) -> Config:
    """The chosen variant's defaults on the chosen target (or the default ones)."""
    targets, variants = _registries()
    variant = _choose(params, "variant", variants, problems) or Config().variant
    cfg = variant_defaults(variant)
    target = _choose(params, "target", targets, problems)  # 'custom' needs an upload: refused
    return cfg.replace(target=target) if target else cfg


def _parsed_fields(params: dict, problems: list) -> dict:
    """Config fields of the link other than target and variant, read by their type."""
    targets, _ = _registries()
    out = {}
    for name in sorted(params):
        if name not in CONFIG_FIELDS or name in FIXED:
            continue
        value, problem = parse_value(name, params[name])
        if problem is None and name == "target_b" and value not in targets:
            problem = Problem(name, "link.unknown_choice", {"value": shown(value)})
        if problem is None:
            out[name] = value
        else:
            problems.append(problem)
    return out


def _apply_fields(cfg: Config, wanted: dict, problems: list) -> Config:
    """All of `wanted` when together they pass the Config's checks; else each field on its
    own, retried while one more fits (batch_size may need the link's pack first)."""
    together = cfg.replace(**wanted)
    if not _reason(together):
        return together
    pending, progress = dict(wanted), True
    while pending and progress:
        progress = False
        for name in list(pending):
            candidate = cfg.replace(**{name: pending[name]})
            if not _reason(candidate):
                cfg, progress = candidate, True
                del pending[name]
    for name, value in pending.items():
        problems.append(Problem(name, "link.out_of_bounds",
                                {"value": shown(_text(value)), "reason": _reason(cfg.replace(**{name: value}))}))
    return cfg


# --------------------------------------------------------------------------- decode: the rest
def _levers(raw: str, problems: list) -> list:
    if len(raw) > MAX_LEVER_CHARS:
        problems.append(Problem(LEVERS, "link.too_long", {"chars": len(raw)}))
        return []
    parts = raw.split(",")
    if len(parts) > MAX_LEVER_VALUES:
        problems.append(Problem(LEVERS, "link.too_many_levers", {"n": len(parts), "limit": MAX_LEVER_VALUES}))
        parts = parts[:MAX_LEVER_VALUES]
    out = []
    for i, part in enumerate(parts):
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and abs(value) <= LEVER_LIMIT):
            problems.append(Problem(LEVERS, "link.bad_lever", {"n": i + 1, "value": shown(part)}))
            value = None
        out.append(value)
    return out


LEVER_LIMIT = 3.0  # the widest lever range of any prior (normal: ±3); the page clips further


def _lever_class(raw: str, problems: list) -> int | None:
    if _INT.fullmatch(raw.strip()) and 0 <= int(raw) < MAX_CLASS:
        return int(raw)
    problems.append(Problem(LEVER_CLASS, "link.not_int", {"value": shown(raw)}))
    return None


def _lesson(raw: str, problems: list) -> str | None:
    from .lessons import LESSONS
    if LESSON_ID.fullmatch(raw) and raw in LESSONS:
        return raw
    problems.append(Problem(LESSON, "link.bad_lesson", {"value": shown(raw)}))
    return None


def _points(params: dict, problems: list) -> str | None:
    """The link's drawing, when its code decodes within pointcode's bounds."""
    from . import pointcode
    raw = params.get(POINTS)
    if raw is None:
        return None
    try:
        if len(pointcode.decode(raw)):
            return raw
        error = Msg("errors.draw.no_points")
    except pointcode.PointCodeError as err:
        error = reason(err)
    problems.append(Problem(POINTS, "link.bad_points", {"error": error}))
    return None


def _projector(raw: str, problems: list) -> bool | None:
    value = flag(raw)
    if value is None:
        problems.append(Problem(PROJECTOR, "link.not_flag", {"value": shown(raw)}))
    return value


def _unknown(params: dict, problems: list) -> None:
    known = {*CONFIG_FIELDS, LEVERS, LEVER_CLASS, LESSON, PROJECTOR, POINTS, *NOT_OURS}
    unknown = [k for k in params if k not in known]
    for key in unknown[:MAX_NAMED_UNKNOWN]:
        problems.append(Problem(shown(key), "link.unknown_key"))
    if len(unknown) > MAX_NAMED_UNKNOWN:
        problems.append(Problem("…", "link.more_unknown", {"n": len(unknown) - MAX_NAMED_UNKNOWN}))


def names_setup(params: Mapping) -> bool:
    """Does the link name a Playground setup (a config field or the levers)?"""
    return any(k in CONFIG_FIELDS or k in (LEVERS, LEVER_CLASS) for k in params)


def decode(params: Mapping) -> Link:
    """What the query parameters `params` ask for; never raises."""
    flat = {str(k): _last(v) for k, v in params.items()}
    link, problems = Link(), []
    if names_setup(flat):
        cfg = _base(flat, problems)
        link.config = _apply_fields(cfg, _parsed_fields(flat, problems), problems)
    readers = ((LEVERS, _levers, "levers"), (LEVER_CLASS, _lever_class, "lever_class"),
               (LESSON, _lesson, "lesson"), (PROJECTOR, _projector, "projector"))
    for key, read, attr in readers:
        if key in flat:
            setattr(link, attr, read(flat[key], problems))
    link.points = _points(flat, problems)
    _unknown(flat, problems)
    link.problems = problems
    return link
