"""Hidden tests for kappa_and_cv.

Wrong answers this suite is built to catch (one line each):
- kappa with p_e from one rater only (sum of p1**2 instead of p1 . p2): vs scikit-learn on skewed raters
- kappa over the labels of one rater only / not symmetric in (y1, y2)
- kappa raising or returning a number when it is undefined (p_e == 1, scikit-learn gives nan)
- kappa accepting inputs of different lengths, or empty inputs; kappa returned as an array, not a float
- k-fold test folds that do not partition range(n) (remainder dropped, overlaps)
- k-fold sizes differing by more than one (remainder dumped on the last fold)
- k-fold order not matching sklearn KFold when shuffle=False
- shuffle ignored (shuffle=True gives the contiguous folds)
- shuffle not seeded (global np.random: two calls with the same seed differ) or seed ignored
- shuffle from a seeded global generator (np.random.seed), RandomState or random.Random: reproducible, but not
  the blocks of np.random.default_rng(seed).permutation(n) that the statement prescribes
- train indices that are not the complement of the test indices
- k < 2 or k > n accepted silently (by either split function)
- stratified folds that do not keep each class within one sample of n_c / k (no stratification)
- stratified folds whose sizes differ by more than one (each class dealt from fold 0 again)
- stratified seed ignored, or seed=None not deterministic
Everything here is exact (indices, counts, kappa to float rounding): no threshold needs a seed sweep, and
the seeds used are fixed. Each test names the statement's ## Contract clauses it enforces.
"""
import numpy as np
import pytest

from graders.asserts import assert_equal, assert_scalar_close, call_repr, describe, expect_raises

P_E_WHY = "p_e is the chance agreement from BOTH raters' marginal frequencies: sum over labels of p1(label) * p2(label)"


def _sk_kappa(y1, y2):
    import warnings

    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cohen_kappa_score(y1, y2)


def _skewed_pair(seed, n, n_labels):
    """Two raters with different label frequencies and partial agreement."""
    rng = np.random.default_rng(seed)
    p1 = rng.dirichlet(np.ones(n_labels))
    p2 = rng.dirichlet(np.ones(n_labels) * 0.5)
    y1 = rng.choice(n_labels, size=n, p=p1)
    y2 = np.where(rng.random(n) < 0.5, y1, rng.choice(n_labels, size=n, p=p2))
    return y1, y2


# ---------------------------------------------------------------------------- kappa

@pytest.mark.clause("C1", "C2", probes="p_e from one rater only, on skewed raters", topic="evaluation metrics")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed,n,n_labels", [(0, 40, 2), (1, 100, 3), (2, 57, 5), (3, 300, 4), (4, 13, 6)])
def test_kappa_matches_sklearn(learner, seed, n, n_labels):
    y1, y2 = _skewed_pair(seed, n, n_labels)
    assert_scalar_close(learner.cohen_kappa(y1, y2), _sk_kappa(y1, y2), call_repr("cohen_kappa", y1, y2),
                        rtol=1e-9, atol=1e-12, why=P_E_WHY, show_expected=False)


@pytest.mark.clause("C1", probes="labels of one rater only, string labels, and symmetry", topic="evaluation metrics")
def test_kappa_labels_used_by_one_rater_only_and_strings(learner):
    y1 = np.array(["a", "a", "b", "b", "b", "c", "a", "b"])
    y2 = np.array(["a", "d", "b", "b", "e", "c", "c", "b"])  # "d" and "e" only from rater 2
    call = call_repr("cohen_kappa", y1, y2)
    assert_scalar_close(learner.cohen_kappa(y1, y2), _sk_kappa(y1, y2), call, rtol=1e-9, atol=1e-12,
                        why="use the union of both raters' labels", show_expected=False)
    assert_scalar_close(learner.cohen_kappa(y2, y1), _sk_kappa(y1, y2), call_repr("cohen_kappa", y2, y1),
                        rtol=1e-9, atol=1e-12, why="kappa is symmetric in the two raters", show_expected=False)


