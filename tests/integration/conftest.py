"""Fixtures for tests that run on the embedded local stack (moto on 127.0.0.1, handlers in-process)."""

import json
import time
from pathlib import Path

import pytest

from local.client import FINAL_STATUSES, GosoClient, Submission, read_folder, submit_round
from local.demo import load_samples, materialize
from local.stack import LocalStack, StackOptions

# Deadlines of the test profile, in seconds: long enough for a scripted operator on a busy
# two-core machine, short enough that deadline paths finish quickly. Tests never sleep longer
# than these.
TEST_DEADLINE_SECONDS = 12


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> LocalStack:
    folder = tmp_path_factory.mktemp("deadlines")
    deadlines = folder / "deadlines.json"
    deadlines.write_text(
        json.dumps({"unit": "seconds", "correction": TEST_DEADLINE_SECONDS, "review": {"default": TEST_DEADLINE_SECONDS}})
    )
    local = LocalStack(StackOptions(deadlines_file=deadlines, static_dir=None)).start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def client(stack) -> GosoClient:
    return GosoClient(stack.api_url)


@pytest.fixture(scope="module")
def samples() -> dict[str, dict]:
    return load_samples()


def submit_sample(client: GosoClient, sample_name: str, sample: dict, out_dir: Path, **manifest_changes) -> Submission:
    """Submit round 1 of a bundled sample, with optional top-level manifest changes."""
    manifest, files = read_folder(materialize(sample_name, sample, out_dir))
    manifest.update(manifest_changes)
    return submit_round(client, manifest, files)


def wait_for_status(client: GosoClient, submission: Submission, statuses: set[str], timeout: float = 30) -> dict:
    """Poll the applicant's status route until the status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        record = client.status(submission)
        if record["status"] in statuses:
            return record
        if time.monotonic() > deadline:
            raise AssertionError(f"status stayed {record['status']}, expected one of {sorted(statuses)}")
        time.sleep(0.2)


def wait_for_final(client: GosoClient, submission: Submission, timeout: float = 30) -> dict:
    return wait_for_status(client, submission, FINAL_STATUSES, timeout)
