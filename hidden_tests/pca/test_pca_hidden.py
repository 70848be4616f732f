"""Hidden tests for pca: fit_pca, transform, inverse_transform and reconstruction_error vs scikit-learn's
PCA(svd_solver="full") (frozen in sklearn_golden.npz by make_sklearn_golden.py; `python -m
hidden_tests.pca.make_sklearn_golden --check` re-verifies them: importing sklearn.decomposition would take
half of the 5 s budget), vs the reference on random data, and the algorithm's own identities: scores whose
variances are the explained variances (ddof=1) and uncorrelated, orthonormal components, the sign rule and
its invariance under X -> -X, translation invariance, unit-variance whitened scores, exact round trips with
k = d, and the training reconstruction error equal to (n - 1) / n times the discarded variance.
Nothing is trained or seeded at grading time: the data come from fixed generators, and the tolerances are
float rounding bounds (different correct SVD routes differ by about 1e-13 here).

Wrong answers this suite is built to catch:
- data not centred before the SVD (the first component points at the mean)
- new data centred on their own mean in transform (a single row always projects to 0)
- explained_variance = singular values, or s**2 / n (ddof=0), or s**2 without the 1 / (n - 1)
- explained_variance_ratio = s / sum(s), or divided by the variance of the kept components only (sums to 1),
  or by a total variance computed with ddof=0 against variances with ddof=1
- no sign convention (LAPACK's signs), scikit-learn's pre-1.5 rule (from the columns of U), or "first entry
  positive"
- components returned as columns (Vt.T) or taken from U
- the covariance matrix eigendecomposition (np.linalg.eigh(np.cov(X.T))): small variances lose their digits,
  and with n < d it returns d components instead of min(n, d)
- features standardised (divided by their standard deviation) before the SVD: a correlation-matrix PCA
- a variance threshold off by one (one component too few), or ratios of the kept components used for it
- n_components out of range, a float 1.0 or an int 0 silently accepted; a single row, a 1-D X or constant
  data accepted
- whitening by the variance, or by the singular values, instead of sqrt(variance)
- inverse_transform that forgets the mean or does not undo the whitening
- reconstruction error as a mean over all entries (divided by n * d), a sum over rows, or a root mean square
- transform or inverse_transform accepting data with the wrong number of columns
- X centred in place (visible only in local mode: secure mode passes copies, where the change is lost and
  harmless; its mutant is proved locally, as `dev corpus` does)
"""
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_scalar_close, call_repr, describe, expect_raises

RTOL, ATOL = 1e-7, 1e-9  # C13
KEYS = ("mean", "components", "explained_variance", "explained_variance_ratio", "singular_values")
GOLDEN_CASES = ("tall", "tall_k3_whiten", "wide_k5", "wide_all", "threshold_90", "threshold_80_whiten", "offset_k2")
DETERMINED = tuple(c for c in GOLDEN_CASES if c != "wide_all")  # no zero-variance component


