"""Find a running local stack (`goso up` writes .goso/stack.json) or start an embedded one."""

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests

STATE_FILE = Path(".goso") / "stack.json"


@dataclass
class StackTarget:
    """Endpoints that the commands call, and the embedded stack if this process runs one."""

    endpoint: str
    api_url: str
    region: str
    resources: dict
    embedded: object | None = None

    def client(self, service: str):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def write_state(description: dict, path: Path = STATE_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(description, indent=2) + "\n")


def read_live_state(path: Path = STATE_FILE) -> dict | None:
    """Return the recorded stack if its API still responds, else None."""
    try:
        state = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    try:
        response = requests.get(state["api_url"] + "/schema/manifest", timeout=2)
    except (requests.RequestException, KeyError):
        return None
    return state if response.status_code == 200 else None


@contextlib.contextmanager
def connect(embedded_options=None, allow_running: bool = True) -> Iterator[StackTarget]:
    """Yield a running stack when .goso/stack.json points to a live one, else an embedded stack for this run."""
    state = read_live_state() if allow_running else None
    if state is not None:
        # Commands that call AWS APIs directly (executions, dashboard) need fake credentials too.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        yield StackTarget(state["aws_endpoint"], state["api_url"], state["region"], state.get("resources", {}))
        return
    from local.stack import LocalStack, StackOptions

    stack = LocalStack(embedded_options or StackOptions()).start()
    try:
        description = stack.describe()
        yield StackTarget(stack.endpoint, stack.api_url, description["region"], description["resources"], embedded=stack)
    finally:
        stack.stop()
