"""Intake on the local stack: duplicates, unexpected manifests, bad input, and kept uploads."""

import copy
import hashlib
import json
import time

import pytest

from infra.topology import Resource
from local.client import Submission, read_folder, submit_round
from local.demo import materialize
from tests.integration.conftest import TEST_DEADLINE_SECONDS, submit_sample, wait_for_final, wait_for_status

LOW_RISK = "01-toko-pakaian-rendah"


def upload_documents(client, files: dict) -> tuple[dict, Submission]:
    """Create an application and upload its documents, leaving the manifest to the test."""
    declared = [{"slot": s, "content_type": c, "size": len(d), "file_name": n} for s, (d, n, c) in files.items()]
    created = client.create(declared)
    for slot, (data, name, content_type) in files.items():
        client.upload(created["documents"][slot], data, name, content_type)
    return created, Submission(created["application_id"], created["access_token"])


def upload_manifest(client, created: dict, body: bytes) -> None:
    client.upload(created["manifest"], body, "application.json", "application/json")


def executions_named(stack, application_id: str) -> list[dict]:
    sfn = stack.client("stepfunctions")
    machine = stack.values[Resource.STATE_MACHINE]
    return [e for e in sfn.list_executions(stateMachineArn=machine)["executions"] if e["name"] == application_id]


def audit_actions(client, application_id: str) -> list[str]:
    return [entry["action"] for entry in client.operator_view(application_id)["audit"]]


def test_repeated_s3_event_starts_one_execution(stack, client, samples, tmp_path):
    submission = submit_sample(client, LOW_RISK, samples[LOW_RISK], tmp_path)
    wait_for_final(client, submission)
    s3 = stack.client("s3")
    bucket = stack.values[Resource.UPLOAD_BUCKET]
    key = f"incoming/{submission.application_id}/r1/application.json"
    etag = s3.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": bucket}, "object": {"key": key, "eTag": etag}},
            }
        ]
    }
    sqs = stack.client("sqs")
    for _ in range(2):
        sqs.send_message(QueueUrl=stack.values[Resource.INTAKE_QUEUE], MessageBody=json.dumps(event))
    # Both deliveries are consumed: the queue drains while nothing new happens.
    stack.wait_for(lambda: stack.runtime.stats["intake"].count >= 3, timeout=10)
    time.sleep(1)
    assert len(executions_named(stack, submission.application_id)) == 1
    assert audit_actions(client, submission.application_id).count("manifest_received") == 1
    assert client.status(submission)["status"] == "ISSUED"


def test_same_manifest_uploaded_twice_starts_one_execution(stack, client, samples, tmp_path):
    manifest, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    created, submission = upload_documents(client, files)
    body = json.dumps(manifest).encode()
    upload_manifest(client, created, body)
    upload_manifest(client, created, body)
    wait_for_final(client, submission)
    assert len(executions_named(stack, submission.application_id)) == 1
    assert audit_actions(client, submission.application_id).count("manifest_received") == 1


def test_changed_manifest_not_awaited_is_refused(stack, client, samples, tmp_path):
    manifest, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    created, submission = upload_documents(client, files)
    upload_manifest(client, created, json.dumps(manifest).encode())
    wait_for_final(client, submission)
    changed = {**manifest, "business_name": "Toko Pakaian Ganti Nama"}
    upload_manifest(client, created, json.dumps(changed).encode())
    view = stack.wait_for(
        lambda: (v := client.operator_view(submission.application_id))
        and any(e["action"] == "manifest_not_accepted" for e in v["audit"])
        and v,
        timeout=10,
    )
    refusal = next(e for e in view["audit"] if e["action"] == "manifest_not_accepted")
    assert refusal["reasons"][0]["code"] == "MANIFEST_CHANGED"
    assert view["application"]["business_name"] == manifest["business_name"]
    assert view["application"]["status"] == "ISSUED"
    assert len(executions_named(stack, submission.application_id)) == 1


def test_manifest_for_unrequested_round_is_refused(stack, client, samples, tmp_path):
    submission = submit_sample(client, LOW_RISK, samples[LOW_RISK], tmp_path)
    wait_for_final(client, submission)
    manifest, _ = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    stack.client("s3").put_object(
        Bucket=stack.values[Resource.UPLOAD_BUCKET],
        Key=f"incoming/{submission.application_id}/r2/application.json",
        Body=json.dumps(manifest).encode(),
    )
    view = stack.wait_for(
        lambda: (v := client.operator_view(submission.application_id))
        and any(e["action"] == "manifest_not_accepted" for e in v["audit"])
        and v,
        timeout=10,
    )
    refusal = next(e for e in view["audit"] if e["action"] == "manifest_not_accepted")
    assert refusal["reasons"][0]["code"] == "MANIFEST_ROUND_UNEXPECTED"
    assert view["application"]["round"] == 1