@pytest.fixture(scope="module")
def golden() -> dict:
    """Inputs and scikit-learn's outputs, frozen by make_sklearn_golden.py."""
    with np.load(Path(__file__).with_name("sklearn_golden.npz"), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def golden_args(golden: dict, case: str) -> tuple:
    """(n_components, whiten) of a frozen case, as Python values."""
    arg = float(golden[f"{case}_arg"])
    n_components = None if arg == -1.0 else int(arg) if bool(golden[f"{case}_arg_is_int"]) else arg
    return n_components, bool(golden[f"{case}_whiten"])


def fit_call(X, n_components=None, whiten=False) -> str:
    kwargs = {} if n_components is None else {"n_components": n_components}
    return call_repr("fit_pca", X, **kwargs, **({"whiten": True} if whiten else {}))


def correlated(seed: int, n: int, d: int, offset: float = 0.0) -> np.ndarray:
    """Correlated features on different scales, with distinct variances, around a mean near `offset`."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d)) * np.geomspace(4.0, 0.2, d)[:, None]
    return rng.normal(size=(n, d)) @ mixing + offset + rng.normal(size=d)


def checked_state(pca, call: str, n_kept: int, d: int) -> dict:
    """The fit_pca result as a dict of float64 arrays of the right shapes (C1), or an AssertionError."""
    if not isinstance(pca, dict):
        raise AssertionError(f"called {call}; got {describe(pca)}, expected a dict")
    missing = [key for key in (*KEYS, "whiten") if key not in pca]
    if missing:
        raise AssertionError(f"called {call}; the dict has no key {missing[0]!r} (it has {sorted(map(str, pca))})")
    shapes = {"mean": (d,), "components": (n_kept, d), "explained_variance": (n_kept,),
              "explained_variance_ratio": (n_kept,), "singular_values": (n_kept,)}
    for key, shape in shapes.items():
        value = pca[key]
        if not isinstance(value, np.ndarray) or value.dtype != np.float64:
            raise AssertionError(f'called {call}; ["{key}"] is {describe(value)}, expected a float64 numpy array')
        if value.shape != shape:
            if key == "components" and value.shape == shape[::-1]:
                extra = " (one row per component: the rows of Vt, not its columns)"
            elif key != "mean":
                extra = (f" ({n_kept} components: n_components=None keeps min(n, d), an int k keeps k, a float t the "
                         f"fewest whose cumulative ratio is greater than t)")
            else:
                extra = ""
            raise AssertionError(f'called {call}; ["{key}"] has shape {value.shape}, expected {shape}{extra}')
    return pca


WHY = {
    "mean": "the column mean of X",
    "singular_values": "the singular values of the centred data X - mean, largest first",
    "explained_variance": "singular_values**2 / (n - 1): the variance along each component with ddof=1",
    "explained_variance_ratio": "explained_variance divided by the total variance of ALL min(n, d) components, "
                                "not of the kept ones only",
    "components": "the rows of Vt of the centred data X - mean = U S Vt, each flipped so that its entry of "
                  "largest absolute value is positive",
}


def compare_state(pca: dict, expected: dict, call: str, kept: int, rtol: float = RTOL, atol: float = ATOL) -> None:
    """The first `kept` components and values against expected (a dict of the same keys)."""
    for key in KEYS:
        got = pca[key] if key == "mean" else pca[key][:kept]
        want = expected[key] if key == "mean" else expected[key][:kept]
        assert_allclose(got, want, f'{call}["{key}"]', rtol=rtol, atol=atol, show_expected=False, why=WHY[key])


def golden_state(golden: dict, case: str) -> dict:
    return {key: golden[f"{case}_{key}"] for key in KEYS}


def sklearn_state(golden: dict, case: str) -> dict:
    """The dict a test hands transform & co: scikit-learn's fitted attributes under the four keys of C11."""
    return {"mean": golden[f"{case}_mean"], "components": golden[f"{case}_components"],
            "explained_variance": golden[f"{case}_explained_variance"], "whiten": golden_args(golden, case)[1]}


# ----------------------------------------------------------------------------- fit vs scikit-learn


@pytest.mark.clause("C1", "C2", "C3", "C4", "C5", "C12", "C13",
                    probes="fit_pca's mean, components, variances, ratios and singular values vs sklearn's PCA",
                    topic="dimensionality reduction")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_fit_matches_sklearn(learner, golden, case):
    X = golden[f"{case}_X"]
    n_components, whiten = golden_args(golden, case)
    call = fit_call(X, n_components, whiten)
    n_kept = int(golden[f"{case}_n_components"])
    pca = checked_state(learner.fit_pca(X, n_components=n_components, whiten=whiten), call, n_kept, X.shape[1])
    assert pca["whiten"] == whiten, f'called {call}; ["whiten"] is {pca["whiten"]!r}, expected {whiten}'
    kept = len(golden[f"{case}_components"])  # components of positive variance
    compare_state(pca, golden_state(golden, case), call, kept)
    if kept < n_kept:  # n <= d: the last component has zero variance (its direction is arbitrary)
        zero = pca["explained_variance"][kept:]
        assert np.all(np.abs(zero) <= 1e-9 * pca["explained_variance"][0]), (
            f'called {call}; ["explained_variance"][{kept}:] is {zero}, expected 0: with n = {X.shape[0]} rows the '
            f"centred data have rank {X.shape[0] - 1}")


# ----------------------------------------------------------------------------- transform & co vs scikit-learn


def check_downstream(learner, pca, golden: dict, case: str, source: str) -> None:
    """transform, inverse_transform and reconstruction_error of the frozen new and training data."""
    X, X_new = golden[f"{case}_X"], golden[f"{case}_X_new"]
    whiten = golden_args(golden, case)[1]
    Z = learner.transform(pca, X_new)
    assert_allclose(Z, golden[f"{case}_Z_new"], f"transform({source}, X_new of shape {X_new.shape})", rtol=RTOL,
                    atol=ATOL, show_expected=False,
                    why="(X_new - training mean) @ components.T" + (", divided by sqrt(explained_variance)"
                                                                   if whiten else ""))
    back = learner.inverse_transform(pca, golden[f"{case}_Z_new"])
    assert_allclose(back, golden[f"{case}_back_new"], f"inverse_transform({source}, Z of shape {Z.shape})",
                    rtol=RTOL, atol=ATOL, show_expected=False,
                    why="Z @ components + mean" + (", Z multiplied by sqrt(explained_variance) first" if whiten else ""))
    for data, name in ((X_new, "new"), (X, "train")):
        assert_scalar_close(learner.reconstruction_error(pca, data), float(golden[f"{case}_error_{name}"]),
                            f"reconstruction_error({source}, X_{name} of shape {data.shape})", rtol=RTOL, atol=ATOL,
                            show_expected=False,
                            why="the mean over the rows of ||x - inverse_transform(transform(x))||**2 (a sum over "
                                "features, a mean over rows)")


@pytest.mark.clause("C8", "C9", "C10", "C11", "C13",
                    probes="transform, inverse_transform and reconstruction_error of sklearn's fitted PCA",
                    topic="dimensionality reduction")
@pytest.mark.parametrize("case", DETERMINED)
def test_downstream_of_sklearns_fit(learner, golden, case):
    check_downstream(learner, sklearn_state(golden, case), golden, case, "sklearn's fitted PCA as a dict")


@pytest.mark.clause("C12", "C8", "C9", "C10", probes="fit_pca then transform and reconstruction vs sklearn's PCA",
                    topic="dimensionality reduction")
@pytest.mark.parametrize("case", DETERMINED)
def test_pipeline_matches_sklearn(learner, golden, case):
    X = golden[f"{case}_X"]
    n_components, whiten = golden_args(golden, case)
    pca = learner.fit_pca(X, n_components=n_components, whiten=whiten)
    check_downstream(learner, pca, golden, case, fit_call(X, n_components, whiten))


# ----------------------------------------------------------------------------- fit: the algorithm


@pytest.mark.clause("C2", probes="data not centred before the SVD", topic="dimensionality reduction")
@pytest.mark.points(2)
def test_centres_before_the_svd(learner, reference):
    X = correlated(20, 50, 5, offset=40.0)
    call = fit_call(X, 3)
    pca = checked_state(learner.fit_pca(X, n_components=3), call, 3, 5)
    compare_state(pca, reference.fit_pca(X, n_components=3), call, 3)
    moved = checked_state(learner.fit_pca(X + 300.0, n_components=3), fit_call(X + 300.0, 3), 3, 5)
    assert_allclose(moved["components"], pca["components"], fit_call(X, 3) + ' after adding 300 to X, ["components"]',
                    rtol=RTOL, atol=1e-8, show_expected=False,
                    why="shifting the data does not change the directions of variance: centre X on its mean first")
    assert_allclose(moved["mean"], pca["mean"] + 300.0, fit_call(X, 3) + ' after adding 300 to X, ["mean"]', rtol=RTOL)


@pytest.mark.clause("C2", "C3", probes="explained variance with ddof=0, or the singular values themselves",
                    topic="dimensionality reduction")
@pytest.mark.points(2)
def test_explained_variance_is_the_variance_of_the_scores(learner):
    X = correlated(21, 30, 7, offset=3.0)
    call = fit_call(X, 4)
    pca = checked_state(learner.fit_pca(X, n_components=4), call, 4, 7)
    components = pca["components"]
    assert_allclose(components @ components.T, np.eye(4), call + '["components"] @ its transpose', atol=ATOL,
                    why="the components are orthonormal rows (rows of Vt, not columns, not taken from U)")
    scores = (X - X.mean(axis=0)) @ components.T
    covariance = np.cov(scores, rowvar=False)  # ddof=1
    assert_allclose(pca["explained_variance"], np.diag(covariance), call + '["explained_variance"]', rtol=RTOL,
                    show_expected=False,
                    why="the variance (ddof=1) of the data along each component, s**2 / (n - 1)")
    assert_allclose(covariance - np.diag(np.diag(covariance)), np.zeros((4, 4)),
                    call + ": covariance of the scores on different components", atol=1e-9,
                    why="principal components are uncorrelated: take them from the SVD of the centred data")
    assert np.all(np.diff(pca["explained_variance"]) <= 0), (
        f'called {call}; ["explained_variance"] is {pca["explained_variance"]}, expected decreasing order')
    assert_allclose(pca["singular_values"] ** 2 / (len(X) - 1), pca["explained_variance"],
                    call + ': ["singular_values"]**2 / (n - 1)', rtol=RTOL,
                    why="singular_values are s, explained_variance is s**2 / (n - 1)")


@pytest.mark.clause("C3", probes="explained-variance ratio of the kept components only, or from s instead of s**2",
                    topic="dimensionality reduction")
def test_ratio_divides_by_the_total_variance(learner):
    X = correlated(22, 40, 6)
    call = fit_call(X, 2)
    pca = checked_state(learner.fit_pca(X, n_components=2), call, 2, 6)
    total = np.var(X, axis=0, ddof=1).sum()
    assert_allclose(pca["explained_variance_ratio"], pca["explained_variance"] / total,
                    call + '["explained_variance_ratio"]', rtol=RTOL, show_expected=False,
                    why="explained_variance / the total variance of X (the sum of its column variances, ddof=1), "
                        "not of the 2 kept components: the kept ratios sum to less than 1")


@pytest.mark.clause("C4", probes="no sign convention, or a different one (from U, or first entry positive)",
                    topic="dimensionality reduction")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [30, 31, 32])
