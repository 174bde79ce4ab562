"""With the full official KBLI list configured, codes outside the rule table go to high-risk review."""

import json

import pytest

from local.client import read_folder, submit_round
from local.demo import load_samples, materialize
from local.stack import LocalStack, StackOptions
from tests.integration.conftest import TEST_DEADLINE_SECONDS, wait_for_status

# A real KBLI 2020 subclass (Industri Kue Basah, division 10) that the rule table does not list.
CODE_OUTSIDE_TABLE = "10792"


@pytest.fixture(scope="module")
def full_list_stack(test_data, tmp_path_factory):
    deadlines = tmp_path_factory.mktemp("deadlines") / "deadlines.json"
    seconds = TEST_DEADLINE_SECONDS
    deadlines.write_text(json.dumps({"unit": "seconds", "correction": seconds, "review": {"default": seconds}}))
    options = StackOptions(
        deadlines_file=deadlines, static_dir=None, kbli_list=test_data / "kbli2020" / "kbli_kelompok.json"
    )
    stack = LocalStack(options).start()
    yield stack
    stack.stop()


def test_code_outside_table_reviewed_by_division_sector(full_list_stack, tmp_path):
    from local.client import GosoClient

    client = GosoClient(full_list_stack.api_url)
    sample = load_samples()["05-penggalian-pasir-tinggi"]
    manifest, files = read_folder(materialize("outside-table", sample, tmp_path))
    manifest["kbli"] = CODE_OUTSIDE_TABLE
    submission = submit_round(client, manifest, files)
    record = wait_for_status(client, submission, {"IN_REVIEW"})
    assert record["risk_level"] == "T"
    assert record["sector"] == "IND"
    assert record["review_sectors"] == ["IND"]
    assert record["kbli_title"] == "Industri Kue Basah"
