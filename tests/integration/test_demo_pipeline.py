"""The bundled samples run end to end on the local stack, and their permits verify."""

from pathlib import Path

import pytest

from functions.permits.verification import verify_permit_pdf
from local.demo import run_demo, summary


@pytest.fixture(scope="module")
def demo(stack, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-out")
    results = run_demo(stack.api_url, out, timeout=90, log=lambda message: None)
    return out, results


def test_every_sample_reaches_expected_status(demo):
    _, results = demo
    for result in results:
        assert result.error is None, f"{result.sample}: {result.error}"
        assert result.status == result.expected["status"], result.sample
        assert result.oss_status_code == result.expected["oss_status_code"], result.sample
        assert result.deemed_approval == result.expected.get("deemed_approval", False), result.sample
        for code in result.expected.get("reason_codes", []):
            assert code in result.reasons, f"{result.sample} lacks reason {code}: {result.reasons}"


def test_summary_counts_all_final_statuses(demo):
    _, results = demo
    counts = summary(results)["counts"]
    assert counts == {"ISSUED": 9, "REJECTED": 2, "INCOMPLETE": 1, "FAILED": 0}


def test_issued_permits_verify_and_tampered_copies_fail(demo):
    out, results = demo
    public_key = (out / "issuer-public-key.pem").read_bytes()
    issued = [r for r in results if r.status == "ISSUED"]
    assert len(issued) == 9
    for result in issued:
        data = Path(result.permit_path).read_bytes()
        answer = verify_permit_pdf(data, public_key)
        assert answer.valid, f"{result.sample}: {answer.reason}"
        assert answer.permit_number == result.permit_number
        for position in (0, len(data) // 2, len(data) - 1):
            tampered = bytearray(data)
            tampered[position] ^= 0x01
            verdict = verify_permit_pdf(bytes(tampered), public_key)
            assert not verdict.valid, f"{result.sample}: byte {position} changed but the permit still verifies"


def test_permit_numbers_follow_sector_sequence(demo):
    _, results = demo
    numbers = sorted(r.permit_number for r in results if r.permit_number)
    assert "503/PAR/2026/000001" in numbers or "503/PAR/2027/000001" in numbers
    for number in numbers:
        prefix, sector, year, sequence = number.split("/")
        assert prefix == "503"
        assert len(sequence) == 6
        assert sequence.isdigit()


def test_permit_registry_answers_public_verification(demo, client):
    _, results = demo
    issued = next(r for r in results if r.status == "ISSUED")
    answer = client.verify(issued.permit_number)
    assert answer["valid"] is True
    assert answer["permit"]["sha256"]
    missing = client.verify("503/DAG/2026/999999")
    assert missing["valid"] is False


def test_every_decision_is_in_audit_trail(demo, client):
    _, results = demo
    by_sample = {r.sample: r for r in results}
    expected_decisions = {
        "03-klinik-menengah-tinggi": [("op-kes-1", "review_approve")],
        "04-tambak-udang-dua-sektor": [("op-kkp-1", "review_approve"), ("op-lhk-1", "review_approve")],
        "08-karaoke-ditolak": [("op-par-1", "review_reject")],
        "12-hotel-koreksi-sektor": [("op-par-1", "review_correction"), ("op-par-1", "review_approve")],
    }
    for sample, decisions in expected_decisions.items():
        audit = client.operator_view(by_sample[sample].application_id)["audit"]
        recorded = [(e["actor"].removeprefix("operator:"), e["action"]) for e in audit if e["actor"].startswith("operator:")]
        assert sorted(recorded) == sorted(decisions), sample
        for entry in audit:
            if entry["actor"].startswith("operator:"):
                assert entry["at"], sample
                assert len(entry["detail"]["reason"]) > 3, sample


def test_deemed_approval_recorded_with_deadline(demo, client):
    _, results = demo
    result = next(r for r in results if r.sample == "09-angkutan-fiktif-positif")
    audit = client.operator_view(result.application_id)["audit"]
    deemed = [e for e in audit if e["action"] == "deemed_approval"]
    assert len(deemed) == 1
    assert deemed[0]["actor"] == "system:deadline"
    assert deemed[0]["detail"]["sector"] == "HUB"


def test_assisted_application_records_officer(demo, client):
    _, results = demo
    result = next(r for r in results if r.sample == "11-petani-jagung-pendampingan")
    view = client.operator_view(result.application_id)
    assert view["application"]["channel"] == "assisted"
    assert view["application"]["officer_id"] == "mpp-keliling-07"
    received = [e for e in view["audit"] if e["action"] == "manifest_received"]
    assert received[0]["actor"] == "officer:mpp-keliling-07"
