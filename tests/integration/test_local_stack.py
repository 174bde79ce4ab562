"""The embedded stack runs the deployed definition and the real handlers, and the CLI drives it."""

import json

import pytest

from infra.topology import FUNCTIONS, STATE_MACHINE_DEFINITION, Resource, state_machine_functions
from local import cli, discovery
from local.demo import materialize
from local.lambda_runtime import function_name
from tests.integration.conftest import submit_sample, wait_for_status


def test_moto_lambda_invoke_runs_handler_in_process(stack):
    """moto's own Lambda endpoint must reach the in-process runtime, or nothing in the pipeline runs."""
    before = stack.runtime.stats["record_outcome"].count
    response = stack.client("lambda").invoke(
        FunctionName=function_name(next(s for s in FUNCTIONS if s.name == "record_outcome")),
        Payload=json.dumps({"action": "no-such-action", "application_id": "x"}).encode(),
    )
    payload = json.loads(response["Payload"].read())
    assert response.get("FunctionError") == "Unhandled"
    assert payload["errorType"] == "ValueError"
    assert "no-such-action" in payload["errorMessage"]
    assert stack.runtime.stats["record_outcome"].count == before + 1


def test_state_machine_is_the_asl_file(stack):
    described = stack.client("stepfunctions").describe_state_machine(stateMachineArn=stack.values[Resource.STATE_MACHINE])
    expected = STATE_MACHINE_DEFINITION.read_text()
    for placeholder, spec in state_machine_functions().items():
        expected = expected.replace("${" + placeholder + "}", stack.runtime.arn(spec))
    assert json.loads(described["definition"]) == json.loads(expected)


def test_every_topology_function_exists_in_moto(stack):
    names = {f["FunctionName"] for f in stack.client("lambda").list_functions()["Functions"]}
    assert names == {function_name(spec) for spec in FUNCTIONS}


def test_upload_notification_reaches_intake(stack, client, samples, tmp_path):
    name = "01-toko-pakaian-rendah"
    before = stack.runtime.stats["intake"].count
    submission = submit_sample(client, name, samples[name], tmp_path)
    wait_for_status(client, submission, {"ISSUED"})
    assert stack.runtime.stats["intake"].count > before

    def event_types() -> list[str]:
        return [event["detail-type"] for event in stack.events_of(submission.application_id)]

    # Events reach the tap queue asynchronously, so wait for the last one.
    stack.wait_for(lambda: "PermitIssued" in event_types(), timeout=10)
    assert "ApplicationReceived" in event_types()
    assert "PermitIssued" in event_types()


@pytest.fixture()
def registered(stack, tmp_path, monkeypatch):
    """Make the CLI find this test's stack as if `goso up` had started it, from a fresh folder."""
    monkeypatch.chdir(tmp_path)
    discovery.write_state(stack.describe())
    return tmp_path


def last_json_line(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_cli_submit_approves_review(registered, samples, capsys):
    name = "03-klinik-menengah-tinggi"
    folder = materialize(name, samples[name], registered)
    assert cli.main(["submit", str(folder), "--review", "approve", "--json"]) == 0
    record = last_json_line(capsys.readouterr().out)
    assert record["status"] == "ISSUED"
    assert record["oss_status_code"] == "50"
    assert record["approved_sectors"] == ["KES"]


def test_cli_submit_rejects_review(registered, samples, capsys):
    name = "08-karaoke-ditolak"
    folder = materialize(name, samples[name], registered)
    assert cli.main(["submit", str(folder), "--review", "reject", "--json"]) == 0
    record = last_json_line(capsys.readouterr().out)
    assert record["status"] == "REJECTED"
    assert record["reasons"][0]["code"] == "REVIEW_REJECTED"


def test_cli_decide_refuses_operator_of_other_sector(stack, registered, client, samples, capsys):
    name = "03-klinik-menengah-tinggi"
    submission = submit_sample(client, name, samples[name], registered)
    wait_for_status(client, submission, {"IN_REVIEW"})
    task_id = f"{submission.application_id}.KES.r1"
    tasks_open = stack.wait_for(
        lambda: any(t["state"] == "OPEN" for t in client.operator_view(submission.application_id)["tasks"]), timeout=5
    )
    assert tasks_open
    code = cli.main(["review", "decide", task_id, "--decision", "approve", "--reason", "looks fine", "--operator", "op-dag-1"])
    captured = capsys.readouterr()
    assert code == 2
    assert "op-dag-1" in captured.err
    assert "belongs to sector DAG" in captured.err
    tasks = client.operator_view(submission.application_id)["tasks"]
    assert [t["state"] for t in tasks] == ["OPEN"]
    assert cli.main(["review", "decide", task_id, "--decision", "approve", "--reason", "standar klinik terpenuhi", "--operator", "op-kes-1", "--json"]) == 0
    decided = last_json_line(capsys.readouterr().out)
    assert decided["state"] == "DECIDED"
    assert decided["operator_id"] == "op-kes-1"


def test_cli_executions_shows_state_history(registered, client, samples, capsys):
    name = "01-toko-pakaian-rendah"
    submission = submit_sample(client, name, samples[name], registered)
    wait_for_status(client, submission, {"ISSUED"})
    assert cli.main(["executions", submission.application_id, "--json"]) == 0
    rows = last_json_line(capsys.readouterr().out)
    entered = [row["state"] for row in rows if row["type"].endswith("StateEntered")]
    assert entered == ["Verify", "Route", "Issue"]
    assert rows[-1]["type"] == "ExecutionSucceeded"


def test_cli_verify_checks_signature_and_registry(registered, client, samples, capsys):
    name = "01-toko-pakaian-rendah"
    submission = submit_sample(client, name, samples[name], registered)
    record = wait_for_status(client, submission, {"ISSUED"})
    permit = registered / "permit.pdf"
    permit.write_bytes(client.download(client.permit_link(submission)["url"]))
    key = registered / "issuer.pem"
    key.write_bytes(client.issuer_public_key())
    assert cli.main(["verify", str(permit), "--public-key", str(key), "--json"]) == 0
    answer = last_json_line(capsys.readouterr().out)
    assert answer["valid"] is True
    assert answer["permit_number"] == record["permit_number"]
    assert answer["registry"]["valid"] is True
    tampered = registered / "tampered.pdf"
    data = bytearray(permit.read_bytes())
    data[len(data) // 3] ^= 0x20
    tampered.write_bytes(bytes(data))
    assert cli.main(["verify", str(tampered), "--public-key", str(key), "--json"]) == 1
    assert last_json_line(capsys.readouterr().out)["valid"] is False


def test_cli_verify_without_key_explains(registered, capsys):
    (registered / "some.pdf").write_bytes(b"%PDF-1.4\n")
    assert cli.main(["verify", str(registered / "some.pdf"), "--out", str(registered / "missing")]) == 2
    assert "--public-key" in capsys.readouterr().err