@pytest.mark.clause("C1", probes="kappa below chance agreement", topic="evaluation metrics")
def test_kappa_worse_than_chance_is_negative(learner):
    y1, y2 = np.array([0, 1, 0, 1, 0, 1]), np.array([1, 0, 1, 0, 1, 1])
    assert_scalar_close(learner.cohen_kappa(y1, y2), _sk_kappa(y1, y2), call_repr("cohen_kappa", y1, y2),
                        rtol=1e-9, atol=1e-12, why=P_E_WHY, show_expected=False)


@pytest.mark.clause("C2", probes="kappa raising or returning a number when p_e = 1", topic="evaluation metrics")
def test_kappa_undefined_is_nan(learner):
    y = np.array([2, 2, 2, 2])
    call = call_repr("cohen_kappa", y, y)
    got = learner.cohen_kappa(y, y)
    assert np.ndim(got) == 0 and np.isnan(np.asarray(got, dtype=float)), (
        f"called {call}; got {got!r}, expected nan - both raters gave one and the same label to every item, "
        "so p_e = 1 and kappa = 0/0 is undefined (scikit-learn returns nan too)")


@pytest.mark.clause("C3", probes="raters of different lengths accepted", topic="input validation")
def test_kappa_rejects_different_lengths(learner):
    y1, y2 = np.array([0, 1, 1]), np.array([0, 1])
    with expect_raises(ValueError, call_repr("cohen_kappa", y1, y2), "the two raters must label the same items"):
        learner.cohen_kappa(y1, y2)


# ---------------------------------------------------------------------------- folds: shared checks

def _as_folds(folds, k, call):
    assert isinstance(folds, (list, tuple)) and len(folds) == k, (
        f"called {call}; got {type(folds).__name__} of length {len(folds) if hasattr(folds, '__len__') else '?'}, "
        f"expected a list of {k} (train_idx, test_idx) pairs")
    out = []
    for i, pair in enumerate(folds):
        assert isinstance(pair, (list, tuple)) and len(pair) == 2, f"called {call}; fold {i} is not a (train_idx, test_idx) pair"
        train, test = (np.asarray(a) for a in pair)
        for name, a in (("train", train), ("test", test)):
            assert a.ndim == 1 and (a.dtype.kind in "iu" or a.size == 0), (
                f"called {call}; fold {i} {name} indices are an array of shape {a.shape} {a.dtype}, expected 1-D integers")
        out.append((train, test))
    return out


SIZES_WHY = "spread the n % k extra samples over the first folds"
STRATIFIED_SIZES_WHY = "stratifying must not unbalance the folds; think about which fold each class starts dealing at"


def _check_partition(folds, n, call, sizes_why=SIZES_WHY):
    """Tests partition range(n), sizes differ by <= 1, train = complement of test."""
    tests = [test for _, test in folds]
    all_test = np.concatenate(tests)
    counts = np.bincount(all_test, minlength=n) if all_test.size and all_test.min() >= 0 else None
    assert counts is not None and counts.size == n and np.all(counts == 1), (
        f"called {call}; the test folds do not partition range({n}): every index must be in exactly one test fold")
    sizes = [t.size for t in tests]
    assert max(sizes) - min(sizes) <= 1, (
        f"called {call}; test fold sizes {sizes} differ by more than one - {sizes_why}")
    for i, (train, test) in enumerate(folds):
        expected = np.setdiff1d(np.arange(n), test)
        assert_equal(np.sort(train), expected, f"{call} fold {i} train indices",
                     why="train must be every index not in this fold's test set, each once", show_expected=False)


# ---------------------------------------------------------------------------- kfold

@pytest.mark.clause("C4", "C5", probes="unshuffled folds: remainder, order, train = complement",
                    topic="validation and leakage")
@pytest.mark.points(2)
@pytest.mark.parametrize("n,k", [(10, 2), (10, 3), (23, 5), (7, 7), (101, 10)])
def test_kfold_matches_sklearn_without_shuffle(learner, n, k):
    from sklearn.model_selection import KFold

    call = call_repr("kfold_indices", n, k)
    folds = _as_folds(learner.kfold_indices(n, k), k, call)
    _check_partition(folds, n, call)
    for i, ((train, test), (sk_train, sk_test)) in enumerate(zip(folds, KFold(n_splits=k).split(np.zeros(n)))):
        assert_equal(np.sort(test), sk_test, f"{call} fold {i} test indices",
                     why="without shuffling, fold i is the i-th contiguous block and the first n % k folds are one larger",
                     show_expected=False)


