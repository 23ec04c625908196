"""Significance tests for the benchmark report, each one a small function.

Comparisons over data sets follow Demšar (2006), "Statistical comparisons of
classifiers over multiple data sets", JMLR 7: the Friedman test with the
Iman-Davenport correction over all methods, the Nemenyi critical difference of
average ranks, and per method against the baseline the Wilcoxon signed-rank test
over data sets, with Holm's step-down correction for the number of methods tested.
Comparisons over seeds (one data set) use the paired t interval: with 5 seeds the
smallest two-sided Wilcoxon p-value is 0.0625, so a rank test over seeds could never
say anything at alpha = 0.05.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import optimize, stats

__all__ = [
    "bootstrap_mean_interval",
    "detectable_gain",
    "friedman_test",
    "holm",
    "nemenyi_cd",
    "paired_gain",
    "seed_verdict",
    "wilcoxon_p",
]


def nemenyi_cd(n_methods: int, n_datasets: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference of average ranks, for any number of methods.

    ``CD = q_alpha * sqrt(k (k + 1) / (6 N))`` with ``q_alpha`` the upper ``alpha``
    quantile of the studentized range of ``k`` means with infinite degrees of freedom,
    divided by ``sqrt(2)`` (Demšar, 2006, section 3.2.2).

    Parameters
    ----------
    n_methods : int
        Methods compared, ``k >= 2``.
    n_datasets : int
        Data sets they are ranked on, ``N >= 1``.
    alpha : float, default=0.05

    Returns
    -------
    cd : float
        NaN when ``k < 2`` or ``N < 1``.

    Examples
    --------
    >>> from tsaugment.benchmark import nemenyi_cd
    >>> round(nemenyi_cd(4, 14), 3)  # Demšar's example: q = 2.569
    1.254
    >>> round(nemenyi_cd(12, 37), 3)
    2.739
    """
    if n_methods < 2 or n_datasets < 1:
        return float("nan")
    q = stats.studentized_range.ppf(1 - alpha, n_methods, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(n_methods * (n_methods + 1) / (6.0 * n_datasets)))


def friedman_test(scores) -> dict:
    """Friedman's test that all methods perform alike, with Iman and Davenport's F.

    Parameters
    ----------
    scores : array-like of shape (n_datasets, n_methods)
        One score per data set (block) and method; higher is better (only the ranks
        within a row matter).

    Returns
    -------
    result : dict
        ``chi2`` (Friedman's statistic, corrected for ties as in
        :func:`scipy.stats.friedmanchisquare`), ``f`` (Iman-Davenport,
        ``(N - 1) chi2 / (N (k - 1) - chi2)``), ``df1 = k - 1``,
        ``df2 = (k - 1)(N - 1)`` and ``p`` (from the F distribution). All NaN when
        the test does not apply (fewer than 3 methods or 2 data sets: with two
        methods the Wilcoxon test against the baseline is the test).
    """
    scores = np.asarray(scores, dtype=float)
    n, k = scores.shape
    result = {"chi2": np.nan, "f": np.nan, "df1": k - 1, "df2": (k - 1) * (n - 1), "p": np.nan}
    if k < 3 or n < 2:
        return result
    if np.all(scores == scores[:, :1]):  # every method tied on every data set
        return {**result, "chi2": 0.0, "f": 0.0, "p": 1.0}
    chi2 = float(stats.friedmanchisquare(*scores.T).statistic)
    denominator = n * (k - 1) - chi2
    if denominator <= 0:  # every data set ranks the methods the same way
        return {**result, "chi2": chi2, "f": np.inf, "p": 0.0}
    f = (n - 1) * chi2 / denominator
    return {**result, "chi2": chi2, "f": f, "p": float(stats.f.sf(f, k - 1, (k - 1) * (n - 1)))}


#: Accuracy differences below this are floating-point noise, not a test series: two
#: shares of one test set differ by at least 1 / n_test, and one share can reach a
#: results file in two last bits (899/900 is 0.9988888888888889; a row copied between
#: files through pandas' default float parser, which is not round-trip, comes back as
#: 0.9988888888888888).
GAIN_TOLERANCE = 1e-9
#: Scores are compared (ranked) at this many decimals, for the same reason.
SCORE_DECIMALS = 9


def paired_gain(augmented, baseline):
    """Augmented minus baseline score, with floating-point noise set to exactly 0.

    A difference of one unit in the last place would otherwise count as a gain: the
    seeds' interval of five such differences lies above 0, a "win".

    Parameters
    ----------
    augmented, baseline : array-like of shape (n_pairs,)
        Scores paired by seed (and data set).

    Returns
    -------
    gain : numpy.ndarray of shape (n_pairs,)
        0.0 where ``abs(augmented - baseline) < GAIN_TOLERANCE``.

    Examples
    --------
    >>> paired_gain([0.9988888888888888, 0.9], [0.9988888888888889, 0.8]).round(3)
    array([0. , 0.1])
    """
    gain = np.asarray(augmented, dtype=float) - np.asarray(baseline, dtype=float)
    return np.where(np.abs(gain) < GAIN_TOLERANCE, 0.0, gain)


