"""A loopback HTTP/1.1 server with scripted faults, and an independent SigV4 verifier.

``FaultServer`` listens on 127.0.0.1 (port 0) and answers each request with the
next scripted ``Fault`` (or ``default`` once the script is used up). A fault can:

- send a status, headers and body (``status``, ``headers``, ``body``);
- wait before sending the status line (``delay``);
- send the headers and part of the body, wait, then send the rest (``mid_body_delay``);
- close the connection without answering (``drop=True``);
- announce a ``Content-Length`` larger than the body it sends, then close
  (``truncate_to=n``: only the first n bytes are sent).

Every request is recorded (method, raw path, raw query, headers, body, arrival
time) before the fault is applied. ``verify_sigv4(recorded)`` recomputes the
AWS Signature Version 4 of a recorded request from the test credentials
(``testing``/``testing``, us-east-1, service ``bedrock``) without botocore and
compares it with the ``Authorization`` header.

Run as a module it does nothing; it is imported by tests/test_faults.py and
tests/reliability_report.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

from conftest import ScriptedServer, body_bytes

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"
SERVICE = "bedrock"


# ---------------------------------------------------------------------------
# Scripted faults and recorded requests
# ---------------------------------------------------------------------------


@dataclass
class Fault:
    """One scripted answer."""

    status: int = 200
    body: Union[bytes, str, dict, list] = b"{}"
    headers: Dict[str, str] = field(default_factory=dict)
    content_type: Optional[str] = "application/json"
    delay: float = 0.0  # before the status line
    mid_body_delay: float = 0.0  # after headers + first half of the body
    drop: bool = False  # close the connection without answering
    truncate_to: Optional[int] = None  # send only this many body bytes (Content-Length stays full), then close

    def payload(self) -> bytes:
        return body_bytes(self.body)


@dataclass
class Recorded:
    """A request as the server received it."""

    method: str
    raw_path: str  # as sent on the request line, before '?'
    raw_query: str  # as sent, after '?' ('' when absent)
    headers: Dict[str, str]  # lower-cased names; repeated headers joined with ','
    body: bytes
    arrival: float  # time.monotonic() when the request line arrived

    @property
    def path(self) -> str:
        return self.raw_path

    @property
    def query(self) -> Dict[str, List[str]]:
        return urllib.parse.parse_qs(self.raw_query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class FaultServer(ScriptedServer):
    """Threaded loopback HTTP/1.1 server answering with scripted faults (raw
    sockets, so that it can drop, stall or cut a response)."""

    def __init__(self) -> None:
        self._init_script(Fault())
        self._closing = threading.Event()
        self._conns: List[socket.socket] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)
        self._thread = threading.Thread(target=self._accept_loop, name="fault-server", daemon=True)
        self._thread.start()

    # -- public API ---------------------------------------------------------

    @property
    def port(self) -> int:  # type: ignore[override]
        return self._sock.getsockname()[1]

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.default = Fault()
            self.requests.clear()

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5)
        self._sock.close()
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except OSError:
                pass

    def __enter__(self) -> "FaultServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- internals ------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), name="fault-conn", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        reader = conn.makefile("rb")
        try:
            while not self._closing.is_set():
                request = self._read_request(reader)
                if request is None:
                    return
                fault = self._record_and_pick(request)
                if not self._answer(conn, request, fault):
                    return
        except (OSError, ValueError):
            return
        finally:
            try:
                reader.close()
                conn.close()
            except OSError:
                pass

    @staticmethod
    def _read_request(reader: Any) -> Optional[Recorded]:
        line = reader.readline(65537)
        if not line:
            return None
        arrival = time.monotonic()
        method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        headers: Dict[str, str] = {}
        while True:
            h = reader.readline(65537)
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int(reader.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while reader.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(reader.read(size))
                reader.readline()
            body = b"".join(chunks)
        else:
            length = int(headers.get("content-length") or 0)
            body = reader.read(length) if length else b""
        raw_path, _, raw_query = target.partition("?")
        return Recorded(method, raw_path, raw_query, headers, body, arrival)

    def _sleep(self, seconds: float) -> bool:
        """Sleep; False when the server is closing."""
        return not (seconds and self._closing.wait(seconds))

    def _answer(self, conn: socket.socket, request: Recorded, fault: Fault) -> bool:
        """Send the fault's answer; True to keep the connection open."""
        if fault.drop:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return False
        if not self._sleep(fault.delay):
            return False
        payload = fault.payload() if request.method != "HEAD" else b""
        headers = {"x-amzn-RequestId": "11111111-2222-3333-4444-555555555555"}
        if fault.content_type:
            headers["Content-Type"] = fault.content_type
        headers.update(fault.headers)
        if not any(k.lower() == "content-length" for k in headers):
            headers["Content-Length"] = str(len(payload))
        reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
                  500: "Internal Server Error", 503: "Service Unavailable"}.get(fault.status, "Status")
        head = f"HTTP/1.1 {fault.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        try:
            conn.sendall(head.encode("latin-1"))
            if fault.truncate_to is not None:
                conn.sendall(payload[: fault.truncate_to])
                time.sleep(0.05)
                conn.shutdown(socket.SHUT_RDWR)
                return False
            if fault.mid_body_delay:
                half = len(payload) // 2
                conn.sendall(payload[:half])
                if not self._sleep(fault.mid_body_delay):
                    return False
                conn.sendall(payload[half:])
            else:
                conn.sendall(payload)
        except OSError:
            return False
        return True


