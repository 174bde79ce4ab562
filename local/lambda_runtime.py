"""Run Lambda handlers in-process with the event shape and context AWS would give them."""

import importlib
import json
import threading
import time
import traceback
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from infra.topology import FunctionSpec

FUNCTION_NAME_PREFIX = "goso-"


def function_name(spec: FunctionSpec) -> str:
    return f"{FUNCTION_NAME_PREFIX}{spec.name.replace('_', '-')}"


@dataclass
class LambdaContext:
    """The attributes of the Python Lambda runtime's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    aws_request_id: str
    timeout_seconds: int
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


@dataclass
class InvocationStats:
    count: int = 0
    errors: int = 0
    seconds: float = 0.0
    first_seconds: float | None = None


class LambdaRuntime:
    """Import each handler once (its cold start) and invoke it like Lambda would."""

    def __init__(self, region: str, account: str, functions: tuple[FunctionSpec, ...]):
        self.region = region
        self.account = account
        self.specs = {function_name(spec): spec for spec in functions}
        self._handlers: dict[str, Callable] = {}
        self._lock = threading.Lock()
        # One execution environment per function: Lambda never runs two invocations in one
        # environment at once, and handlers keep per-invocation state in module globals
        # (the API resolver's current event, the logger's keys).
        self._environments = {spec.name: threading.Lock() for spec in functions}
        self.stats: dict[str, InvocationStats] = defaultdict(InvocationStats)

    def arn(self, spec: FunctionSpec) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{function_name(spec)}"

    def spec_for(self, name_or_arn: str) -> FunctionSpec:
        name = name_or_arn.split(":")[6] if name_or_arn.startswith("arn:") else name_or_arn
        try:
            return self.specs[name]
        except KeyError:
            raise KeyError(f"function '{name}' is not in the topology; known: {sorted(self.specs)}") from None

    def _handler(self, spec: FunctionSpec) -> Callable:
        with self._lock:
            if spec.name not in self._handlers:
                module_name, _, attribute = spec.handler.rpartition(".")
                self._handlers[spec.name] = getattr(importlib.import_module(module_name), attribute)
            return self._handlers[spec.name]

    def invoke(self, name_or_arn: str, event: Any) -> tuple[Any, bool]:
        """Invoke a handler; return (result, failed). A failure returns Lambda's error payload."""
        spec = self.spec_for(name_or_arn)
        context = LambdaContext(
            function_name=function_name(spec),
            memory_limit_in_mb=spec.memory_mb,
            invoked_function_arn=self.arn(spec),
            aws_request_id=str(uuid.uuid4()),
            timeout_seconds=spec.timeout_seconds,
            log_group_name=f"/aws/lambda/{function_name(spec)}",
        )
        started = time.perf_counter()
        failed = False
        try:
            with self._environments[spec.name]:
                result = self._handler(spec)(event, context)
        except Exception as error:  # Lambda turns any unhandled exception into an error payload.
            failed = True
            result = {
                "errorMessage": str(error),
                "errorType": type(error).__name__,
                "stackTrace": traceback.format_exception(error)[-5:],
            }
        elapsed = time.perf_counter() - started
        with self._lock:
            stats = self.stats[spec.name]
            stats.count += 1
            stats.errors += int(failed)
            stats.seconds += elapsed
            if stats.first_seconds is None:
                stats.first_seconds = elapsed
        return result, failed

    def invoke_payload(self, name_or_arn: str, payload: bytes | str | None) -> tuple[bytes, bool]:
        event = json.loads(payload) if payload else {}
        result, failed = self.invoke(name_or_arn, event)
        return json.dumps(result, default=str).encode(), failed