def test_sign_convention(learner, reference, seed):
    X = correlated(seed, 25, 6)
    call = fit_call(X)
    components = checked_state(learner.fit_pca(X), call, 6, 6)["components"]
    largest = components[np.arange(6), np.argmax(np.abs(components), axis=1)]
    assert np.all(largest > 0), (
        f'called {call}; ["components"][{int(np.argmin(largest))}] has its entry of largest absolute value '
        f"negative ({largest.min():.4g}): flip each component so that this entry is positive")
    assert_allclose(components, reference.fit_pca(X)["components"], call + '["components"]', rtol=RTOL, atol=ATOL,
                    show_expected=False, why=WHY["components"])
    flipped = checked_state(learner.fit_pca(-X), fit_call(-X), 6, 6)["components"]
    assert_allclose(flipped, components, "fit_pca(-X)['components'] vs fit_pca(X)['components']", rtol=RTOL,
                    atol=ATOL, why="X and -X have the same principal directions; the sign rule must give the same "
                                   "components whatever signs the SVD returns")


@pytest.mark.clause("C5", "C2", probes="n_components None with n < d, or an int", topic="dimensionality reduction")
def test_number_of_components(learner, reference):
    wide = correlated(33, 6, 10)  # n < d: min(n, d) = 6 components, the last of zero variance
    call = fit_call(wide)
    pca = checked_state(learner.fit_pca(wide), call, 6, 10)
    expected = reference.fit_pca(wide)
    compare_state(pca, expected, call, 5)
    tall = correlated(34, 30, 5)
    for k in (1, 4, 5):
        call = fit_call(tall, k)
        compare_state(checked_state(learner.fit_pca(tall, n_components=k), call, k, 5),
                      reference.fit_pca(tall, n_components=k), call, k)


