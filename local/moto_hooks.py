"""Hooks into moto's internals that let the embedded stack run GOSO's handlers.

moto's Lambda needs Docker to run code, and moto's Step Functions interpreter calls Lambda
through moto's own endpoint. The stack replaces `invoke` of moto's Lambda backends with the in-process
runtime. This depends on moto internals: pyproject pins moto, and the integration tests
fail if the hook stops being called.
"""

from moto.awslambda.models import LambdaBackend
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.config import default_user_config

from local.lambda_runtime import LambdaRuntime

# moto serves Lambda from LambdaSimpleBackend when Docker is off, from LambdaBackend otherwise.
_BACKENDS = (LambdaBackend, LambdaSimpleBackend)
_ORIGINAL_INVOKE = {backend: backend.__dict__["invoke"] for backend in _BACKENDS}
_runtime: LambdaRuntime | None = None


def _invoke(self, function_name, qualifier, body, headers, response_headers):  # noqa: ANN001
    if _runtime is None:
        raise RuntimeError("the local Lambda runtime is not installed; start the stack first")
    payload, failed = _runtime.invoke_payload(function_name, body)
    if failed:
        response_headers["x-amz-function-error"] = "Unhandled"
    response_headers["Content-Length"] = str(len(payload))
    return payload


def install(runtime: LambdaRuntime) -> None:
    """Route every Lambda invocation in moto to `runtime` and let Step Functions execute.

    Also make moto's DynamoDB transactions safe for the stack's concurrent requests (see
    local/moto_transactions.py) and its Query cost follow the result rather than the table
    (local/moto_query.py); both patches stay for the life of the process.
    """
    from local import moto_query, moto_transactions

    moto_transactions.install()
    moto_query.install()
    global _runtime
    _runtime = runtime
    for backend in _BACKENDS:
        backend.invoke = _invoke
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    default_user_config.setdefault("lambda", {})["use_docker"] = False


def uninstall() -> None:
    global _runtime
    _runtime = None
    for backend, original in _ORIGINAL_INVOKE.items():
        backend.invoke = original
