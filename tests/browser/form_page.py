"""Actions on the applicant form and status page, shared by the browser tests."""

import json
import re
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from local.stack import LocalStack

RULES_FILE = Path(__file__).resolve().parents[2] / "schemas" / "reference" / "risk_rules.json"
# IDR 50 million is a micro business (up to IDR 1 billion).
MICRO_INVESTMENT = "50.000.000"
PIPELINE_TIMEOUT_MS = 60_000

# A woman's NIK: the day of birth 15 is written as 55.
VALID_FIELDS = {
    "#f-nib": "8120012345678",
    "#f-business-name": "Toko Maju Jaya",
    "#f-investment-value-idr": MICRO_INVESTMENT,
    "#f-land-area-m2": "120,5",
    "#f-owner-name": "Siti Rahmawati",
    "#f-owner-nik": "7501015505900001",
    "#f-owner-phone": "0812 3456 7890",
    "#f-owner-email": "siti@example.id",
    "#f-location-address": "Jl. Raya Limboto No. 1, Desa Hunggaluwa",
}


def low_risk_kbli(level: str) -> str:
    """Return the first KBLI code of the rule table whose risk at micro scale is `level` (R or MR)."""
    rules = json.loads(RULES_FILE.read_text(encoding="utf-8"))["rules"]
    return next(rule["kbli"] for rule in rules if rule["risk"]["micro"] == level)


def open_form(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.api_url}/#/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#application-form")).to_be_visible()


def fill_fields(page: Page, kbli: str, **overrides: str) -> None:
    """Fill every field with valid values; `overrides` maps a selector to another value."""
    values = {**VALID_FIELDS, "#f-kbli": kbli, **overrides}
    page.select_option("#f-legal-form", "perorangan")
    page.select_option("#f-location-region-code", "75.01")
    page.select_option("#f-location-district-code", "75.01.01")
    for selector, value in values.items():
        page.fill(selector, value)


def choose_file(page: Page, slot: str, path: Path, prefix: str = "f") -> None:
    page.set_input_files(f"#{prefix}-doc-{slot.replace('_', '-')}", str(path))


def submit_and_open_status(page: Page) -> str:
    """Submit the form, wait for the status page, and return the application id."""
    page.click("#f-submit")
    page.wait_for_url(re.compile(r"#/status/"), timeout=PIPELINE_TIMEOUT_MS)
    return page.url.rsplit("/", 1)[-1]


def wait_for_status(page: Page, status: str) -> None:
    expect(page.locator("#status-label")).to_have_attribute("data-status", status, timeout=PIPELINE_TIMEOUT_MS)


def access_token(page: Page) -> str:
    return page.locator("#access-token").inner_text().strip()


def fetch_application(stack: LocalStack, application_id: str, token: str) -> dict:
    response = requests.get(
        f"{stack.api_url}/applications/{application_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def reference(stack: LocalStack) -> dict:
    response = requests.get(f"{stack.api_url}/reference", timeout=10)
    response.raise_for_status()
    return response.json()
