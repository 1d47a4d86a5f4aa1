"""The teaching texts beside each view: one sentence, then more in an expander. The texts
themselves are in the message catalogues (gan_core/locales/<lang>/texts.json); these
helpers read them in the session's language when a page draws."""
from collections.abc import Mapping

from ui.i18n import t


class _Views(Mapping):
    """view name -> (one sentence, more), read at each access, so a language switch shows
    at once: `explain(*VIEWS["samples"])`."""

    def __init__(self, prefix: str, names: tuple[str, ...]):
        self._prefix, self._names = prefix, names

    def __getitem__(self, name: str) -> tuple[str, str]:
        if name not in self._names:
            raise KeyError(name)
        return t(f"{self._prefix}.{name}.short"), t(f"{self._prefix}.{name}.more")

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


VIEWS = _Views("views", ("samples", "truemap", "latent", "losses", "detector", "levers"))

# The Training timeline page's views.
TIMELINE = _Views("timeline.view", ("scrub", "samples", "morph", "weights", "heatmap", "warp",
                                    "features", "curves", "export"))


def intro() -> str:
    return t("texts.intro")


def press_train() -> str:
    return t("texts.press_train")


def field_legend(probability: bool, score_label: str) -> str:
    """The D field's colour key, in words: the live chart has no colorbar. `probability`:
    D outputs P(real) (as probes.d_field decides, for variants with labels)."""
    if probability:
        return t("texts.field_legend.probability")
    return t("texts.field_legend.score", score=score_label)
