"""Shared fixtures for the kit's own tests."""
import pytest


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run slow sweeps (marked slow)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow sweep: run with `pytest --run-slow -m slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
