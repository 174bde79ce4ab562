"""What the form checks before any upload, the rejection reasons in both languages, and
screenshots of the form, the status page and an error at a 360-pixel-wide viewport."""

import json
import struct
from pathlib import Path

import requests
from form_page import (
    access_token,
    choose_file,
    fetch_application,
    fill_fields,
    low_risk_kbli,
    open_form,
    reference,
    submit_and_open_status,
    wait_for_status,
)
from playwright.sync_api import Page, expect
from pydantic import ValidationError

from schemas.manifest import Manifest

WEB = Path(__file__).resolve().parents[2] / "web"
MOBILE_VIEWPORT = {"width": 360, "height": 740}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def dictionary(language: str) -> dict:
    return json.loads((WEB / "i18n" / f"{language}.json").read_text(encoding="utf-8"))


def record_requests(page: Page) -> list[tuple[str, str]]:
    sent: list[tuple[str, str]] = []
    page.on("request", lambda request: sent.append((request.method, request.url)))
    return sent


def ktp_pdf(test_data) -> Path:
    return test_data / "documents" / "pdf" / "hello-world.pdf"


def test_invalid_nib_blocks_upload(page: Page, stack, test_data):
    sent = record_requests(page)
    open_form(page, stack)
    fill_fields(page, low_risk_kbli("R"), **{"#f-nib": "812001234567"})
    choose_file(page, "ktp", ktp_pdf(test_data))
    page.click("#f-submit")

    message = dictionary("id")["errors"]["nib"]["pattern"]
    expect(page.locator("#f-nib-error")).to_have_text(message)
    expect(page.locator("#f-nib")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary")).to_contain_text(message)
    page.wait_for_timeout(500)
    assert ("POST", f"{stack.api_url}/applications") not in sent
    assert not [url for method, url in sent if method == "POST"]

    page.fill("#f-nib", "8120012345678")
    page.click("#f-submit")
    page.wait_for_url("**/#/status/*")
    assert ("POST", f"{stack.api_url}/applications") in sent


def test_oversize_file_rejected_before_upload(page: Page, stack, tmp_path):
    ktp = next(slot for slot in reference(stack)["slots"] if slot["slot"] == "ktp")
    oversize = tmp_path / "ktp-besar.pdf"
    size = ktp["max_bytes"] + 1024 * 1024
    with oversize.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(size)
    assert oversize.stat().st_size == size

    sent = record_requests(page)
    open_form(page, stack)
    fill_fields(page, low_risk_kbli("R"))
    choose_file(page, "ktp", oversize)
    error = page.locator("#f-doc-ktp-error")
    expect(error).to_contain_text("melebihi batas 5 MB")
    expect(error).to_contain_text("6 MB")
    expect(page.locator("#f-doc-ktp")).to_have_attribute("aria-invalid", "true")

    page.click("#f-submit")
    expect(page.locator(".error-summary")).to_contain_text("melebihi batas 5 MB")
    page.wait_for_timeout(500)
    assert not [url for method, url in sent if method == "POST"]
    assert not [url for _, url in sent if url.startswith(stack.endpoint)]


def test_rejection_reason_in_both_languages(page: Page, stack, test_data):
    # Day of birth 35 fits the 16-digit pattern but is no date (nor 41-71 for women).
    open_form(page, stack)
    fill_fields(page, low_risk_kbli("R"), **{"#f-owner-nik": "7501013505900001"})
    choose_file(page, "ktp", ktp_pdf(test_data))
    application_id = submit_and_open_status(page)
    wait_for_status(page, "REJECTED")

    record = fetch_application(stack, application_id, access_token(page))
    reason = next(item for item in record["reasons"] if item["code"] == "NIK_INVALID")
    assert reason["field"] == "owner.nik"
    reason_message = page.locator("#status-reasons li[data-code=NIK_INVALID] .reason__message")
    expect(reason_message).to_have_text(reason["message"]["id"])
    assert "NIK tidak valid" in reason["message"]["id"]
    expect(page.locator("#status-label")).to_have_text("Ditolak")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.click("#language-switch")
    expect(reason_message).to_have_text(reason["message"]["en"])
    assert "NIK is invalid" in reason["message"]["en"]
    expect(page.locator("#status-label")).to_have_text("Rejected")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-switch")).to_have_text("Bahasa Indonesia")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_screenshots_at_mobile_width(page: Page, stack, test_data, artifacts):
    page.set_viewport_size(MOBILE_VIEWPORT)
    open_form(page, stack)
    fill_fields(page, low_risk_kbli("R"))
    assert scroll_width(page) <= MOBILE_VIEWPORT["width"]
    form_shot = artifacts / "form-360.png"
    page.screenshot(path=str(form_shot), full_page=True)

    page.fill("#f-owner-email", "siti-at-example")
    page.fill("#f-owner-phone", "12345")
    page.click("#f-submit")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#f-owner-email-error")).to_have_text(dictionary("id")["errors"]["owner"]["email"]["pattern"])
    assert scroll_width(page) <= MOBILE_VIEWPORT["width"]
    error_shot = artifacts / "form-error-360.png"
    page.screenshot(path=str(error_shot), full_page=True)

    page.fill("#f-owner-email", "siti@example.id")
    page.fill("#f-owner-phone", "+6281234567890")
    choose_file(page, "ktp", ktp_pdf(test_data))
    submit_and_open_status(page)
    wait_for_status(page, "ISSUED")
    expect(page.locator("#main")).not_to_contain_text("null")
    expect(page.locator("#status-steps [aria-current=step]")).to_contain_text("Izin terbit")
    assert scroll_width(page) <= MOBILE_VIEWPORT["width"]
    status_shot = artifacts / "status-360.png"
    page.screenshot(path=str(status_shot), full_page=True)

    for shot in (form_shot, error_shot, status_shot):
        assert shot.stat().st_size > 0
        width, height = png_size(shot)
        assert width == MOBILE_VIEWPORT["width"]
        assert height >= MOBILE_VIEWPORT["height"]
    print(f"screenshots: {form_shot}, {error_shot}, {status_shot}")


VALID_MANIFEST = {
    "nib": "8120012345678",
    "business_name": "Toko Maju Jaya",
    "legal_form": "perorangan",
    "kbli": "47111",
    "investment_value_idr": 50_000_000,
    "land_area_m2": 120,
    "owner": {"name": "Siti Rahmawati", "nik": "7501015505900001", "phone": "081234567890", "email": "siti@example.id"},
    "location": {"region_code": "75.01", "district_code": None, "address": "Jl. Raya Limboto No. 1"},
    "channel": "online",
    "documents": [
        {"slot": "ktp", "file_name": "ktp.pdf", "content_type": "application/pdf", "size": 1000, "sha256": "a" * 64}
    ],
}

# Changes to the valid manifest as (path, value). A value of ... deletes the field.
SCHEMA_CASES = [
    ("nib", "812001234567"),
    ("nib", ...),
    ("kbli", 47111),
    ("legal_form", "ud"),
    ("investment_value_idr", "lima puluh juta"),
    ("investment_value_idr", -1),
    ("land_area_m2", 120.5),
    ("owner.phone", "+6281234567890"),
    ("owner.phone", "12345"),
    ("owner.npwp", "12345678901234"),
    ("owner.npwp", "123456789012345"),
    ("owner.email", "siti-at-example"),
    ("owner.name", "S"),
    ("location.district_code", "75.01.01"),
    ("location.district_code", "75.01"),
    ("location.address", "Jl."),
    ("officer_id", "x" * 65),
    ("consent_at", "2026-03-02T09:30:00+08:00"),
    ("consent_at", "kemarin"),
    ("surplus_field", "x"),
    ("documents", []),
    ("documents.0.content_type", "image/gif"),
    ("documents.0.size", -5),
]


def changed(manifest: dict, path: str, value) -> dict:
    result = json.loads(json.dumps(manifest))
    *parents, last = path.split(".")
    node = result
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is ...:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return result


def test_schema_validator_agrees_with_server(page: Page, stack):
    """The form's JSON Schema validator accepts exactly what the server's Manifest model accepts."""
    open_form(page, stack)
    manifests = [VALID_MANIFEST] + [changed(VALID_MANIFEST, path, value) for path, value in SCHEMA_CASES]
    browser_errors = page.evaluate(
        """async (manifests) => {
            const { validate } = await import("/js/schema.js");
            const schema = await (await fetch("/schema/manifest")).json();
            return manifests.map((manifest) => validate(schema, manifest).map((error) => error.path));
        }""",
        manifests,
    )
    assert browser_errors[0] == []
    assert browser_errors[1] == ["nib"]
    assert sum(1 for errors in browser_errors if errors) == 17
    for manifest, errors, case in zip(manifests, browser_errors, [None, *SCHEMA_CASES], strict=True):
        try:
            Manifest.model_validate(manifest)
            server_valid = True
        except ValidationError:
            server_valid = False
        assert (errors == []) == server_valid, f"case {case}: browser errors {errors}, server valid {server_valid}"


def test_track_page_checks_token(page: Page, stack):
    created = requests.post(
        f"{stack.api_url}/applications",
        json={"documents": [{"slot": "ktp", "content_type": "application/pdf", "size": 1000, "file_name": "ktp.pdf"}]},
        timeout=10,
    ).json()
    application_id = created["application_id"]

    page.goto(f"{stack.api_url}/#/track")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#track-id", application_id)
    page.fill("#track-token", "not-the-token")
    page.click("#main button[type=submit]")
    expect(page.locator("#token-input-error")).to_have_text(dictionary("id")["status"]["token_rejected"])

    page.fill("#token-input", created["access_token"])
    page.click("#main button[type=submit]")
    wait_for_status(page, "DRAFT")
    expect(page.locator("#status-label")).to_have_text("Menunggu unggahan")
    expect(page.locator("#application-id")).to_have_text(application_id)
    stored = page.evaluate("key => localStorage.getItem(key)", f"goso.token.{application_id}")
    assert stored == created["access_token"]
