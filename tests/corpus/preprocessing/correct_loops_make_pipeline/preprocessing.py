"""Correct, written independently: per-column loops for the scaler, make_* helpers for the pipeline."""
import numpy as np
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

EPS = np.finfo(np.float64).eps


def fit_scaler(X):
    X = np.array(X, dtype=np.float64)
    means, scales = [], []
    for j in range(X.shape[1]):
        column = X[:, j]
        column = column[~np.isnan(column)]
        n = len(column)
        m = column.sum() / n
        v = ((column - m) ** 2).sum() / n
        means.append(m)
        # variance at the level of rounding noise counts as zero
        scales.append(1.0 if v <= n * EPS * v + (n * m * EPS) ** 2 else np.sqrt(v))
    return np.array(means), np.array(scales)


def transform(X, mean, scale):
    X = np.array(X, dtype=np.float64)
    return np.divide(np.subtract(X, mean[None, :]), scale[None, :])


def build_preprocessor(numeric, categorical):
    return make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), list(numeric)),
        (make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
         list(categorical)),
        sparse_threshold=0.0,
    )


def train_test_score(df, target, seed):
    names = [k for k in df.keys() if k != target]
    y = np.asarray(df[target])
    rows = len(y)
    X = np.empty((rows, len(names)), dtype=object)
    numeric, categorical = [], []
    for j, name in enumerate(names):
        values = np.asarray(df[name])
        if values.dtype.kind in "fiub":
            X[:, j] = values.astype(float)
            numeric.append(j)
        else:
            X[:, j] = values.astype(str)
            categorical.append(j)
    idx_train, idx_test = train_test_split(np.arange(rows), test_size=0.25, random_state=seed, stratify=y)
    pipe = make_pipeline(build_preprocessor(numeric, categorical), LogisticRegression(max_iter=1000))
    pipe.fit(X[idx_train], y[idx_train])
    accuracy = np.mean(pipe.predict(X[idx_test]) == y[idx_test])
    return float(accuracy), pipe
