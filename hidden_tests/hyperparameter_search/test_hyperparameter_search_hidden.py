"""Hidden tests for hyperparameter_search.

Wrong answers this suite is built to catch (one line each):
- KFold (plain, shuffled) instead of StratifiedKFold in grid_search
- StratifiedKFold without shuffle=True / random_state=seed (the seed is ignored)
- the last of several tied candidates is returned (GridSearchCV returns the first)
- candidates in param_grid's insertion order instead of ParameterGrid's order (keys sorted)
- fold scores averaged with fold-size weights (GridSearchCV's mean_test_score is the plain mean)
- candidates scored on the training folds instead of the held-out fold
- a list of grids (ParameterGrid semantics) not supported
- build_search: no scaler inside the Pipeline (scaling done outside, on all the data)
- build_search: cv=5 (unshuffled, seed ignored) or KFold instead of a seeded StratifiedKFold
- build_search: param_grid keys that do not address a pipeline step ("C" instead of "step__C")
- grid_search delegating to GridSearchCV (read from the submission's text, in grid_search and the
  module-level helpers it calls: GridSearchCV cannot be banned file-wide, build_search needs it)
- fixed_params applied over the candidate (the candidate's value must win: factory(**fixed).set_params(**c))
- one estimator per candidate re-fitted fold after fold: with warm_start=True it starts from the last fold
- build_search: a fitted GridSearchCV, or n_splits other than 5

Seed sweep (build_search on breast_cancer, 70/30 stratified split, split seed = search seed = s):
held-out accuracy of the reference for s = 0..9:
0.959 0.959 0.965 0.988 0.965 0.977 0.982 0.977 0.965 0.977; min 0.959.
Threshold 0.93 (margin 0.029); predicting the majority class gives 0.627.
"""
import ast
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from graders import banned, loader, paths
from graders.asserts import assert_allclose
from graders.estimators import assert_estimator_class, estimator_spec, pipeline_steps

