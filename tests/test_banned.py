"""The static banned-call check."""
import pytest

from graders.banned import find_banned

RULES = ("sklearn", "tensorflow.nn.softmax")


@pytest.mark.parametrize("source", [
    "import sklearn",
    "import sklearn.metrics as m",
    "from sklearn.metrics import f1_score",
    "from sklearn import metrics",
    "import importlib\nm = importlib.import_module('sklearn.metrics')",
    "m = __import__('sklearn')",
    "import tensorflow as tf\ny = tf.nn.softmax(x)",
    "from tensorflow import nn\ny = nn.softmax(x)",
    "from tensorflow.nn import softmax",
])
def test_finds_banned_uses(source):
    assert find_banned(source, RULES), source


@pytest.mark.parametrize("source", [
    "import numpy as np",
    "import tensorflow as tf\ny = tf.nn.relu(x)",
    "sklearn_like = 1",
    "def f(:",  # a syntax error is reported by the import, not here
])
def test_allows_everything_else(source):
    assert find_banned(source, RULES) == []


def test_reports_the_line():
    (finding,) = find_banned("import numpy\n\nfrom sklearn.metrics import f1_score\n", ("sklearn",))
    assert finding.line == 3 and finding.name == "sklearn.metrics.f1_score"