@pytest.mark.clause("C5", "C3", probes="variance threshold off by one, or applied to the wrong ratios",
                    topic="dimensionality reduction")
@pytest.mark.points(2)
def test_variance_threshold(learner, reference):
    X = correlated(35, 50, 8)
    cumulative = np.cumsum(reference.fit_pca(X)["explained_variance_ratio"])
    for j in range(5):
        for threshold, expected in ((cumulative[j] - 1e-6, j + 1), (cumulative[j] + 1e-6, j + 2)):
            threshold = round(float(threshold), 9)
            call = fit_call(X, threshold)
            got = learner.fit_pca(X, n_components=threshold)
            n_got = np.asarray(got["components"]).shape[0] if isinstance(got, dict) and "components" in got else None
            assert n_got == expected, (
                f"called {call}; got {n_got} components, expected {expected}: the cumulative ratios are "
                f"{np.round(cumulative[:j + 2], 7).tolist()}, keep the fewest components whose cumulative ratio is "
                f"greater than {threshold}")
            compare_state(checked_state(got, call, expected, 8), reference.fit_pca(X, n_components=expected), call,
                          expected)


@pytest.mark.clause("C5", probes="n_components out of range, 0, or a float outside (0, 1) accepted",
                    topic="input validation")
@pytest.mark.parametrize("n_components", [0, -1, 6, 1.0, 1.5, 0.0, -0.25])
def test_invalid_n_components_raise(learner, n_components):
    X = correlated(36, 8, 5)  # min(n, d) = 5
    with expect_raises(ValueError, fit_call(X, n_components),
                       "n_components must be None, an int in 1..min(n, d) = 5, or a float strictly between 0 and 1"):
        learner.fit_pca(X, n_components=n_components)


