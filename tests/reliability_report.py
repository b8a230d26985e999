"""Run every scripted fault against bedrock_customization and boto3 and write
docs/RELIABILITY.md (``python tests/reliability_report.py [output-path]``).

The scenarios live here and are imported by tests/test_faults.py, so the report
and the tests exercise the same faults. The table has no timing columns: every
cell is deterministic (ports are masked, messages are shortened), so the test
``test_reliability_report_is_current`` can regenerate it and compare.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

# Hermetic credentials/environment when run as a script (conftest does this for pytest).
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK", "AWS_MAX_ATTEMPTS",
              "AWS_RETRY_MODE", "AWS_SESSION_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
    os.environ.pop(_name, None)
os.environ.update({"AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "testing",
                   "AWS_SECRET_ACCESS_KEY": "testing", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"})

from faultserver import Fault, FaultServer, Recorded, verify_sigv4  # noqa: E402

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/abcdefghijkl"
CREATE_REQUEST: Dict[str, Any] = {
    "jobName": "fault-job",
    "customModelName": "fault-model",
    "roleArn": "arn:aws:iam::123456789012:role/bedrock-customization-test",
    "baseModelIdentifier": "amazon.titan-text-express-v1",
    "trainingDataConfig": {"s3Uri": "s3://bc-test-bucket/train/data.jsonl"},
    "outputDataConfig": {"s3Uri": "s3://bc-test-bucket/output/"},
    "hyperParameters": {"epochCount": "1"},
}
JOB = {"jobArn": JOB_ARN, "jobName": "fault-job", "status": "InProgress", "roleArn": CREATE_REQUEST["roleArn"]}
CREATED = Fault(body={"jobArn": JOB_ARN})
RETRIES = {"max_attempts": 2, "mode": "standard"}  # botocore semantics: 2 retries, 3 attempts


def error(status: int, code: str, message: str = "scripted error") -> Fault:
    return Fault(status=status, body={"message": message}, headers={"x-amzn-ErrorType": f"{code}:http://internal"})


HTML = b"<html><head><title>502</title></head><body><h1>Bad Gateway</h1></body></html>"


@dataclass
class Scenario:
    name: str  # also the pytest id
    fault: str  # the table's description
    script: List[Fault] = field(default_factory=list)
    default: Optional[Fault] = None  # answer once the script is used up
    operation: str = "get"  # "get" or "create"
    config: Dict[str, Any] = field(default_factory=lambda: {"retries": dict(RETRIES)})
    endpoint: str = "server"  # "server", "refused" or "backlog" (connect hangs)


SCENARIOS: List[Scenario] = [
    # -- retried, then success: no duplicate jobs ---------------------------
    Scenario("create-500-then-ok", "create: HTTP 500, then success", [error(500, "InternalServerException"), CREATED], operation="create"),
    Scenario("create-503-then-ok", "create: HTTP 503 (empty body), then success", [Fault(status=503, body=b""), CREATED], operation="create"),
    Scenario("create-429-then-ok", "create: 429 ThrottlingException twice, then success",
             [error(429, "ThrottlingException"), error(429, "ThrottlingException"), CREATED], operation="create"),
    Scenario("create-drop-then-ok", "create: connection dropped without an answer, then success", [Fault(drop=True), CREATED], operation="create"),
    Scenario("create-slow-then-ok", "create: reply delayed 2 s (read_timeout=0.5), then success",
             [Fault(delay=2.0), CREATED], operation="create",
             config={"read_timeout": 0.5, "retries": {"max_attempts": 2, "mode": "standard"}}),
    # -- retries exhausted / not retried ------------------------------------
    Scenario("get-500-always", "get: HTTP 500 on every attempt (retries: max_attempts=2)", default=error(500, "InternalServerException", "boom")),
    Scenario("get-throttled-always", "get: 400 ThrottlingException on every attempt", default=error(400, "ThrottlingException", "Rate exceeded")),
    Scenario("get-validation", "get: 400 ValidationException", default=error(400, "ValidationException", "bad input")),
    Scenario("get-access-denied", "get: 403 AccessDeniedException", default=error(403, "AccessDeniedException", "denied")),
    Scenario("get-not-found", "get: 404 ResourceNotFoundException", default=error(404, "ResourceNotFoundException", "no such job")),
    Scenario("get-unknown-error-code", "get: 400 with an unknown error code", default=Fault(status=400, body={"__type": "FluxCapacitorException", "message": "no flux"})),
    # -- hostile bodies -------------------------------------------------------
    Scenario("get-malformed-json", "get: 200, malformed JSON", default=Fault(body=b'{"jobArn": "x",,}')),
    Scenario("get-truncated-json", "get: 200, truncated JSON", default=Fault(body=b'{"jobArn": "arn:aws:bedr')),
    Scenario("get-html-200", "get: 200, HTML page", default=Fault(body=HTML, content_type="text/html")),
    Scenario("get-html-500", "get: 500, HTML page", default=Fault(status=500, body=HTML, content_type="text/html")),
    Scenario("get-empty-200", "get: 200, empty body", default=Fault(body=b"")),
    Scenario("get-empty-500", "get: 500, empty body", default=Fault(status=500, body=b"")),
    Scenario("get-json-list", "get: 200, body is a JSON list", default=Fault(body=[JOB])),
    Scenario("get-invalid-utf8", "get: 200, invalid UTF-8 in a string", default=Fault(body=b'{"jobArn": "\xff\xfe", "jobName": "j"}')),
    Scenario("get-unknown-enum", "get: 200, unknown enum value (status)", default=Fault(body={**JOB, "status": "Teleporting"})),
    Scenario("get-unknown-union", "get: 200, unknown union member (customizationConfig)",
             default=Fault(body={**JOB, "customizationConfig": {"futureConfig": {"x": 1}}})),
    Scenario("get-10mb", "get: 200, 10 MB body", default=Fault(body={**JOB, "failureMessage": "x" * (10 * 1024 * 1024)})),
    Scenario("get-short-content-length", "get: Content-Length larger than the body, then close",
             default=Fault(body=json.dumps(JOB), truncate_to=20)),
    Scenario("get-mid-body-pause", "get: 0.3 s pause in the middle of the body", default=Fault(body=JOB, mid_body_delay=0.3)),
    # -- timeouts and connection failures ----------------------------------
    Scenario("get-read-timeout", "get: headers delayed 2 s (read_timeout=0.5, no retries)", default=Fault(delay=2.0),
             config={"read_timeout": 0.5, "retries": {"max_attempts": 0}}),
    Scenario("get-connect-timeout", "get: connect hangs (full accept backlog; connect_timeout=0.5, no retries)",
             config={"connect_timeout": 0.5, "retries": {"max_attempts": 0}}, endpoint="backlog"),
    Scenario("get-connection-refused", "get: connection refused (closed port, no retries)",
             config={"retries": {"max_attempts": 0}}, endpoint="refused"),
]
BY_NAME = {s.name: s for s in SCENARIOS}


# ---------------------------------------------------------------------------
# Endpoints that are not a FaultServer
# ---------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BacklogListener:
    """A 127.0.0.1 listener that never accepts and whose accept queue is full,
    so a further connect() hangs until the client's connect timeout."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.fillers: List[socket.socket] = []
        for _ in range(4):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self.fillers.append(c)
        time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hangs(self, timeout: float = 0.3) -> bool:
        """True when a plain connect() to it does not complete within timeout."""
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.settimeout(timeout)
        try:
            probe.connect(("127.0.0.1", self.port))
            return False
        except (socket.timeout, TimeoutError):
            return True
        finally:
            self.fillers.append(probe)  # keep it pending: it occupies a SYN slot

    def close(self) -> None:
        for c in self.fillers:
            c.close()
        self.sock.close()


