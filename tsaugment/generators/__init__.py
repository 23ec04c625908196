"""Generators: estimators with ``fit`` / ``sample`` / ``transform``."""

__all__: list[str] = []
