"""Reference solution: standardisation from scratch, and a leak-free preprocessing pipeline."""
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def fit_scaler(X):
    X = np.asarray(X, dtype=np.float64)
    n = np.sum(~np.isnan(X), axis=0)
    mean = np.nanmean(X, axis=0)
    var = np.nanvar(X, axis=0)
    # A column is constant when its variance is within the rounding error of the
    # two-pass algorithm (scikit-learn's rule); such a column keeps scale 1.
    eps = np.finfo(np.float64).eps
    constant = var <= n * eps * var + (n * mean * eps) ** 2
    scale = np.where(constant, 1.0, np.sqrt(var))
    return mean, scale


def transform(X, mean, scale):
    return (np.asarray(X, dtype=np.float64) - mean) / scale


def build_preprocessor(numeric, categorical):
    numeric_branch = Pipeline([
        ("impute", SimpleImputer(strategy="median")),
        ("scale", StandardScaler()),
    ])
    categorical_branch = Pipeline([
        ("impute", SimpleImputer(strategy="most_frequent")),
        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
    ])
    return ColumnTransformer([
        ("numeric", numeric_branch, list(numeric)),
        ("categorical", categorical_branch, list(categorical)),
    ])


def _feature_matrix(df, target):
    """Numeric columns first, then categorical ones, each in the order of df's keys."""
    names = [name for name in df if name != target]
    numeric = [name for name in names if np.asarray(df[name]).dtype.kind in "biuf"]
    categorical = [name for name in names if name not in numeric]
    X = np.empty((len(df[target]), len(names)), dtype=object)
    for j, name in enumerate(numeric + categorical):
        column = np.asarray(df[name])
        X[:, j] = column.astype(np.float64) if name in numeric else column
    return X, list(range(len(numeric))), list(range(len(numeric), len(names)))


def train_test_score(df, target, seed):
    X, numeric, categorical = _feature_matrix(df, target)
    y = np.asarray(df[target])
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=seed, stratify=y)
    model = Pipeline([
        ("preprocess", build_preprocessor(numeric, categorical)),
        ("classify", LogisticRegression(max_iter=1000)),
    ])
    model.fit(X[train], y[train])  # every statistic is learned from the training rows only
    return float(model.score(X[test], y[test])), model