@pytest.mark.clause("C5", probes="a 1-D X, a single row or constant data accepted", topic="input validation")
def test_invalid_data_raise(learner):
    cases = [(np.arange(5.0), "X must be 2-D (rows are samples)"),
             (np.ones((2, 3, 4)), "X must be 2-D"),
             (np.array([[1.0, 2.0, 3.0]]), "one row has no variance: n - 1 = 0"),
             (np.tile([1.0, -2.0, 5.0], (6, 1)), "all rows are equal: the total variance is 0, the ratios are 0 / 0")]
    for X, why in cases:
        with expect_raises(ValueError, fit_call(X), why):
            learner.fit_pca(X)


@pytest.mark.clause("C6", probes="PCA by an eigendecomposition of the covariance matrix (small variances lost)",
                    topic="numerical stability")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed", [40, 41, 42])
def test_accurate_over_seven_orders_of_magnitude(learner, seed):
    n, d = 60, 8
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(n, d))
    scores, _ = np.linalg.qr(scores - scores.mean(axis=0))  # orthonormal columns that sum to 0
    scores -= scores.mean(axis=0)
    directions, _ = np.linalg.qr(rng.normal(size=(d, d)))
    singular = 10.0 * np.logspace(0, -7, d)  # from s_max down to 1e-7 s_max
    X = (scores * singular) @ directions.T + 3.0 * rng.normal(size=d)
    components = directions.T
    components *= np.sign(components[np.arange(d), np.argmax(np.abs(components), axis=1)])[:, None]
    call = fit_call(X) + " with singular values from 10 down to 1e-6"
    pca = checked_state(learner.fit_pca(X), call, d, d)
    assert_allclose(pca["explained_variance"], singular ** 2 / (n - 1), call + ', ["explained_variance"]', rtol=1e-6,
                    show_expected=False,
                    why="the small variances lost their digits: an eigendecomposition of the covariance matrix "
                        "squares the condition number; take the SVD of the centred data")
    assert_allclose(pca["components"], components, call + ', ["components"]', atol=1e-7, show_expected=False,
                    why="take the SVD of the centred data, not an eigendecomposition of the covariance matrix")