# ---------------------------------------------------------------------------
# Independent SigV4 verification
# ---------------------------------------------------------------------------

# RFC 3986 unreserved characters: never percent-encoded in SigV4.
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"


def _uri_encode(value: str, keep_slash: bool) -> str:
    out = []
    for byte in value.encode("utf-8"):
        ch = chr(byte)
        if ch in _UNRESERVED or (keep_slash and ch == "/"):
            out.append(ch)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def _normalize_path(raw_path: str) -> str:
    """Remove '.' and '..' segments (RFC 3986 5.2.4) of the path as sent.
    Encoded slashes (%2F) do not separate segments."""
    if not raw_path:
        return "/"
    segments: List[str] = []
    parts = raw_path.split("/")[1:] if raw_path.startswith("/") else raw_path.split("/")
    for i, seg in enumerate(parts):
        if seg == ".":
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    path = "/" + "/".join(segments)
    if parts and parts[-1] in (".", "..") and not path.endswith("/"):
        path += "/"
    return path


def canonical_uri(raw_path: str) -> str:
    """SigV4 canonical URI for a non-S3 service: the path as sent, normalized, then
    URI-encoded once more ('double encoding': '%2F' becomes '%252F'), '/' kept."""
    return _uri_encode(_normalize_path(raw_path), keep_slash=True)


def canonical_query(raw_query: str) -> str:
    if not raw_query:
        return ""
    pairs: List[Tuple[str, str]] = []
    for part in raw_query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        key = urllib.parse.unquote(key)
        value = urllib.parse.unquote(value)
        pairs.append((_uri_encode(key, False), _uri_encode(value, False)))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def _parse_authorization(value: str) -> Optional[Dict[str, str]]:
    prefix = "AWS4-HMAC-SHA256 "
    if not value.startswith(prefix):
        return None
    fields: Dict[str, str] = {}
    for item in value[len(prefix):].split(","):
        k, _, v = item.strip().partition("=")
        fields[k] = v
    if not {"Credential", "SignedHeaders", "Signature"} <= set(fields):
        return None
    return fields


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def sigv4_details(recorded: Recorded, secret_key: str = SECRET_KEY) -> Dict[str, Any]:
    """The recomputed signature and its intermediate values (for diagnostics)."""
    headers = recorded.headers
    auth = _parse_authorization(headers.get("authorization", ""))
    if auth is None:
        return {"ok": False, "reason": "no SigV4 Authorization header", "authorization": headers.get("authorization")}
    credential = auth["Credential"].split("/")
    if len(credential) != 5:
        return {"ok": False, "reason": f"bad Credential {auth['Credential']!r}"}
    access_key, date, region, service, terminator = credential
    amz_date = headers.get("x-amz-date", "")
    problems = []
    if access_key != ACCESS_KEY:
        problems.append(f"access key {access_key!r}")
    if (region, service, terminator) != (REGION, SERVICE, "aws4_request"):
        problems.append(f"scope {region}/{service}/{terminator}")
    if not amz_date.startswith(date):
        problems.append(f"x-amz-date {amz_date!r} does not match scope date {date!r}")
    signed_headers = auth["SignedHeaders"].split(";")
    for required in ("host", "x-amz-date"):
        if required not in signed_headers:
            problems.append(f"{required} not signed")
    missing = [h for h in signed_headers if h not in headers]
    if missing:
        problems.append(f"signed headers missing from the request: {missing}")
    payload_hash = hashlib.sha256(recorded.body).hexdigest()
    sent_hash = headers.get("x-amz-content-sha256")
    if sent_hash is not None and sent_hash != payload_hash:
        problems.append("x-amz-content-sha256 does not match the body")
    canonical_headers = "".join(
        f"{h}:{' '.join(headers.get(h, '').strip().split())}\n" for h in signed_headers
    )
    canonical_request = "\n".join(
        [
            recorded.method,
            canonical_uri(recorded.raw_path),
            canonical_query(recorded.raw_query),
            canonical_headers,
            auth["SignedHeaders"],
            payload_hash,
        ]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()]
    )
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    key = _hmac(key, "aws4_request")
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, auth["Signature"]):
        problems.append("signature mismatch")
    return {
        "ok": not problems,
        "reason": "; ".join(problems),
        "canonical_request": canonical_request,
        "string_to_sign": string_to_sign,
        "expected": signature,
        "got": auth["Signature"],
    }


def verify_sigv4(recorded: Recorded) -> bool:
    """True when the request's Authorization header is the SigV4 signature this
    module computes independently from the test credentials."""
    return bool(sigv4_details(recorded)["ok"])
