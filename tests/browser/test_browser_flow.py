"""The applicant form end to end on the embedded stack: permit issued, correction, assisted mode."""

import hashlib

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
from playwright.sync_api import Page, Request, Route, expect

# Real PDFs of the test data folder, one per document slot.
PDF_FOR_SLOT = {
    "ktp": "hello-world.pdf",
    "pernyataan_mandiri": "two-different-pages.pdf",
    "denah_lokasi": "metadata.pdf",
    "bukti_hak_lahan": "libreoffice-form.pdf",
}


def pdf(test_data, slot):
    return test_data / "documents" / "pdf" / PDF_FOR_SLOT[slot]


def test_form_upload_issues_permit(page: Page, stack, test_data):
    kbli = low_risk_kbli("MR")
    rule = next(row for row in reference(stack)["rules"] if row["kbli"] == kbli)
    required = rule["required_slots"][rule["risk"]["micro"]]
    assert rule["risk"]["micro"] == "MR"
    assert "ktp" in required

    open_form(page, stack)
    fill_fields(page, kbli)
    expect(page.locator("#risk-panel [data-risk]")).to_have_attribute("data-risk", "MR")
    expect(page.locator("#risk-panel")).to_contain_text("Menengah rendah (MR)")
    expect(page.locator("#risk-panel")).to_contain_text("Mikro")
    for slot in required:
        choose_file(page, slot, pdf(test_data, slot))
    expect(page.locator("#f-missing")).to_be_hidden()

    application_id = submit_and_open_status(page)
    wait_for_status(page, "ISSUED")
    expect(page.locator("#status-box")).to_contain_text("Izin terbit")
    expect(page.locator("#status-box")).to_contain_text("Kode status OSS: 50")

    page.click("#permit-button")
    link = page.locator("#permit-link")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")

    record = fetch_application(stack, application_id, access_token(page))
    assert record["status"] == "ISSUED"
    assert record["kbli"] == kbli
    assert record["channel"] == "online"
    assert record["land_area_m2"] == 120.5
    assert record["investment_value_idr"] == 50_000_000
    assert record["permit_number"]
    for slot in required:
        document = record["documents"][slot]
        assert document["accepted"] is True
        assert document["sha256"] == hashlib.sha256(pdf(test_data, slot).read_bytes()).hexdigest()
        assert document["file_name"] == PDF_FOR_SLOT[slot]


def test_correction_reupload_resumes_pipeline(page: Page, stack, test_data, artifacts):
    kbli = low_risk_kbli("MR")
    open_form(page, stack)
    fill_fields(page, kbli)
    choose_file(page, "ktp", pdf(test_data, "ktp"))
    expect(page.locator("#f-missing")).to_be_visible()
    expect(page.locator("#f-missing-text")).to_contain_text("Surat pernyataan mandiri")
    page.check("#f-missing-confirm")

    application_id = submit_and_open_status(page)
    wait_for_status(page, "CORRECTION_REQUESTED")
    reason = page.locator("#status-reasons li[data-code=DOCUMENT_REQUIRED]")
    expect(reason).to_contain_text("pernyataan_mandiri")
    expect(page.locator("#status-box")).to_contain_text("Batas waktu perbaikan")
    correction_input = page.locator("#c-doc-pernyataan-mandiri")
    expect(correction_input).to_be_visible()
    page.screenshot(path=str(artifacts / "correction.png"), full_page=True)

    choose_file(page, "pernyataan_mandiri", pdf(test_data, "pernyataan_mandiri"), prefix="c")
    page.click("#c-submit")
    wait_for_status(page, "ISSUED")

    record = fetch_application(stack, application_id, access_token(page))
    assert record["round"] == 2
    assert record["documents"]["ktp"]["round"] == 1
    assert record["documents"]["pernyataan_mandiri"]["round"] == 2
    assert record["documents"]["pernyataan_mandiri"]["accepted"] is True
    assert record["permit_number"]


def test_assisted_mode_recorded_with_upload_retry(page: Page, stack, test_data):
    """The officer id and consent reach the record, and a failed upload is retried."""
    ktp_attempts: list[str] = []

    def fail_first_ktp_upload(route: Route, request: Request) -> None:
        body = request.post_data_buffer or b""
        if request.method == "POST" and b"/r1/ktp\r\n" in body:
            ktp_attempts.append(request.url)
            if len(ktp_attempts) == 1:
                route.abort("connectionreset")
                return
        route.continue_()

    page.route(lambda url: url.startswith(stack.endpoint), fail_first_ktp_upload)
    open_form(page, stack)
    fill_fields(page, low_risk_kbli("R"))
    page.check("#f-assisted")
    expect(page.locator("#f-assisted-details")).to_be_visible()
    page.fill("#f-officer-id", "PTG-0042")
    page.check("#f-consent")
    expect(page.locator("#f-consent-time")).to_contain_text("WITA")
    choose_file(page, "ktp", pdf(test_data, "ktp"))

    application_id = submit_and_open_status(page)
    wait_for_status(page, "ISSUED")
    expect(page.locator("#status-facts")).to_contain_text("PTG-0042")
    expect(page.locator("#status-facts")).to_contain_text("Pendampingan petugas")

    assert len(ktp_attempts) == 2
    record = fetch_application(stack, application_id, access_token(page))
    assert record["channel"] == "assisted"
    assert record["officer_id"] == "PTG-0042"
    assert record["consent_at"] is not None
    # An assisted application is typed on the officer's device, so its token lasts only as long as the tab.
    key = f"goso.token.{application_id}"
    assert page.evaluate("key => sessionStorage.getItem(key)", key) == access_token(page)
    assert page.evaluate("key => localStorage.getItem(key)", key) is None
