"""What the form checks before any upload, the rejection reasons in both languages, and
screenshots of the form, the status page and an error at a 360-pixel-wide viewport."""

import json
import struct
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.form_page import (
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

WEB = Path(__file__).resolve().parents[2] / "web"
MOBILE_VIEWPORT = {"width": 360, "height": 740}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def dictionary(language: str) -> dict:
    return json.loads((WEB / "i18n" / f"{language}.json").read_text(encoding="utf-8"))


def record_requests(page: Page) -> list[tuple[str, str]]:
    requests: list[tuple[str, str]] = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    return requests


def ktp_pdf(test_data) -> Path:
    return test_data / "documents" / "pdf" / "hello-world.pdf"


def test_invalid_nib_blocks_upload(page: Page, stack, test_data):
    requests = record_requests(page)
    open_form(page, stack)
    fill_fields(page, low_risk_kbli("R"), **{"#f-nib": "812001234567"})
    choose_file(page, "ktp", ktp_pdf(test_data))
    page.click("#f-submit")

    message = dictionary("id")["errors"]["nib"]["pattern"]
    expect(page.locator("#f-nib-error")).to_have_text(message)
    expect(page.locator("#f-nib")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary")).to_contain_text(message)
    page.wait_for_timeout(500)
    assert ("POST", f"{stack.api_url}/applications") not in requests
    assert not [url for method, url in requests if method == "POST"]

    page.fill("#f-nib", "8120012345678")
    page.click("#f-submit")
    page.wait_for_url("**/#/status/*")
    assert ("POST", f"{stack.api_url}/applications") in requests


def test_oversize_file_rejected_before_upload(page: Page, stack, tmp_path):
    ktp = next(slot for slot in reference(stack)["slots"] if slot["slot"] == "ktp")
    oversize = tmp_path / "ktp-besar.pdf"
    size = ktp["max_bytes"] + 1024 * 1024
    with oversize.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(size)
    assert oversize.stat().st_size == size

    requests = record_requests(page)
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
    assert not [url for method, url in requests if method == "POST"]
    assert not [url for _, url in requests if url.startswith(stack.endpoint)]


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
    shown = page.locator("#status-reasons li[data-code=NIK_INVALID] .reason__message")
    expect(shown).to_have_text(reason["message"]["id"])
    assert "NIK tidak valid" in reason["message"]["id"]
    expect(page.locator("#status-label")).to_have_text("Ditolak")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.click("#language-switch")
    expect(shown).to_have_text(reason["message"]["en"])
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
    assert scroll_width(page) <= MOBILE_VIEWPORT["width"]
    status_shot = artifacts / "status-360.png"
    page.screenshot(path=str(status_shot), full_page=True)

    for shot in (form_shot, error_shot, status_shot):
        assert shot.stat().st_size > 0
        width, height = png_size(shot)
        assert width == MOBILE_VIEWPORT["width"]
        assert height >= MOBILE_VIEWPORT["height"]
    print(f"screenshots: {form_shot}, {error_shot}, {status_shot}")