@pytest.mark.clause("C4", "C5", "C6", probes="shuffled folds that overlap, drop samples or unbalance the sizes",
                    topic="validation and leakage")
@pytest.mark.points(2)
@pytest.mark.parametrize("n,k,seed", [(10, 3, 0), (23, 5, 1), (50, 4, 7), (9, 9, 3)])
def test_kfold_shuffled_still_partitions(learner, n, k, seed):
    call = call_repr("kfold_indices", n, k, shuffle=True, seed=seed)
    _check_partition(_as_folds(learner.kfold_indices(n, k, shuffle=True, seed=seed), k, call), n, call)


def _test_sets(folds):
    return [tuple(np.sort(np.asarray(test)).tolist()) for _, test in folds]


@pytest.mark.clause("C6", probes="shuffle ignored, unseeded, or the seed ignored",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_kfold_shuffle_is_applied_and_seeded(learner):
    n, k = 30, 3
    plain = _test_sets(learner.kfold_indices(n, k))
    first = _test_sets(learner.kfold_indices(n, k, shuffle=True, seed=5))
    again = _test_sets(learner.kfold_indices(n, k, shuffle=True, seed=5))
    other = _test_sets(learner.kfold_indices(n, k, shuffle=True, seed=6))
    call = call_repr("kfold_indices", n, k, shuffle=True, seed=5)
    assert first != plain, f"called {call}; got the same contiguous folds as shuffle=False - shuffle is ignored"
    assert first == again, (f"called {call} twice; got different folds - the shuffle must come from a generator "
                            "seeded with `seed`, not from global random state")
    assert first != other, f"called {call} and with seed=6; got the same folds - the seed is ignored"


@pytest.mark.clause("C9", probes="k < 2 or k > n accepted by kfold_indices", topic="input validation")
@pytest.mark.parametrize("n,k", [(10, 1), (5, 6), (3, 0)])
def test_kfold_rejects_bad_k(learner, n, k):
    with expect_raises(ValueError, call_repr("kfold_indices", n, k), f"k must satisfy 2 <= k <= n = {n}"):
        learner.kfold_indices(n, k)


# ---------------------------------------------------------------------------- stratified

def _check_stratified(y, folds, k, call):
    _check_partition(folds, y.size, call, STRATIFIED_SIZES_WHY)
    classes = np.unique(y)
    for i, (_, test) in enumerate(folds):
        for c in classes:
            n_c = int(np.sum(y == c))
            got = int(np.sum(y[test] == c))
            assert n_c // k <= got <= -(-n_c // k), (
                f"called {call}; test fold {i} holds {got} samples of class {c!r}, which has {n_c} in all - "
                f"each fold must hold floor or ceil of {n_c}/{k} of them to keep the class ratio")


def _labels(name):
    rng = np.random.default_rng(11)
    return {
        "sorted_imbalanced": np.array([0] * 17 + [1] * 5 + [2] * 3),
        "shuffled_three": rng.permutation(np.array([0] * 13 + [1] * 13 + [2] * 13)),
        "odd_counts": np.array([1] * 4 + [0] * 4 + [2] * 4 + [3] * 4),  # every class has n_c % 3 == 1
        "strings_rare_class": rng.permutation(np.array(["spam"] * 9 + ["ham"] * 30 + ["eggs"] * 2)),
    }[name]


@pytest.mark.clause("C7", probes="folds that do not keep class ratios, or unbalanced fold sizes",
                    topic="validation and leakage")
@pytest.mark.points(3)
@pytest.mark.parametrize("name", ["sorted_imbalanced", "shuffled_three", "odd_counts", "strings_rare_class"])
@pytest.mark.parametrize("seed", [None, 3])
def test_stratified_folds_keep_class_ratios(learner, name, seed):
    y = _labels(name)
    k = 3
    call = call_repr("stratified_kfold_indices", y, k, seed=seed)
    _check_stratified(y, _as_folds(learner.stratified_kfold_indices(y, k, seed=seed), k, call), k, call)


