"""The local Bedrock's HTTP server: stdlib only, on 127.0.0.1, one thread per connection.

A request is authenticated (a well-formed SigV4 ``Authorization`` header, whose
credential scope gives the region and, for a 12-digit access key id, the account;
or a bearer token), routed, parsed and validated after the model (``_wire``), run
against the state of its account and region (``_backend``), and answered as the
service answers: JSON bodies, ``x-amzn-RequestId``, and errors with
``x-amzn-ErrorType`` and ``{"message": ...}``.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import socketserver
import threading
import urllib.parse
import uuid
from typing import Dict, Optional, Tuple

from ._backend import DEFAULT_ACCOUNT, State
from ._wire import MODEL, ServiceError

_SIGV4 = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/\s,]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/aws4_request,"
    r"\s*SignedHeaders=(?P<headers>[a-z0-9-]+(;[a-z0-9-]+)*),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


def authenticate(header: Optional[str], default_region: str) -> Tuple[str, str]:
    """``(account, region)`` of a request, or the service's 403 for a missing or malformed header."""
    if not header:
        raise ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
    if header.startswith("Bearer "):
        if not header[7:].strip():
            raise ServiceError("AccessDeniedException", "The bearer token is empty.", 403)
        return DEFAULT_ACCOUNT, default_region
    m = _SIGV4.match(header)
    if m is None:
        raise ServiceError(
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters "
            "(AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/bedrock/aws4_request, SignedHeaders=..., Signature=...).",
            403,
        )
    if m.group("service") != "bedrock":
        raise ServiceError(
            "InvalidSignatureException",
            f"Credential should be scoped to correct service: 'bedrock', not '{m.group('service')}'.",
            403,
        )
    if "host" not in m.group("headers").split(";"):
        raise ServiceError("InvalidSignatureException", "'Host' must be a signed header.", 403)
    key = m.group("key")
    account = key if re.fullmatch(r"\d{12}", key) else DEFAULT_ACCOUNT
    return account, m.group("region")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body until the client's delayed ACK (~40 ms per request on a keep-alive connection).
    disable_nagle_algorithm = True
    server: "_HTTPServer"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _serve(self) -> None:
        with self.server.counts_lock:
            self.server.requests_served += 1
        request_id = str(uuid.uuid4())
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state = self.server.state
        operation = None
        try:
            parsed = urllib.parse.urlsplit(self.path)
            account, region = authenticate(self.headers.get("Authorization"), self.server.region)
            operation, labels = MODEL.route(self.command, parsed.path)
            query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
            headers: Dict[str, str] = {k: v for k, v in self.headers.items()}
            params = MODEL.parse(operation, labels, query, headers, body)
            MODEL.validate(operation, params)
            with state.lock:
                fault = state.take_fault(operation)
                if fault is not None:
                    raise ServiceError(fault.code, fault.message)
                result = state.backend(account, region).call(operation, params, labels)
            status, out_headers, out = MODEL.serialize(operation, result)
        except ServiceError as e:
            status = e.status or MODEL.status_of(e.code)
            out_headers = {"Content-Type": "application/json", "x-amzn-ErrorType": e.code}
            out = json.dumps({"message": e.message}).encode("utf-8")
        except Exception as e:  # a bug of the local Bedrock: answer as the service's 500 does
            status = 500
            out_headers = {"Content-Type": "application/json", "x-amzn-ErrorType": "InternalServerException"}
            out = json.dumps({"message": f"local Bedrock error in {operation}: {type(e).__name__}: {e}"}).encode("utf-8")
            self.server.errors.append(e)
        self.send_response(status)
        for key, value in out_headers.items():
            self.send_header(key, value)
        self.send_header("x-amzn-RequestId", request_id)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


class _HTTPServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog: the system's maximum (the kernel caps it at
    # net.core.somaxconn), not socketserver's 5. With 5, a burst of connections (a
    # client fanning out wide) overflows the queue and the kernel drops SYNs, which the
    # client retries only after a second.
    request_queue_size = socket.SOMAXCONN

    def __init__(self, address: Tuple[str, int], state: State, region: str) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.region = region
        self.errors: list = []
        # Counted so that a client's connection reuse can be seen (``Server.counts``).
        self.connections_accepted = 0  # only the serving thread accepts
        self.requests_served = 0
        self.counts_lock = threading.Lock()

    def get_request(self):
        accepted = super().get_request()
        self.connections_accepted += 1
        return accepted


class Server:
    """A running local Bedrock: ``port``, ``state``; ``stop()``."""

    def __init__(self, state: State, region: str, port: int = 0, host: str = "127.0.0.1") -> None:
        self.state = state
        self._httpd = _HTTPServer((host, port), state, region)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="local-bedrock", daemon=True
        )
        self._thread.start()

    @property
    def errors(self) -> list:
        return self._httpd.errors

    def counts(self) -> Dict[str, int]:
        """``{"connections": accepted so far, "requests": served so far}``."""
        with self._httpd.counts_lock:
            return {"connections": self._httpd.connections_accepted, "requests": self._httpd.requests_served}

    def serve_forever(self) -> None:
        self._thread.join()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()
