"""The grading engine of the ML interview kit.

Modules, one job each:
    paths     where exercises, solutions and hidden tests live
    manifest  the exercise catalogue (exercises/catalog.toml)
    loader    find and import a submission's SLUG.py
    plugin    the pytest plugin: fixtures, points, per-test results
    results   the one Results model every output is rendered from
    runner    runs an exercise's suites in a subprocess and builds Results
    banned    static check for calls an exercise forbids
    asserts   learner-facing assertion helpers for test authors
    cli       the click command line (grade.py)
"""

try:
    from importlib.metadata import PackageNotFoundError, version as _version
    __version__ = _version("ml-interview-kit")
except (ImportError, PackageNotFoundError):  # a release bundle or a plain checkout
    __version__ = "0.1.0"
