"""Data preprocessing without leakage: standardisation from scratch, then a scikit-learn pipeline.

Run the visible tests with `python grade.py check preprocessing`.
See README.md for the data conventions (no pandas: columns are numpy arrays).
"""
import numpy as np


def fit_scaler(X):
    """StandardScaler's fit, from scratch.

    X: (n, d) float array, NaN = missing (ignored, like scikit-learn).
    Returns (mean, scale), each of shape (d,): the column means and population
    standard deviations (ddof=0); a constant column gets scale 1.0.
    """
    # TODO
    raise NotImplementedError("fit_scaler")


def transform(X, mean, scale):
    """(X - mean) / scale with statistics learned elsewhere; NaN stays NaN. Returns (n, d)."""
    # TODO
    raise NotImplementedError("transform")


def build_preprocessor(numeric, categorical):
    """An unfitted sklearn ColumnTransformer for a 2-D array X.

    numeric, categorical: lists of column positions in X.
    numeric columns: median imputation, then standard scaling;
    categorical columns (labels: strings or number codes, NaN = missing):
    most-frequent imputation, then one-hot with unknown categories ignored.
    Output: a dense float array, numeric columns first.
    """
    # TODO
    raise NotImplementedError("build_preprocessor")


def train_test_score(df, target, seed):
    """Split, fit the preprocessing + LogisticRegression on the training rows only, score on the test rows.

    df: dict column name -> 1-D array of equal length; float columns are numeric (NaN = missing),
    str columns are categorical; df[target] holds the class labels.
    Split: train_test_split(row indices, test_size=0.25, random_state=seed, stratify=y).
    Returns (test accuracy as a float, the fitted sklearn Pipeline).
    """
    # TODO
    raise NotImplementedError("train_test_score")
