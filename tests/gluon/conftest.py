"""Gluon tests: block names come from per-thread counters; start each test at 0."""
import pytest

from autodiff.gluon import _naming


@pytest.fixture(autouse=True)
def _fresh_names():
    _naming.reset_counters()
    yield
