"""A loopback HTTP server that turns requests into API Gateway HTTP API (v2) events.

Paths under the API's routes go to the API handler; everything else is served from the
static form folder when one is configured.
"""

import base64
import mimetypes
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

API_PREFIXES = ("/applications", "/verify", "/issuer-public-key", "/schema", "/reference", "/operator")
MAX_BODY_BYTES = 1024 * 1024


def build_event(method: str, raw_path: str, headers: dict[str, str], body: bytes, source_ip: str) -> dict:
    parts = urlsplit(raw_path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    now = time.time()
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": {k.lower(): v for k, v in headers.items()},
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": headers.get("Host", "127.0.0.1"),
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("User-Agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": text if body else None,
        "isBase64Encoded": encoded,
    }


class HttpApi:
    def __init__(self, invoke, host: str = "127.0.0.1", port: int = 0, static_dir: Path | None = None):
        """`invoke(event) -> response dict` runs the API handler."""
        self._invoke = invoke
        self.static_dir = static_dir
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.server.serve_forever, name="goso-http-api", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler_class(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - quiet access log
                return

            def _serve(self, method: str) -> None:
                path = urlsplit(self.path).path
                if path.startswith(API_PREFIXES) or method not in ("GET", "HEAD") or api.static_dir is None:
                    self._api(method)
                else:
                    self._static(path)

            def _api(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    self._send(413, {"Content-Type": "application/json"}, b'{"message": "request body over 1 MB"}')
                    return
                body = self.rfile.read(length) if length else b""
                event = build_event(method, self.path, dict(self.headers.items()), body, self.client_address[0])
                response = api._invoke(event)
                payload = response.get("body") or ""
                data = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode()
                headers = dict(response.get("headers") or {})
                for name, values in (response.get("multiValueHeaders") or {}).items():
                    headers[name] = ", ".join(values)
                self._send(int(response.get("statusCode", 200)), headers, data)

            def _static(self, path: str) -> None:
                root = api.static_dir.resolve()
                target = (root / path.lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if root not in target.parents and target != root or not target.is_file():
                    self._send(404, {"Content-Type": "text/plain"}, b"not found")
                    return
                content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                self._send(200, {"Content-Type": content_type, "Cache-Control": "no-store"}, target.read_bytes())

            def _send(self, status: int, headers: dict, data: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_HEAD(self):
                self._serve("HEAD")

            def do_POST(self):
                self._serve("POST")

            def do_PUT(self):
                self._serve("PUT")

            def do_DELETE(self):
                self._serve("DELETE")

            def do_OPTIONS(self):
                self._api("OPTIONS")

        return Handler
