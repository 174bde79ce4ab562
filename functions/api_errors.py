"""Errors of the HTTP API: a stable code, a message in Bahasa Indonesia and English, an HTTP status.

Every error body has the shape {"code", "message": {"id", "en"}, "reasons": [...]}, where
`reasons` repeats the error in the pipeline's reason shape (or lists several), so a client
shows API errors and pipeline reasons the same way.
"""

from aws_lambda_powertools.event_handler.exceptions import ServiceError


class ApiProblem(ServiceError):
    def __init__(
        self,
        status: int,
        code: str,
        *,
        en: str,
        id: str,  # noqa: A002 - the language code, as in the reason messages
        field: str | None = None,
        reasons: list[dict] | None = None,
    ):
        super().__init__(status, en)
        self.code = code
        self.messages = {"id": id, "en": en}
        self.field = field
        self.reasons = reasons

    def body(self) -> dict:
        reasons = self.reasons or [{"code": self.code, "message": self.messages, "field": self.field, "document": None}]
        return {"code": self.code, "message": self.messages, "reasons": reasons}


def invalid_request(detail_en: str, detail_id: str | None = None, field: str | None = None) -> ApiProblem:
    return ApiProblem(
        400,
        "REQUEST_INVALID",
        en=f"Invalid request: {detail_en}.",
        id=f"Permintaan tidak valid: {detail_id or detail_en}.",
        field=field,
    )


def access_token_missing() -> ApiProblem:
    return ApiProblem(
        401,
        "ACCESS_TOKEN_MISSING",
        en="Missing access token: send 'Authorization: Bearer <token>' with the token returned when the application was created.",
        id="Kode akses tidak ada: kirim 'Authorization: Bearer <kode>' dengan kode akses yang diberikan saat permohonan dibuat.",
    )


def access_token_invalid() -> ApiProblem:
    return ApiProblem(
        401,
        "ACCESS_TOKEN_INVALID",
        en="The access token does not match this application. Use the token returned when it was created.",
        id="Kode akses tidak cocok dengan permohonan ini. Gunakan kode akses yang diberikan saat permohonan dibuat.",
    )


def application_not_found(application_id: str) -> ApiProblem:
    return ApiProblem(
        404,
        "APPLICATION_NOT_FOUND",
        en=f"Application '{application_id}' was not found. Check the application number.",
        id=f"Permohonan '{application_id}' tidak ditemukan. Periksa nomor permohonan.",
    )


def wrong_status(status: str, en_action: str, id_action: str) -> ApiProblem:
    return ApiProblem(
        409,
        "APPLICATION_STATUS_CONFLICT",
        en=f"The application is {status}; {en_action}.",
        id=f"Permohonan berstatus {status}; {id_action}.",
    )


def sector_unknown(sector: str, known: list[str]) -> ApiProblem:
    return ApiProblem(
        400,
        "SECTOR_UNKNOWN",
        en=f"Unknown sector '{sector}'. Use one of: {', '.join(known)}.",
        id=f"Sektor '{sector}' tidak dikenal. Gunakan salah satu: {', '.join(known)}.",
        field="sector",
    )


def route_not_found(method: str, path: str) -> ApiProblem:
    return ApiProblem(
        404,
        "ROUTE_NOT_FOUND",
        en=f"No API route {method} {path}. See the README for the routes.",
        id=f"Tidak ada rute API {method} {path}. Lihat README untuk daftar rute.",
    )
