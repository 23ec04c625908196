"""Generators: estimators with ``fit`` / ``sample`` / ``transform``."""

__all__: list[str] = []
from ._aae import AAEGenerator  # noqa: E402
from ._avatar import AvatarGenerator  # noqa: E402

__all__ += ["AAEGenerator", "AvatarGenerator"]
from ._timegan import TimeGANGenerator  # noqa: E402

__all__ += ["TimeGANGenerator"]