SCALERS = ("StandardScaler", "MinMaxScaler", "RobustScaler", "MaxAbsScaler")


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    """Many tiny fits: BLAS threads only add contention on a shared 2-core machine."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def iris():
    return load_iris(return_X_y=True)


def wine():
    return load_wine(return_X_y=True)


def imbalanced():
    """Iris rows re-labelled so that one class is rare: KFold and StratifiedKFold differ a lot."""
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    keep = np.concatenate([np.where(y != 2)[0], rng.choice(np.where(y == 2)[0], 12, replace=False)])
    return X[keep], y[keep]


CASES = {
    "knn_iris_k4": ("sklearn.neighbors.KNeighborsClassifier", {},
                    {"weights": ["uniform", "distance"], "n_neighbors": [1, 5, 15, 40]}, iris, 4, 0),
    "knn_iris_seed3": ("sklearn.neighbors.KNeighborsClassifier", {},
                       {"weights": ["uniform", "distance"], "n_neighbors": [3, 9, 25]}, iris, 5, 3),
    "tree_wine": ("sklearn.tree.DecisionTreeClassifier", {"random_state": 0},
                  {"max_depth": [1, 2, 3, None], "criterion": ["gini", "entropy"]}, wine, 3, 1),
    "knn_imbalanced": ("sklearn.neighbors.KNeighborsClassifier", {},
                       {"n_neighbors": [1, 7, 21]}, imbalanced, 4, 5),
}


def expected_search(factory, fixed, grid, X, y, k, seed):
    module, _, name = factory.rpartition(".")
    cls = getattr(__import__(module, fromlist=[name]), name)
    search = GridSearchCV(cls(**fixed), grid, cv=StratifiedKFold(n_splits=k, shuffle=True, random_state=seed))
    search.fit(X, y)
    return search.best_params_, search.cv_results_["mean_test_score"]


def run(learner, factory, fixed, grid, X, y, k, seed):
    call = f"grid_search({factory!r}, {grid}, X of shape {X.shape}, y, k={k}, seed={seed}" + \
           (f", fixed_params={fixed})" if fixed else ")")
    if fixed:
        best, scores = learner.grid_search(factory, grid, X, y, k, seed, fixed_params=fixed)
    else:
        best, scores = learner.grid_search(factory, grid, X, y, k, seed)
    return call, best, scores


@pytest.mark.clause("C2", "C3", "C4", "C6", "C7", probes="KFold or an unseeded split, insertion order, weighted fold means, training-fold scores",
                    topic="validation and leakage")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(CASES))
def test_mean_scores_match_gridsearchcv(learner, case):
    factory, fixed, grid, data, k, seed = CASES[case]
    X, y = data()
    call, best, scores = run(learner, factory, fixed, grid, X, y, k, seed)
    expected_best, expected_scores = expected_search(factory, fixed, grid, X, y, k, seed)
    assert_allclose(scores, expected_scores, call + " mean_scores", rtol=1e-12, atol=1e-12, show_expected=False,
                    why="one plain mean over StratifiedKFold(n_splits=k, shuffle=True, random_state=seed) "
                        "held-out folds per candidate, candidates in ParameterGrid order (keys sorted)")
    if best != expected_best:
        raise AssertionError(f"called {call}; best_params is {best!r}, but that is not the candidate GridSearchCV picks")


@pytest.mark.clause("C7", probes="the last of tied candidates returned", topic="model evaluation")
@pytest.mark.points(2)
def test_ties_go_to_the_first_candidate(learner):
    # leaf_size does not change a brute-force neighbour search: every candidate scores the same
    X, y = iris()
    grid = {"n_neighbors": [7], "leaf_size": [30, 10, 20]}
    call, best, scores = run(learner, "sklearn.neighbors.KNeighborsClassifier", {"algorithm": "brute"}, grid, X, y, 5, 2)
    scores = np.asarray(scores, dtype=float)
    assert np.ptp(scores) == 0, f"called {call}; candidates that only differ in leaf_size got different scores {scores}"
    if best != {"leaf_size": 30, "n_neighbors": 7}:
        raise AssertionError(f"called {call}; got best_params {best!r} - on a tie GridSearchCV keeps the first "
                             f"candidate in ParameterGrid order")


@pytest.mark.clause("C3", probes="a list of grids not searched grid after grid", topic="api contract")
def test_list_of_grids(learner):
    X, y = wine()
    grid = [{"max_depth": [1, 3]}, {"max_depth": [2], "criterion": ["entropy"]}]
    fixed = {"random_state": 0}
    call, best, scores = run(learner, "sklearn.tree.DecisionTreeClassifier", fixed, grid, X, y, 4, 0)
    expected_best, expected_scores = expected_search("sklearn.tree.DecisionTreeClassifier", fixed, grid, X, y, 4, 0)
    assert_allclose(scores, expected_scores, call + " mean_scores", rtol=1e-12, atol=1e-12, show_expected=False,
                    why="a list of grids is searched grid after grid, like ParameterGrid")
    assert best == expected_best, f"called {call}; best_params is {best!r}, not the candidate GridSearchCV picks"


@pytest.mark.points(2)
@pytest.mark.clause("C2", probes="fixed_params overriding the candidate's value", topic="api contract")
def test_candidate_values_win_over_fixed_params(learner):
    X, y = iris()
    factory, fixed, grid = "sklearn.neighbors.KNeighborsClassifier", {"n_neighbors": 40, "weights": "distance"}, \
        {"n_neighbors": [1, 9]}
    call, best, scores = run(learner, factory, fixed, grid, X, y, 4, 6)
    expected_best, expected_scores = expected_search(factory, fixed, grid, X, y, 4, 6)
    assert_allclose(scores, expected_scores, call + " mean_scores", rtol=1e-12, atol=1e-12, show_expected=False,
                    why="each estimator is factory(**fixed_params).set_params(**candidate): the candidate's "
                        "n_neighbors replaces the fixed one")
    assert best == expected_best, f"called {call}; best_params is {best!r}, not the candidate GridSearchCV picks"


@pytest.mark.points(2)
@pytest.mark.clause("C5", probes="one estimator per candidate re-fitted fold after fold (warm_start carries over)",
                    topic="validation and leakage")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_fresh_estimator_for_every_fold(learner):
    X, y = iris()
    factory, fixed, grid = "sklearn.linear_model.LogisticRegression", {"warm_start": True, "max_iter": 3}, \
        {"C": [0.1, 1.0]}
    call, _, scores = run(learner, factory, fixed, grid, X, y, 4, 0)
    _, expected_scores = expected_search(factory, fixed, grid, X, y, 4, 0)
    assert_allclose(scores, expected_scores, call + " mean_scores", rtol=1e-12, atol=1e-12, show_expected=False,
                    why="make a fresh estimator for every candidate and fold: with warm_start=True an estimator "
                        "re-fitted on the next fold starts from the previous fold's solution")


SEARCHERS = ("GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV")


def called_functions(tree, name):
    """The module-level functions that `name` calls, directly or through each other (by simple name)."""
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in functions:
            continue
        seen.add(current)
        todo += [node.id for node in ast.walk(functions[current]) if isinstance(node, ast.Name)]
    return [functions[n] for n in seen]


@pytest.mark.points(2)
@pytest.mark.clause("C1", probes="grid_search delegating to GridSearchCV instead of looping over candidates and folds",
                    topic="validation and leakage")
def test_grid_search_is_written_by_hand(learner, request):
    X, y = iris()
    factory, grid = "sklearn.neighbors.KNeighborsClassifier", {"n_neighbors": [3, 11]}
    call, best, scores = run(learner, factory, {}, grid, X, y, 3, 4)
    _, expected_scores = expected_search(factory, {}, grid, X, y, 3, 4)
    assert_allclose(scores, expected_scores, call + " mean_scores", rtol=1e-12, atol=1e-12, show_expected=False)
    # the submission's text is read, never imported (like the banned-module check)
    target = request.config.getoption("--grader-target")
    path = loader.find_submission(Path(target).resolve() if target else paths.EXERCISES, "hyperparameter_search")
    source = path.read_text(encoding="utf-8", errors="replace")
    lines = {line for function in called_functions(ast.parse(source), "grid_search")
             for line in range(function.lineno, function.end_lineno + 1)}
    rules = [f"sklearn.model_selection.{name}" for name in SEARCHERS]
    found = [f for f in banned.find_banned(source, rules) if f.line in lines]
    if found:
        raise AssertionError(f"hyperparameter_search.py line {found[0].line}: grid_search uses {found[0].name} - "
                             f"write the loop over candidates and folds yourself (GridSearchCV is for build_search)")


# ------------------------------------------------------------------ build_search

def search_spec(learner, seed):
    return estimator_spec(learner.build_search(seed))


@pytest.mark.clause("C8", probes="no Pipeline, or the scaler not its first step", topic="validation and leakage")
@pytest.mark.points(2)
def test_build_search_scaler_inside_pipeline(learner):
    call = "build_search(0)"
    spec = search_spec(learner, 0)
    assert_estimator_class(spec, "GridSearchCV", call)
    pipe = spec["params"]["estimator"]
    assert_estimator_class(pipe, "Pipeline", call + ".estimator",
                           why="search over a Pipeline so that preprocessing is re-fitted inside every fold")
    steps = pipeline_steps(pipe)
    if steps[0][1]["class_name"] not in SCALERS:
        raise AssertionError(f"called {call}; the pipeline's steps are {[s[1]['class_name'] for s in steps]} - the "
                             f"first step must be a scaler, so that each fold scales with its own training rows")
    if len(steps) < 2:
        raise AssertionError(f"called {call}; the pipeline has no classifier after the scaler")
    if spec.get("is_fitted"):
        raise AssertionError(f"called {call}; got a fitted GridSearchCV, expected an unfitted one (the grader fits "
                             f"it on its own training rows)")


@pytest.mark.clause("C10", probes="cv=5, KFold, or StratifiedKFold without the seed", topic="validation and leakage")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [0, 11])
def test_build_search_uses_seeded_stratified_kfold(learner, seed):
    call = f"build_search({seed})"
    cv = search_spec(learner, seed)["params"]["cv"]
    if not isinstance(cv, dict) or cv.get("class_name") != "StratifiedKFold":
        got = cv.get("class_name") if isinstance(cv, dict) else repr(cv)
        raise AssertionError(f"called {call}; cv is {got}, expected a StratifiedKFold object "
                             f"(class ratios kept in every fold; shuffled with the given seed)")
    params = cv["params"]
    if params.get("shuffle") is not True or params.get("random_state") != seed:
        raise AssertionError(f"called {call}; cv is StratifiedKFold(shuffle={params.get('shuffle')!r}, "
                             f"random_state={params.get('random_state')!r}) - shuffle the folds with the given seed")
    if params.get("n_splits") != 5:
        raise AssertionError(f"called {call}; cv has n_splits={params.get('n_splits')!r}, expected "
                             f"StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)")


@pytest.mark.clause("C9", probes="grid keys that name no pipeline step; a single candidate", topic="preprocessing")
def test_build_search_grid_addresses_pipeline_steps(learner):
    call = "build_search(0)"
    spec = search_spec(learner, 0)
    names = [name for name, _ in pipeline_steps(spec["params"]["estimator"])]
    grids = spec["params"]["param_grid"]
    grids = [grids] if isinstance(grids, dict) else grids
    n_candidates = 0
    for grid in grids:
        count = 1
        for key, values in grid.items():
            step = key.split("__")[0]
            if "__" not in key or step not in names:
                raise AssertionError(f"called {call}; param_grid key {key!r} does not name a pipeline step "
                                     f"({names}): write it as '<step>__<parameter>'")
            count *= len(values)
        n_candidates += count
    if n_candidates < 2:
        raise AssertionError(f"called {call}; the grid has {n_candidates} candidate(s), nothing to search")


@pytest.mark.clause("C8", "C11", probes="a search that does not learn (no classifier, bad grid)",
                    topic="training and convergence")
@pytest.mark.points(3)
def test_build_search_learns_breast_cancer(learner):
    X, y = load_breast_cancer(return_X_y=True)
    seed = 0
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)
    search = learner.build_search(seed)
    search.fit(X_train, y_train)
    accuracy = float(np.mean(np.asarray(search.predict(X_test)) == y_test))
    assert accuracy >= 0.93, (f"called build_search({seed}).fit(...) on breast_cancer; held-out accuracy "
                              f"{accuracy:.3f}, expected at least 0.93")