@pytest.mark.clause("C7", probes="X centred in place", topic="api contract")
def test_fit_does_not_modify_x(learner):
    X = correlated(43, 20, 4, offset=5.0)
    before = X.copy()
    learner.fit_pca(X, n_components=2)
    assert np.array_equal(X, before), ("called fit_pca(x of shape (20, 4), n_components=2); it changed X: centre a "
                                       "copy (X - mean), not X in place (X -= mean)")


@pytest.mark.clause("C1", probes="a list or an integer array as X", topic="api contract")
def test_accepts_lists_and_integer_arrays(learner, reference):
    X = np.round(correlated(44, 12, 3, offset=10.0)).astype(np.int64)
    expected = reference.fit_pca(X.astype(np.float64), n_components=2)
    for data, what in ((X, "an int64 array"), (X.tolist(), "a list of lists of ints")):
        call = f"fit_pca(X as {what} of shape (12, 3), n_components=2)"
        compare_state(checked_state(learner.fit_pca(data, n_components=2), call, 2, 3), expected, call, 2)


# ----------------------------------------------------------------------------- transform, inverse, error


@pytest.mark.clause("C8", probes="new data centred on their own mean instead of the training mean",
                    topic="validation and leakage")
@pytest.mark.points(2)
def test_transform_uses_the_training_mean(learner):
    X = correlated(50, 40, 5)
    X_new = correlated(51, 12, 5, offset=2.0)
    pca = checked_state(learner.fit_pca(X, n_components=3), fit_call(X, 3), 3, 5)
    expected = (X_new - pca["mean"]) @ pca["components"].T
    why = "centre new data with the TRAINING mean pca['mean'], never with their own mean"
    assert_allclose(learner.transform(pca, X_new), expected, "transform(pca, X_new of shape (12, 5))", rtol=RTOL,
                    atol=ATOL, show_expected=False, why=why)
    assert_allclose(learner.transform(pca, X_new[:1]), expected[:1], "transform(pca, one row of shape (1, 5))",
                    rtol=RTOL, atol=ATOL, show_expected=False, why=why + " (a single row would always project to 0)")


@pytest.mark.clause("C8", probes="whitening by the variance or by the singular values instead of sqrt(variance)",
                    topic="dimensionality reduction")
@pytest.mark.points(2)
def test_whitened_scores_have_unit_covariance(learner):
    X = correlated(52, 45, 6, offset=-4.0)
    call = fit_call(X, 3, True)
    pca = checked_state(learner.fit_pca(X, n_components=3, whiten=True), call, 3, 6)
    Z = learner.transform(pca, X)
    assert_allclose(np.cov(np.asarray(Z, dtype=float), rowvar=False), np.eye(3),
                    "covariance (ddof=1) of transform(pca, X) on the training data, whiten=True", atol=1e-9,
                    why="whitened coordinates have unit variance: divide by sqrt(explained_variance)")
    plain = (X - pca["mean"]) @ pca["components"].T
    assert_allclose(Z, plain / np.sqrt(pca["explained_variance"]), "transform(whitened pca, X)", rtol=RTOL, atol=ATOL,
                    show_expected=False, why="(X - mean) @ components.T, then each column / sqrt(explained_variance)")


@pytest.mark.clause("C8", "C9", probes="data with the wrong number of columns, or 1-D, accepted",
                    topic="input validation")
