"""Every target by name: the 2-D registry (gan_core.distributions), then the image
targets (gan_core.images), or the points a user uploaded. This sits above both modules,
so neither has to import the other to find a target."""
from __future__ import annotations

import numpy as np

from .config import Config, ConfigError
from .distributions import TARGETS, Target, custom_target
from .i18n import Msg
from .images import IMAGE_TARGETS, image_target


def get_target(name: str) -> Target:
    if name in TARGETS:
        return TARGETS[name]
    if name in IMAGE_TARGETS:
        return image_target(name)
    # a ConfigError (a ValueError too): a checkpoint or a flag can name any string
    raise ConfigError(Msg("errors.unknown_target", name=name, known=", ".join(TARGETS)))


def resolve_target(cfg: Config, points=None) -> Target:
    if cfg.target == "custom":
        if points is None:
            raise ConfigError(Msg("errors.custom_needs_points"))
        return custom_target(np.asarray(points))
    return get_target(cfg.target)
