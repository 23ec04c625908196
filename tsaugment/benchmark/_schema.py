"""The one schema of a benchmark result row, shared by the grid and the results file.

:func:`tsaugment.benchmark.run_cell` fills a :class:`ResultRow`;
:class:`tsaugment.benchmark.ResultsStore` writes exactly its fields (plus
``complete``, which it sets) and refuses a row with any other field, so a new field is
added here, once, or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["ResultRow", "COLUMNS", "NUMERIC_COLUMNS", "PAST_COLUMNS"]


@dataclass
class ResultRow:
    """One cell's result; fields not measured (a failed cell) stay empty strings.

    Attributes
    ----------
    key : str
        Identity of the cell (:attr:`tsaugment.benchmark.Cell.key`).
    dataset, augmenter, classifier : str
    seed : int
    ratio : float
    budget : str
        The cell's fields.
    n_train, n_synthetic, n_test : int
        Original training series, synthetic series added, test series.
    accuracy, balanced_accuracy, f1_macro : float
        Scores on the test split.
    generator_fit_time, sample_time, classifier_time : float
        Seconds spent fitting the generator, making the synthetic series, and
        training the classifier.
    label_fidelity : float
        Share of the synthetic series the classifier trained on that MiniRocket,
        fitted on the original training series, puts in their intended class
        (:func:`tsaugment.metrics.label_fidelity`); NaN without synthetic series.
    acceptance_rate : float
        For a filtered augmenter (``"<name>+label"``, ``"+realism"``, ``"+label+realism"``):
        synthetic series accepted / drawn over all classes; NaN otherwise.
    auto_choice : str
        For ``"auto"``: the augmenter and ratio it chose (``"jitter@0.5"``, ``"none@0"``).
    selection_time : float
        Seconds of the cell's search, what it adds to a fit: for ``"auto"`` its
        cross-validated choice; with the ``"fidelity"`` budget, the search of the
        generator's budget.
    budget_passes : float
        With the ``"fidelity"`` budget: the passes over the training split the chosen
        budget makes (see :func:`tsaugment.benchmark.fidelity_budget`); NaN otherwise,
        and for a synthetic set read back from a file.
    config : str
        Fingerprint of the cell's configuration (its estimators as built, after the
        budget and overrides, and the tsaugment version; see
        :func:`tsaugment.benchmark.cell_config`): a resumed run counts the row as done
        only when it matches. Empty in files made before it was recorded.
    status : {"ok", "error"}
    error : str
        The error's type and message for a failed cell.
    """

    key: str
    dataset: str
    augmenter: str
    classifier: str
    seed: int
    ratio: float
    budget: str
    n_train: int | str = ""
    n_synthetic: int | str = ""
    n_test: int | str = ""
    accuracy: float | str = ""
    balanced_accuracy: float | str = ""
    f1_macro: float | str = ""
    generator_fit_time: float | str = ""
    sample_time: float | str = ""
    classifier_time: float | str = ""
    label_fidelity: float | str = ""
    acceptance_rate: float | str = ""
    auto_choice: str = ""
    selection_time: float | str = ""
    budget_passes: float | str = ""
    config: str = ""
    status: str = "ok"
    error: str = ""


# "complete" is written last, by the store: a row cut short by a kill lacks it
COLUMNS = [f.name for f in fields(ResultRow)] + ["complete"]
NUMERIC_COLUMNS = [
    "accuracy",
    "balanced_accuracy",
    "f1_macro",
    "generator_fit_time",
    "sample_time",
    "classifier_time",
    "label_fidelity",
    "acceptance_rate",
    "selection_time",
    "budget_passes",
]

# The columns earlier versions of the store wrote, oldest first. A file made by one of
# them is migrated to COLUMNS before the next append; and rows that a store before
# that migration existed appended with its own columns under an older header are read
# by these (see tsaugment.benchmark._store). Add the outgoing COLUMNS here whenever a
# field is added or removed.
_V1 = [
    "key",
    "dataset",
    "augmenter",
    "classifier",
    "seed",
    "ratio",
    "budget",
    "n_train",
    "n_synthetic",
    "n_test",
    "accuracy",
    "balanced_accuracy",
    "f1_macro",
    "generator_fit_time",
    "sample_time",
    "classifier_time",
    "status",
    "error",
    "complete",
]
_V2 = [
    *_V1[:16],
    "label_fidelity",
    "acceptance_rate",
    "auto_choice",
    "selection_time",
    *_V1[16:],
]
_V3 = [*_V2[:20], "config", *_V2[20:]]
PAST_COLUMNS = (_V1, _V2, _V3)  # _V3 + "budget_passes" (before "config") is today's COLUMNS