def _bad_manifest_cases() -> list[tuple[str, object, str, str]]:
    """(case id, change to the manifest, expected status, expected reason code)."""

    def set_path(path: str, value):
        def change(manifest: dict) -> dict:
            changed = copy.deepcopy(manifest)
            target = changed
            *parents, leaf = path.split(".")
            for parent in parents:
                target = target[parent]
            if value is _DELETE:
                del target[leaf]
            else:
                target[leaf] = value
            return changed

        return change

    return [
        ("missing-field", set_path("business_name", _DELETE), "REJECTED", "FIELD_MISSING"),
        ("wrong-type", set_path("investment_value_idr", "seratus juta"), "REJECTED", "FIELD_INVALID"),
        ("unknown-kbli", set_path("kbli", "99999"), "REJECTED", "KBLI_UNKNOWN"),
        ("region-outside-gorontalo", set_path("location.region_code", "73.71"), "REJECTED", "REGION_OUTSIDE_PROVINCE"),
        ("nib-12-digits", set_path("nib", "912000100001"), "REJECTED", "NIB_INVALID"),
        ("nik-impossible-date", set_path("owner.nik", "7571013513880002"), "REJECTED", "NIK_INVALID"),
        ("npwp-14-digits", set_path("owner.npwp", "01234567890123"), "REJECTED", "NPWP_INVALID"),
        ("phone-not-indonesian", set_path("owner.phone", "+15551234567"), "REJECTED", "PHONE_INVALID"),
    ]


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [case[1:] for case in _bad_manifest_cases()],
    ids=[case[0] for case in _bad_manifest_cases()],
)
def test_invalid_manifest_rejected_with_reason(stack, client, samples, tmp_path, change, status, code):
    manifest, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    submission = submit_round(client, change(manifest), files)
    record = wait_for_status(client, submission, {status})
    assert code in [reason["code"] for reason in record["reasons"]]
    assert_uploads_kept(stack, submission.application_id, expected_count=2)


def test_unparseable_manifest_rejected(stack, client, samples, tmp_path):
    _, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    created, submission = upload_documents(client, files)
    upload_manifest(client, created, b'{"nib": "9120001000011", ')
    record = wait_for_status(client, submission, {"REJECTED"})
    assert record["reasons"][0]["code"] == "MANIFEST_UNPARSEABLE"
    assert_uploads_kept(stack, submission.application_id, expected_count=2)


def test_document_never_uploaded_goes_to_correction(stack, client, samples, tmp_path):
    manifest, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    manifest["documents"].append(
        {"slot": "denah_lokasi", "file_name": "denah.pdf", "content_type": "application/pdf", "size": 10, "sha256": "0" * 64}
    )
    submission = submit_round(client, manifest, files)
    record = wait_for_status(client, submission, {"CORRECTION_REQUESTED"})
    codes = {(r["code"], r["document"]) for r in record["reasons"]}
    assert ("DOCUMENT_MISSING", "denah_lokasi") in codes


def test_checksum_mismatch_goes_to_correction(stack, client, samples, tmp_path):
    manifest, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    manifest["documents"][0]["sha256"] = hashlib.sha256(b"another file").hexdigest()
    submission = submit_round(client, manifest, files)
    record = wait_for_status(client, submission, {"CORRECTION_REQUESTED"})
    assert [(r["code"], r["document"]) for r in record["reasons"]] == [("DOCUMENT_CHECKSUM_MISMATCH", "ktp")]
    assert_uploads_kept(stack, submission.application_id, expected_count=2)


def test_encrypted_pdf_goes_to_correction(stack, client, samples, tmp_path, test_data):
    manifest, _ = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    encrypted = (test_data / "documents/pdf-malformed/pypdf-r2-empty-password.pdf").read_bytes()
    manifest["documents"] = [
        {
            "slot": "ktp",
            "file_name": "ktp.pdf",
            "content_type": "application/pdf",
            "size": len(encrypted),
            "sha256": hashlib.sha256(encrypted).hexdigest(),
        }
    ]
    submission = submit_round(client, manifest, {"ktp": (encrypted, "ktp.pdf", "application/pdf")})
    record = wait_for_status(client, submission, {"CORRECTION_REQUESTED"})
    assert [(r["code"], r["document"]) for r in record["reasons"]] == [("DOCUMENT_ENCRYPTED", "ktp")]


def test_unanswered_correction_closes_incomplete_and_keeps_uploads(stack, client, samples, tmp_path):
    manifest, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    manifest["documents"][0]["sha256"] = "f" * 64
    submission = submit_round(client, manifest, files)
    record = wait_for_final(client, submission, timeout=TEST_DEADLINE_SECONDS + 20)
    assert record["status"] == "INCOMPLETE"
    assert record["oss_status_code"] == "11"
    assert record["reasons"][0]["code"] == "CORRECTION_DEADLINE_MISSED"
    assert_uploads_kept(stack, submission.application_id, expected_count=2)


def assert_uploads_kept(stack, application_id: str, expected_count: int) -> None:
    listing = stack.client("s3").list_objects_v2(
        Bucket=stack.values[Resource.UPLOAD_BUCKET], Prefix=f"incoming/{application_id}/"
    )
    keys = sorted(obj["Key"] for obj in listing.get("Contents", []))
    assert len(keys) == expected_count, keys


def test_document_replaced_after_acceptance_keeps_checked_version(stack, client, samples, tmp_path):
    manifest, files = read_folder(materialize(LOW_RISK, samples[LOW_RISK], tmp_path))
    created, submission = upload_documents(client, files)
    original, name, content_type = files["ktp"]
    upload_manifest(client, created, json.dumps(manifest).encode())
    record = wait_for_final(client, submission)
    assert record["status"] == "ISSUED"
    # The upload link is still valid: post another image over the accepted document.
    client.upload(created["documents"]["ktp"], original[:-10] + b"0123456789", name, content_type)
    checked = client.status(submission)["documents"]["ktp"]
    stored = stack.client("s3").get_object(
        Bucket=stack.values[Resource.UPLOAD_BUCKET], Key=checked["key"], VersionId=checked["version_id"]
    )["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == checked["sha256"]
    assert stored == original
    versions = stack.client("s3").list_object_versions(Bucket=stack.values[Resource.UPLOAD_BUCKET], Prefix=checked["key"])
    assert len(versions["Versions"]) == 2
