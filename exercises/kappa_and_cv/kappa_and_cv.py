"""Cohen's kappa and (stratified) k-fold index splits, from scratch in numpy.

Run the visible tests with `python grade.py check kappa_and_cv`.
Do not use sklearn, scipy, tensorflow or torch. See README.md for the full contract.
"""
import numpy as np


def cohen_kappa(y1, y2):
    """Cohen's kappa between two raters' labels y1, y2 (1-D, same length; ints or strings).

    kappa = (p_o - p_e) / (1 - p_e), over the union of both raters' labels.
    Returns a Python float; nan when p_e == 1 (kappa is undefined).
    Raises ValueError for empty input or different lengths.
    """
    # TODO: observed agreement p_o and chance agreement p_e from BOTH raters' marginals
    raise NotImplementedError("cohen_kappa")


def kfold_indices(n, k, shuffle=False, seed=None):
    """Split range(n) into k folds; return a list of k (train_idx, test_idx) pairs of int arrays.

    The test folds partition range(n); the first n % k folds hold one extra sample.
    shuffle=False: fold i is a contiguous block (as sklearn.model_selection.KFold).
    shuffle=True: the order is permuted with np.random.default_rng(seed) first.
    Raises ValueError unless 2 <= k <= n.
    """
    # TODO
    raise NotImplementedError("kfold_indices")


def stratified_kfold_indices(y, k, seed=None):
    """Like kfold_indices, but every test fold keeps each class's share of y.

    For every class c with n_c samples, each test fold holds floor(n_c / k) or
    ceil(n_c / k) of them, and fold sizes differ by at most one.
    seed=None: no shuffling (deterministic); an int: each class's indices are
    shuffled with np.random.default_rng(seed) before dealing them out.
    Raises ValueError unless 2 <= k <= len(y).
    """
    # TODO
    raise NotImplementedError("stratified_kfold_indices")
