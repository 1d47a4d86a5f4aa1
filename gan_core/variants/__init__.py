"""Variant registry: a plain dict, name -> Variant. Register a variant here and the
common test class (tests/test_variants.py) covers it."""
from ..config import Config, ConfigError
from ..i18n import Msg
from . import (cgan, cyclegan2d, deligan, hinge, infogan, lsgan, minimax, nsgan, pacgan, rasgan,
               rsgan, tsgan, twgan, unrolled, wgan, wgan_gp)
from .base import Variant

VARIANTS: dict[str, Variant] = {
    m.VARIANT.name: m.VARIANT
    for m in (minimax, nsgan, wgan_gp, lsgan, wgan, hinge, rsgan, rasgan, tsgan, twgan,
              deligan, cgan, infogan, pacgan, unrolled, cyclegan2d)
}


def get_variant(name: str) -> Variant:
    try:
        return VARIANTS[name]
    except KeyError:
        raise ConfigError(Msg("errors.unknown_variant", name=repr(name), known=", ".join(VARIANTS))) from None


def config_for(variant: str, **overrides) -> Config:
    """A Config with the variant's defaults applied, then the caller's overrides."""
    base = {**get_variant(variant).defaults, **overrides}
    return Config(variant=variant).replace(**base)