def wilcoxon_p(differences) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences.

    Zero differences are split evenly between the positive and negative ranks
    (``zero_method="zsplit"``, as Demšar recommends), so data sets where a method
    changes nothing count against a difference.

    Parameters
    ----------
    differences : array-like of shape (n_datasets,)

    Returns
    -------
    p : float
        1.0 when every difference is zero; NaN for no differences.
    """
    d = np.asarray(differences, dtype=float)
    if d.size == 0:
        return float("nan")
    if np.all(d == 0):
        return 1.0
    return float(stats.wilcoxon(d, zero_method="zsplit").pvalue)


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of p-values (family-wise error rate).

    The i-th smallest of m p-values becomes ``max_{j <= i} min(1, (m - j + 1) p_(j))``;
    NaN p-values are left out of the family and stay NaN.

    Parameters
    ----------
    p_values : array-like of shape (m,)

    Returns
    -------
    adjusted : ndarray of shape (m,)

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid], kind="stable")]
    m = len(order)
    running = 0.0
    for i, idx in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[idx]))
        adjusted[idx] = running
    return adjusted


def bootstrap_mean_interval(values, level: float = 0.95, n_resamples: int = 9999, seed=0):
    """Bootstrap confidence interval of a mean (BCa, percentile where BCa fails).

    Parameters
    ----------
    values : array-like of shape (n,)
        E.g. one gain per data set: the interval is over data sets.
    level : float, default=0.95
    n_resamples : int, default=9999
    seed : int, default=0
        Seed of the resampling (a private generator: the same results give the same
        report).

    Returns
    -------
    low, high : float
        The mean itself twice when all values are equal; NaN for fewer than 2 values.
    """
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return float("nan"), float("nan")
    if np.ptp(x) == 0:
        return float(x[0]), float(x[0])
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ci = stats.bootstrap(
                (x,),
                np.mean,
                confidence_level=level,
                n_resamples=n_resamples,
                method=method,
                random_state=np.random.default_rng(seed),
            ).confidence_interval
        if np.isfinite(ci.low) and np.isfinite(ci.high):
            break
    return float(ci.low), float(ci.high)


def detectable_gain(differences, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest mean gain a paired design over these data sets detects at ``power``.

    The design: one gain per data set (augmented minus baseline, seed-averaged),
    ``n`` data sets, their standard deviation ``s`` (``ddof=1``), a two-sided paired
    t-test at ``alpha``. The returned gain ``delta`` solves
    ``P(|T| > t_{1-alpha/2, n-1}) = power`` for ``T`` noncentral t with ``n - 1``
    degrees of freedom and noncentrality ``delta sqrt(n) / s``; it is close to the
    normal-theory ``(t_{1-alpha/2, n-1} + t_{power, n-1}) s / sqrt(n)``. The Wilcoxon
    test the report runs needs about 5% more data sets for normal gains (asymptotic
    relative efficiency 3/pi) and can need fewer for heavy-tailed ones. Where
    scipy's noncentral t cannot be evaluated (very few data sets, far tails), the
    power is that of the shifted central t, the approximation above.

    Parameters
    ----------
    differences : array-like of shape (n_datasets,)
        The run's per-data-set gains; only their spread is used.
    alpha : float, default=0.05
    power : float, default=0.8

    Returns
    -------
    delta : float
        In the units of the differences (accuracy); NaN for fewer than 2 data sets,
        0.0 when the gains do not vary.

    Examples
    --------
    >>> from tsaugment.benchmark import detectable_gain
    >>> round(detectable_gain([0.01, -0.02, 0.03, 0.0, -0.01, 0.02]), 4)
    0.0268
    """
    d = np.asarray(differences, dtype=float)
    n = d.size
    if n < 2:
        return float("nan")
    s = float(np.std(d, ddof=1))
    if s == 0:
        return 0.0
    df = n - 1
    critical = stats.t.ppf(1 - alpha / 2, df)

    def shortfall(effect):  # effect in standard deviations of one difference
        nc = effect * np.sqrt(n)
        reach = stats.nct.sf(critical, df, nc) + stats.nct.cdf(-critical, df, nc)
        if not np.isfinite(reach):  # nct's series fails far out: the shifted central t
            reach = stats.t.sf(critical - nc, df)
        return reach - power

    upper = 1.0
    while shortfall(upper) < 0:
        upper *= 2
    return float(optimize.brentq(shortfall, 0.0, upper, xtol=1e-10) * s)


def seed_interval(differences, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean paired difference over seeds.

    Parameters
    ----------
    differences : array-like of shape (n_seeds,)
        Augmented minus baseline, same seed.
    level : float, default=0.95

    Returns
    -------
    low, high : float
        NaN with fewer than 2 seeds; both the mean when the seeds agree exactly.

    Examples
    --------
    >>> [round(v, 4) for v in seed_interval([0.01, 0.03])]
    [-0.1071, 0.1471]
    """
    d = np.asarray(differences, dtype=float)
    if d.size < 2:
        return float("nan"), float("nan")
    mean = d.mean()
    half = stats.t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(mean - half), float(mean + half)


def seed_verdict(differences, level: float = 0.95) -> int:
    """Win (+1), loss (-1) or no difference the seeds can tell (0) on one data set.

    The paired differences over seeds (augmented minus baseline, same seed) give a
    t interval of their mean at ``level``; +1 when it lies above 0, -1 when below,
    0 when it holds 0 or there are fewer than 2 seeds.

    Parameters
    ----------
    differences : array-like of shape (n_seeds,)
    level : float, default=0.95

    Returns
    -------
    verdict : int
    """
    low, high = seed_interval(differences, level)
    if low > 0:
        return 1
    if high < 0:
        return -1
    return 0  # the interval holds 0, or NaN with fewer than 2 seeds
