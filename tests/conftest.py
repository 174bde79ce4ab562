"""Shared fixtures. Real public test input is read from the folder named by GOSO_TEST_DATA."""

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def test_data() -> Path:
    """Return the test data folder; fail (not skip) when GOSO_TEST_DATA is unset or wrong."""
    value = os.environ.get("GOSO_TEST_DATA")
    if not value:
        pytest.fail("GOSO_TEST_DATA is not set: point it at the test data folder, e.g. GOSO_TEST_DATA=/path/to/data")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"GOSO_TEST_DATA={value} is not a directory")
    return path