# ---------------------------------------------------------------------------
# Running a scenario with one client
# ---------------------------------------------------------------------------


def make_client(kind: str, endpoint_url: str, config: Dict[str, Any]):
    if kind == "bc":
        import bedrock_customization as bc

        return bc.client("bedrock", region_name=REGION, endpoint_url=endpoint_url,
                         config=bc.Config(**config), **CREDENTIALS)
    import boto3.session
    import botocore.config

    return boto3.session.Session().client("bedrock", region_name=REGION, endpoint_url=endpoint_url,
                                          config=botocore.config.Config(**config), **CREDENTIALS)


@dataclass
class Outcome:
    kind: str
    result: Any = None  # the response dict on success
    exception: Optional[BaseException] = None
    requests: List[Recorded] = field(default_factory=list)
    elapsed: float = 0.0
    url: str = ""

    def describe(self) -> str:
        """A deterministic one-line summary for the report."""
        n = len(self.requests)
        reqs = f"{n} request{'s' if n != 1 else ''}"
        if self.exception is not None:
            e = self.exception
            msg = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", str(e)).replace("\n", " ")
            if len(msg) > 110:
                msg = msg[:107] + "..."
            return f"raises `{type(e).__name__}`: {msg} ({reqs})"
        body = {k: v for k, v in self.result.items() if k != "ResponseMetadata"}
        retries = self.result.get("ResponseMetadata", {}).get("RetryAttempts")
        tokens = {r.json().get("clientRequestToken") for r in self.requests if r.body[:1] == b"{"}
        parts = [f"returns {summarize(body)}", f"RetryAttempts={retries}", reqs]
        if self.requests and self.requests[0].method == "POST":
            parts.append("one clientRequestToken" if len(tokens) == 1 and None not in tokens else f"{len(tokens)} tokens")
        return "; ".join(parts)


