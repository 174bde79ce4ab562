"""Every API error carries a stable code and messages in Bahasa Indonesia and English."""

import pytest
import requests

from tests.integration.conftest import submit_sample


def problem(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"]["id"]
    assert body["message"]["en"]
    assert body["reasons"][0]["code"] == code
    return body


@pytest.mark.parametrize(
    ("body", "detail"),
    [(b"\xff\xfe", "UTF-8"), (b'{"documents": [', "not valid JSON"), (b"[1]", "JSON object")],
    ids=["not-utf8", "truncated-json", "json-list"],
)
def test_create_with_bad_body(stack, body, detail):
    response = requests.post(f"{stack.api_url}/applications", data=body, timeout=10)
    assert detail in problem(response, 400, "REQUEST_INVALID")["message"]["en"]


def test_create_with_invalid_document_field(stack):
    body = {"documents": [{"slot": "ktp", "content_type": "application/pdf", "size": -1, "file_name": "ktp.pdf"}]}
    response = requests.post(f"{stack.api_url}/applications", json=body, timeout=10)
    assert response.status_code == 400
    reasons = response.json()["reasons"]
    assert [r["field"] for r in reasons] == ["documents.0.size"]


def test_status_without_token(stack, client, samples, tmp_path):
    name = "01-toko-pakaian-rendah"
    submission = submit_sample(client, name, samples[name], tmp_path)
    url = f"{stack.api_url}/applications/{submission.application_id}"
    problem(requests.get(url, timeout=10), 401, "ACCESS_TOKEN_MISSING")
    bare = requests.get(url, headers={"Authorization": submission.access_token}, timeout=10)
    problem(bare, 401, "ACCESS_TOKEN_MISSING")
    wrong = requests.get(url, headers={"Authorization": "Bearer not-the-token"}, timeout=10)
    problem(wrong, 401, "ACCESS_TOKEN_INVALID")
    lower = requests.get(url, headers={"Authorization": f"bearer {submission.access_token}"}, timeout=10)
    assert lower.status_code == 200


def test_unknown_application_and_route(stack):
    unknown = requests.get(f"{stack.api_url}/operator/applications/no-such-id", timeout=10)
    assert "no-such-id" in problem(unknown, 404, "APPLICATION_NOT_FOUND")["message"]["id"]
    problem(requests.get(f"{stack.api_url}/applications", timeout=10), 404, "ROUTE_NOT_FOUND")


def test_unknown_sector_lists_known_ones(stack):
    body = problem(requests.get(f"{stack.api_url}/operator/tasks?sector=XXX", timeout=10), 400, "SECTOR_UNKNOWN")
    assert "DAG" in body["message"]["en"]


def test_decision_on_malformed_task(stack):
    body = {"decision": "approve", "reason": "lengkap", "operator_id": "op-dag-1"}
    response = requests.post(f"{stack.api_url}/operator/tasks/not-a-task/decision", json=body, timeout=10)
    problem(response, 400, "TASK_ID_INVALID")


def test_verification_page_for_browsers(stack, client, samples, tmp_path):
    from tests.integration.conftest import wait_for_status

    name = "01-toko-pakaian-rendah"
    submission = submit_sample(client, name, samples[name], tmp_path)
    record = wait_for_status(client, submission, {"ISSUED"})
    url = f"{stack.api_url}/verify"
    page = requests.get(url, params={"permit": record["permit_number"]}, headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Izin sah / Valid permit" in page.text
    assert "Toko Pakaian Sinar Limboto" in page.text
    forged = requests.get(url, params={"permit": "<script>x</script>"}, headers={"Accept": "text/html"}, timeout=10)
    assert "Not a valid permit" in forged.text
    assert "<script>" not in forged.text
    assert requests.get(url, params={"permit": record["permit_number"]}, timeout=10).json()["valid"] is True