@pytest.mark.clause("C7", probes="ten stratified folds with uneven classes", topic="validation and leakage")
def test_stratified_ten_folds(learner):
    y = np.repeat([0, 1, 2, 3], [33, 21, 9, 40])
    call = call_repr("stratified_kfold_indices", y, 10, seed=0)
    _check_stratified(y, _as_folds(learner.stratified_kfold_indices(y, 10, seed=0), 10, call), 10, call)


@pytest.mark.clause("C8", probes="stratified seed ignored, unseeded, or seed=None shuffling",
                    topic="randomness and reproducibility")
def test_stratified_seed_semantics(learner):
    y = np.repeat([0, 1], [20, 10])
    k = 5
    call = call_repr("stratified_kfold_indices", y, k, seed=1)
    first = _test_sets(learner.stratified_kfold_indices(y, k, seed=1))
    assert first == _test_sets(learner.stratified_kfold_indices(y, k, seed=1)), (
        f"called {call} twice; got different folds - shuffle with a generator seeded with `seed`")
    assert first != _test_sets(learner.stratified_kfold_indices(y, k, seed=2)), (
        f"called {call} and with seed=2; got the same folds - the seed is ignored")
    plain = _test_sets(learner.stratified_kfold_indices(y, k))
    assert plain == _test_sets(learner.stratified_kfold_indices(y, k)), (
        f"called {call_repr('stratified_kfold_indices', y, k)} twice; got different folds - seed=None means no shuffling")
    assert first != plain, f"called {call}; got the same folds as seed=None - the within-class shuffle is missing"


@pytest.mark.clause("C9", probes="k > n accepted by stratified_kfold_indices", topic="input validation")
def test_stratified_rejects_bad_k(learner):
    y = np.array([0, 1, 0, 1])
    with expect_raises(ValueError, call_repr("stratified_kfold_indices", y, 5), "k must satisfy 2 <= k <= n = 4"):
        learner.stratified_kfold_indices(y, 5)


# ---------------------------------------------------------------------------- contract: types, validation, generator

@pytest.mark.clause("C2", "C3", probes="empty raters accepted (nan from 0/0), or kappa returned as an array",
                    topic="input validation")
def test_kappa_is_a_float_and_refuses_empty_inputs(learner):
    y1, y2 = np.array([0, 1, 1, 2, 0]), np.array([0, 1, 2, 2, 1])
    got = learner.cohen_kappa(y1, y2)
    assert isinstance(got, float), (f"called {call_repr('cohen_kappa', y1, y2)}; got {describe(got)}, "
                                    f"expected a Python float")
    for empty in (np.array([], dtype=int), []):
        with expect_raises(ValueError, call_repr("cohen_kappa", empty, empty), "empty inputs: p_o would be 0/0"):
            learner.cohen_kappa(empty, empty)


@pytest.mark.points(2)
@pytest.mark.clause("C6", probes="a shuffle drawn from a global or other generator instead of default_rng(seed)",
                    topic="randomness and reproducibility")
def test_kfold_shuffle_uses_default_rng_permutation(learner):
    for n, k, seed in [(30, 3, 5), (23, 5, 1), (10, 4, 123)]:
        call = call_repr("kfold_indices", n, k, shuffle=True, seed=seed)
        folds = _as_folds(learner.kfold_indices(n, k, shuffle=True, seed=seed), k, call)
        order = np.random.default_rng(seed).permutation(n)
        sizes = np.full(k, n // k)
        sizes[: n % k] += 1
        for i, (block, (_, test)) in enumerate(zip(np.split(order, np.cumsum(sizes)[:-1]), folds)):
            assert_equal(np.sort(test), np.sort(block), f"{call} fold {i} test indices", show_expected=False,
                         why="the test folds are the blocks of np.random.default_rng(seed).permutation(n), cut as "
                             "without shuffling (not np.random.seed / np.random.shuffle, RandomState or random)")


@pytest.mark.parametrize("k", [1, 0])
@pytest.mark.clause("C9", probes="k < 2 accepted by stratified_kfold_indices", topic="input validation")
def test_stratified_rejects_k_below_two(learner, k):
    y = np.array([0, 1, 0, 1, 1, 0])
    with expect_raises(ValueError, call_repr("stratified_kfold_indices", y, k), "k must be at least 2"):
        learner.stratified_kfold_indices(y, k)
