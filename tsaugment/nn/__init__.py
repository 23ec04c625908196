"""Pure torch modules: recurrent stacks and the generators' and classifiers' networks.

Nothing here knows about scikit-learn; the estimators in ``tsaugment.generators`` and
``tsaugment.classifiers`` own the training.
"""

from ._recurrent import CELLS, LayerNormLSTM, RecurrentNet, RecurrentStack, append_label

__all__ = ["CELLS", "LayerNormLSTM", "RecurrentNet", "RecurrentStack", "append_label"]
from ._resnet import ResNetBlock, TimeSeriesResNet  # noqa: E402

__all__ += ["ResNetBlock", "TimeSeriesResNet"]
