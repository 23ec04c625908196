"""Baseline versus augmented accuracy on GunPoint with LatentVAEAugmenter.

Two ways to plug a generator into training: an imbalanced-learn pipeline with the
``Augmenter`` sampler, and ``AugmentedClassifier`` inside ``GridSearchCV`` (the ratio
of synthetic series is chosen by cross-validation on the training split; the test
split is used once, at the end).

Small settings (a few minutes on a laptop CPU):
"""

import os

VAE_EPOCHS = 100  # the method's default is 400
RESNET_EPOCHS = 150  # the published ResNet trains 1,500
if os.environ.get("TSAUGMENT_EXAMPLES_SMALL"):
    VAE_EPOCHS, RESNET_EPOCHS = 2, 2

from imblearn.pipeline import make_pipeline  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from tsaugment import (  # noqa: E402
    AugmentedClassifier,
    Augmenter,
    LatentVAEAugmenter,
    ResNetClassifier,
)
from tsaugment.datasets import load_ucr  # noqa: E402

X_train, y_train = load_ucr("GunPoint", split="train")  # bundled with sktime
X_test, y_test = load_ucr("GunPoint", split="test")

vae = LatentVAEAugmenter(n_epochs=VAE_EPOCHS, random_state=0)
resnet = ResNetClassifier(n_epochs=RESNET_EPOCHS, random_state=0)

baseline = resnet.fit(X_train, y_train).score(X_test, y_test)
pipeline = make_pipeline(Augmenter(vae, ratio=1.0, random_state=0), resnet)
augmented = pipeline.fit(X_train, y_train).score(X_test, y_test)
print(f"ResNet on GunPoint: baseline {baseline:.3f}, augmented with the VAE {augmented:.3f}")

search = GridSearchCV(
    AugmentedClassifier(vae, resnet, random_state=0),
    {"ratio": [0.5, 1.0]},  # chosen by cross-validation on the training split
    cv=3,
)
search.fit(X_train, y_train)
ratio = search.best_params_["ratio"]
print(f"GridSearchCV chose ratio={ratio}; test accuracy {search.score(X_test, y_test):.3f}")
