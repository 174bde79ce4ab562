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


def test_cli_verify_rejects_other_document_under_issued_number(stack, registered, client, samples, capsys):
    from datetime import UTC, datetime

    from functions.permits.render import render_permit_pdf
    from functions.permits.signing import sign_pdf
    from schemas.permit import Permit

    name = "01-toko-pakaian-rendah"
    submission = submit_sample(client, name, samples[name], registered)
    record = wait_for_status(client, submission, {"ISSUED"})
    # A permit signed with the issuer's key but never issued under this number, e.g. from
    # another stack that reused the same sequence.
    other = Permit(
        permit_number=record["permit_number"], application_id="other", nib="9120009999999",
        business_name="Usaha Lain", kbli="47711", kbli_title="Perdagangan Eceran Pakaian", sector="DAG",
        risk_level="R", region_code="75.71", issued_at=datetime.now(UTC), deemed_approval=False, key="x", sha256="",
    )
    unsigned = render_permit_pdf(other, verify_url="http://127.0.0.1/verify", sector_name="Perdagangan", region_name="Kota Gorontalo")
    forged = registered / "other.pdf"
    forged.write_bytes(sign_pdf(unsigned, kms_client=stack.client("kms"), key_id=stack.values[Resource.SIGNING_KEY]))
    key = registered / "issuer.pem"
    key.write_bytes(client.issuer_public_key())
    assert cli.main(["verify", str(forged), "--public-key", str(key), "--json"]) == 1
    answer = last_json_line(capsys.readouterr().out)
    assert answer["valid"] is False
    assert "different document" in answer["reason"]


def test_cli_reports_missing_folder_without_traceback(registered, capsys):
    assert cli.main(["submit", str(registered / "no-such-folder")]) == 2
    err = capsys.readouterr().err
    assert "application.json" in err
    assert "Traceback" not in err


def test_iam_caller_must_be_the_deciding_operator(stack, client, samples, tmp_path):
    from local.http_api import build_event

    name = "03-klinik-menengah-tinggi"
    submission = submit_sample(client, name, samples[name], tmp_path)
    wait_for_status(client, submission, {"IN_REVIEW"})
    task_id = f"{submission.application_id}.KES.r1"
    body = json.dumps({"decision": "approve", "reason": "standar terpenuhi", "operator_id": "op-kes-1"}).encode()
    event = build_event("POST", f"/operator/tasks/{task_id}/decision", {"content-type": "application/json"}, body, "127.0.0.1")
    event["requestContext"]["authorizer"] = {
        "iam": {"userArn": "arn:aws:sts::123456789012:assumed-role/goso-operator/op-dag-1"}
    }
    response, failed = stack.runtime.invoke("goso-api", event)
    assert not failed
    assert response["statusCode"] == 403
    assert "not the authenticated caller" in response["body"]
    event["requestContext"]["authorizer"]["iam"]["userArn"] = "arn:aws:sts::123456789012:assumed-role/goso-operator/op-kes-1"
    stack.wait_for(
        lambda: any(t["state"] == "OPEN" for t in client.operator_view(submission.application_id)["tasks"]), timeout=5
    )
    response, failed = stack.runtime.invoke("goso-api", event)
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["operator_id"] == "op-kes-1"