def test_wrong_shapes_raise(learner):
    X = correlated(53, 20, 4)
    pca = learner.fit_pca(X, n_components=2)
    for data, why in ((np.zeros((3, 5)), "pca was fitted on 4 features, X has 5"),
                      (np.zeros(4), "X must be 2-D (m, d): one row is X[None, :]")):
        with expect_raises(ValueError, f"transform(pca, X of shape {data.shape})", why):
            learner.transform(pca, data)
    for data, why in ((np.zeros((3, 3)), "pca keeps 2 components, Z has 3 columns"),
                      (np.zeros(2), "Z must be 2-D (m, k)")):
        with expect_raises(ValueError, f"inverse_transform(pca, Z of shape {data.shape})", why):
            learner.inverse_transform(pca, data)


@pytest.mark.clause("C9", probes="inverse_transform without the mean or without undoing the whitening",
                    topic="dimensionality reduction")
@pytest.mark.points(2)
@pytest.mark.parametrize("whiten", [False, True])
def test_inverse_transform(learner, whiten):
    X, X_new = correlated(54, 30, 5, offset=7.0), correlated(55, 9, 5, offset=6.0)
    full = learner.fit_pca(X, whiten=whiten)
    assert_allclose(learner.inverse_transform(full, learner.transform(full, X_new)), X_new,
                    f"inverse_transform(pca, transform(pca, X_new)) with all 5 components, whiten={whiten}",
                    rtol=RTOL, atol=ATOL, show_expected=False,
                    why="with k = d the round trip is exact: add the mean back" + (
                        " and multiply by sqrt(explained_variance)" if whiten else ""))
    pca = checked_state(learner.fit_pca(X, n_components=2, whiten=whiten), fit_call(X, 2, whiten), 2, 5)
    Z = np.random.default_rng(56).normal(size=(7, 2))
    scale = np.sqrt(pca["explained_variance"]) if whiten else 1.0
    assert_allclose(learner.inverse_transform(pca, Z), (Z * scale) @ pca["components"] + pca["mean"],
                    f"inverse_transform(pca, Z of shape (7, 2)), whiten={whiten}", rtol=RTOL, atol=ATOL,
                    show_expected=False, why="Z @ components + mean" + (
                        ", Z's columns multiplied by sqrt(explained_variance) first" if whiten else ""))


@pytest.mark.clause("C10", probes="reconstruction error averaged over entries, summed over rows, or not squared",
                    topic="dimensionality reduction")
@pytest.mark.points(2)
@pytest.mark.parametrize("whiten", [False, True])
def test_reconstruction_error_is_the_discarded_variance(learner, reference, whiten):
    X = correlated(57, 35, 6, offset=2.0)
    n = len(X)
    variances = reference.fit_pca(X)["explained_variance"]
    for k in (1, 3, 6):
        pca = learner.fit_pca(X, n_components=k, whiten=whiten)
        assert_scalar_close(learner.reconstruction_error(pca, X), (n - 1) / n * variances[k:].sum(),
                            f"reconstruction_error(fit_pca(X, n_components={k}, whiten={whiten}), X) on the training "
                            f"data of shape {X.shape}", rtol=RTOL, atol=ATOL, show_expected=False,
                            why="on the training data it is (n - 1) / n times the variance of the dropped components: "
                                "mean over rows of the squared distance, summed over the features")


@pytest.mark.clause("C10", probes="reconstruction error of new data", topic="dimensionality reduction")
def test_reconstruction_error_of_new_data(learner):
    X, X_new = correlated(58, 40, 5), correlated(59, 10, 5, offset=1.5)
    pca = checked_state(learner.fit_pca(X, n_components=2), fit_call(X, 2), 2, 5)
    centred = X_new - pca["mean"]
    residual = centred - centred @ pca["components"].T @ pca["components"]
    assert_scalar_close(learner.reconstruction_error(pca, X_new), np.mean(np.sum(residual ** 2, axis=1)),
                        "reconstruction_error(pca, X_new of shape (10, 5))", rtol=RTOL, atol=ATOL, show_expected=False,
                        why="the mean over the rows of ||x - x_hat||**2, with the training mean and components")
