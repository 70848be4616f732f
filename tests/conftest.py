"""Shared fixtures for the kit's own tests."""
import os

import pytest


@pytest.fixture(autouse=True)
def kit_settings_restored():
    """The CLI writes its global options into the process's environment (`--lang`, `--no-preload`):
    a test that parses or runs a command in-process must not switch the tests after it."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("MLKIT_")}
    yield
    for name in [k for k in os.environ if k.startswith("MLKIT_")]:
        if name not in saved:
            del os.environ[name]
    os.environ.update(saved)


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run slow sweeps (marked slow)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow sweep: run with `pytest --run-slow -m slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
