"""Data sets: UCR/UEA classification archives and the TimeGAN benchmarks."""

from ._download import default_data_dir, download_ucr
from ._timegan import load_stocks, make_sines
from ._ucr import list_ucr, load_ucr

__all__ = [
    "default_data_dir",
    "download_ucr",
    "list_ucr",
    "load_stocks",
    "load_ucr",
    "make_sines",
]