def summarize(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {summarize(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(summarize(v) for v in value) + "]"
    if isinstance(value, str):
        if len(value) > 24:
            return f"<str {len(value)} chars>"
        return repr(value)
    return repr(value)


def run(kind: str, scenario: Scenario, server: Optional[FaultServer] = None) -> Outcome:
    """Run one scenario with 'bc' or 'boto3' against its own endpoint."""
    own_server = None
    backlog = None
    if scenario.endpoint == "server":
        if server is None:
            server = own_server = FaultServer()
        server.reset()
        server.script(*scenario.script)
        if scenario.default is not None:
            server.default = scenario.default
        url = server.url
    elif scenario.endpoint == "refused":
        url = f"http://127.0.0.1:{closed_port()}"
    else:
        backlog = BacklogListener()
        url = backlog.url
    outcome = Outcome(kind=kind, url=url)
    try:
        client = make_client(kind, url, scenario.config)
        start = time.monotonic()
        try:
            if scenario.operation == "create":
                outcome.result = client.create_model_customization_job(**CREATE_REQUEST)
            else:
                outcome.result = client.get_model_customization_job(jobIdentifier="fault-job")
        except Exception as e:  # noqa: BLE001 - the exception is the outcome
            outcome.exception = e
        outcome.elapsed = time.monotonic() - start
        if server is not None and scenario.endpoint == "server":
            time.sleep(0.02)
            outcome.requests = list(server.requests)
    finally:
        if own_server is not None:
            own_server.close()
        if backlog is not None:
            backlog.close()
    return outcome


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def is_timing_sensitive(scenario: Scenario) -> bool:
    return any(k in scenario.config for k in ("read_timeout", "connect_timeout")) or scenario.endpoint != "server"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def generate() -> str:
    # Scenarios whose outcome depends on a timeout run one at a time (a busy
    # process could delay an answer past a 0.5 s timeout); the others run in
    # parallel, which keeps the whole report to a few seconds.
    pairs = [(s.name, kind) for s in SCENARIOS for kind in ("bc", "boto3")]
    timed = [p for p in pairs if is_timing_sensitive(BY_NAME[p[0]])]
    outcomes = {p: run(p[1], BY_NAME[p[0]]) for p in timed}
    rest = [p for p in pairs if p not in timed]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = {p: pool.submit(run, p[1], BY_NAME[p[0]]) for p in rest}
        outcomes.update({p: f.result() for p, f in futures.items()})
    lines = [
        "# Reliability under faults",
        "",
        "Each row is one scripted fault from a loopback test server (`tests/faultserver.py`),",
        "answered to `bedrock_customization` (bc) and to boto3 with the same configuration",
        "(`retries={'max_attempts': 2, 'mode': 'standard'}` unless the row says otherwise;",
        "botocore's `max_attempts` in `retries` counts retries, so that is 3 attempts).",
        "Every request is checked with an independent SigV4 implementation",
        "(`faultserver.verify_sigv4`); the line under the table gives the result.",
        "",
        "| fault | bedrock_customization | boto3 |",
        "| --- | --- | --- |",
    ]
    for s in SCENARIOS:
        lines.append(f"| {_cell(s.fault)} | {_cell(outcomes[(s.name, 'bc')].describe())} | {_cell(outcomes[(s.name, 'boto3')].describe())} |")
    recorded = [(s.name, kind, r) for s in SCENARIOS for kind in ("bc", "boto3") for r in outcomes[(s.name, kind)].requests]
    bad = sorted({f"{name} ({kind})" for name, kind, r in recorded if not verify_sigv4(r)})
    lines += [
        "",
        f"SigV4: {len(recorded) - len(bad)} of {len(recorded)} recorded requests verified"
        + (f"; NOT verified: {', '.join(bad)}." if bad else "."),
    ]
    lines += [
        "",
        "Generated by `python tests/reliability_report.py` (no timings, so the output is",
        "deterministic; `tests/test_faults.py::test_reliability_report_is_current` checks it).",
        "",
    ]
    return "\n".join(lines)


DEFAULT_OUTPUT = os.path.join(os.path.dirname(_HERE), "docs", "RELIABILITY.md")


def main(argv: List[str]) -> int:
    out = argv[1] if len(argv) > 1 else DEFAULT_OUTPUT
    text = generate()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
