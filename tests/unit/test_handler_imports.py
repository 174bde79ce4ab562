"""What importing a handler module loads: no PDF or image stack and no AWS client.

Each handler is imported in a fresh interpreter, so modules that other tests loaded do not count.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from functions.domain.documents import inspect_document
from infra.topology import FUNCTIONS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HANDLER_MODULES = sorted({spec.handler.rpartition(".")[0] for spec in FUNCTIONS})
# Packages that only some invocations need; the code imports them where it uses them.
DEFERRED_PACKAGES = ("reportlab", "pyhanko", "pyhanko_certvalidator", "qrcode", "PIL", "pypdf")

PROBE = """
import json
import sys

import boto3

import {module}
from functions import aws

print(json.dumps({{
    "packages": sorted({{name.partition(".")[0] for name in sys.modules}}),
    "clients": aws.client.cache_info().currsize,
    "tables": aws.table.cache_info().currsize,
    "default_session": boto3.DEFAULT_SESSION is not None,
}}))
"""


def _import_in_fresh_interpreter(module: str) -> dict:
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=HANDLER_MODULES)
def imported(request: pytest.FixtureRequest) -> tuple[str, dict]:
    return request.param, _import_in_fresh_interpreter(request.param)


def test_handler_import_skips_deferred_packages(imported):
    module, found = imported
    loaded = [name for name in DEFERRED_PACKAGES if name in found["packages"]]
    assert loaded == [], f"importing {module} loaded {loaded}"


def test_handler_import_creates_no_client(imported):
    module, found = imported
    assert found["clients"] == 0, f"importing {module} created a boto3 client"
    assert found["tables"] == 0, f"importing {module} created a DynamoDB table resource"
    assert found["default_session"] is False, f"importing {module} created boto3's default session"


def test_handler_list_is_complete():
    assert "functions.issue" in HANDLER_MODULES
    assert "functions.intake" in HANDLER_MODULES
    assert "functions.api" in HANDLER_MODULES


def test_inspect_document_raises_without_pypdf(monkeypatch):
    # A None entry in sys.modules makes `import pypdf` raise ImportError.
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(ImportError):
        inspect_document(
            b"%PDF-1.4\n%%EOF\n",
            slot="ktp",
            accepted_types=("application/pdf",),
            max_bytes=1024,
            max_pixels=1000,
        )
