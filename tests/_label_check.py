"""Shared measure for the "variants keep their label" tests on GunPoint.

The measure is leave-one-out 1-nearest-neighbour agreement with Euclidean distance
(the UCR archive's reference classifier): a variant of training series ``i`` is
matched to its nearest training series *other than* ``i`` (so that a variant close to
its own original proves nothing), and counts as keeping its label when that neighbour
has the same class. It is the fraction a 1-NN classifier trained on the originals would
label correctly, the classifier-on-originals measure the issue asks for.
"""

import numpy as np


def loo_nn_agreement(X_new, X, y):
    """Per-class fraction of variants whose nearest other original has their class."""
    d = ((X_new[:, None, :, :] - X[None, :, :, :]) ** 2).sum(axis=(2, 3))
    np.fill_diagonal(d, np.inf)
    pred = np.asarray(y)[d.argmin(axis=1)]
    return {c: float(np.mean(pred[y == c] == c)) for c in np.unique(y)}
