"""Reliability under faults: bedrock_customization (bc) and boto3 side by side
against a scripted loopback server (tests/faultserver.py).

Every request any test sends to a FaultServer has its SigV4 signature
recomputed independently (faultserver.verify_sigv4) and checked.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.parse
import uuid
from typing import Any, Dict, List

import pytest

import bedrock_customization as bc
from conftest import REGION
from faultserver import Fault, FaultServer, Recorded, sigv4_details, verify_sigv4
import reliability_report as rr
from reliability_report import CREATE_REQUEST, CREATED, JOB, BacklogListener, closed_port, error, make_client


def assert_signed(requests: List[Recorded]) -> None:
    assert requests, "no request reached the server"
    for r in requests:
        details = sigv4_details(r)
        assert details["ok"], f"SigV4 does not verify for {r.method} {r.raw_path}?{r.raw_query}: {details}"


@pytest.fixture
def server():
    srv = FaultServer()
    try:
        yield srv
        # Every request of every test must carry a valid signature.
        for r in srv.requests:
            assert verify_sigv4(r), sigv4_details(r)
    finally:
        srv.close()


def both(server: FaultServer, config: Dict[str, Any]):
    return {"bc": make_client("bc", server.url, config), "boto3": make_client("boto3", server.url, config)}


def call(fn, *args, **kwargs):
    """(result, exception, elapsed)."""
    start = time.monotonic()
    try:
        return fn(*args, **kwargs), None, time.monotonic() - start
    except Exception as e:  # noqa: BLE001
        return None, e, time.monotonic() - start


# ---------------------------------------------------------------------------
# The verifier itself
# ---------------------------------------------------------------------------


def test_verify_sigv4_accepts_botocore_signatures_and_rejects_tampering(server):
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    # botocore signs (its own implementation), ours checks.
    url = server.url + "/model-customization-jobs/a%2Fb%20c?maxResults=5&nameContains=x%20y"
    req = botocore.awsrequest.AWSRequest(method="POST", url=url, data=b'{"a": 1}', headers={"Content-Type": "application/json"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("testing", "testing"), "bedrock", REGION).add_auth(req)
    prepared = req.prepare()
    split = urllib.parse.urlsplit(prepared.url)
    headers = {k.lower(): v for k, v in prepared.headers.items()}
    headers["host"] = split.netloc
    good = Recorded("POST", split.path, split.query, headers, b'{"a": 1}', 0.0)
    assert verify_sigv4(good), sigv4_details(good)
    assert not verify_sigv4(Recorded("POST", split.path, split.query, headers, b'{"a": 2}', 0.0))
    assert not verify_sigv4(Recorded("POST", split.path + "x", split.query, headers, b'{"a": 1}', 0.0))
    assert not verify_sigv4(Recorded("POST", split.path, "maxResults=6&nameContains=x%20y", headers, b'{"a": 1}', 0.0))
    assert not verify_sigv4(Recorded("GET", split.path, split.query, headers, b'{"a": 1}', 0.0))
    assert not verify_sigv4(Recorded("POST", split.path, split.query, {**headers, "authorization": ""}, b'{"a": 1}', 0.0))
    # And bc's own requests verify (the fixture checks every recorded request too).
    server.always(Fault(body=JOB))
    make_client("bc", server.url, {}).list_model_customization_jobs(maxResults=5, nameContains="abc", sortOrder="Ascending")
    assert_signed(server.requests)


# ---------------------------------------------------------------------------
# No duplicate jobs
# ---------------------------------------------------------------------------

RETRIED_FAULTS = {
    "500": [error(500, "InternalServerException")],
    "503": [Fault(status=503, body=b"")],
    "429-throttling": [error(429, "ThrottlingException")],
    "dropped-connection": [Fault(drop=True)],
    "read-timeout": [Fault(delay=2.0)],
}


@pytest.mark.parametrize("token", ["caller", "generated"])
@pytest.mark.parametrize("fault", list(RETRIED_FAULTS))
def test_create_retried_keeps_one_client_request_token(server, fault, token):
    config = {"read_timeout": 0.5, "retries": {"max_attempts": 2, "mode": "standard"}}
    request = dict(CREATE_REQUEST)
    if token == "caller":
        request["clientRequestToken"] = "caller-token-0001"
    results = {}
    kinds = ("bc", "boto3") if token == "generated" else ("bc",)  # boto3 side by side once per fault
    for kind in kinds:
        server.reset()
        server.script(*RETRIED_FAULTS[fault], CREATED)
        client = make_client(kind, server.url, config)
        result, exc, _ = call(client.create_model_customization_job, **request)
        assert exc is None, f"{kind}: {exc!r}"
        time.sleep(0.02)
        reqs = list(server.requests)
        assert len(reqs) == 2, f"{kind}: {len(reqs)} requests"
        assert_signed(reqs)
        tokens = [r.json().get("clientRequestToken") for r in reqs]
        assert len(set(tokens)) == 1, f"{kind}: tokens differ between attempts: {tokens}"
        if token == "caller":
            assert tokens[0] == "caller-token-0001"
        else:
            parsed = uuid.UUID(tokens[0])
            assert str(parsed) == tokens[0] and tokens[0][14] == "4", tokens[0]
        assert result["jobArn"] == CREATED.body["jobArn"]
        results[kind] = result["ResponseMetadata"]["RetryAttempts"]
    assert results == {kind: 1 for kind in kinds}


def test_create_generated_tokens_differ_per_call(server):
    server.always(CREATED)
    client = make_client("bc", server.url, {})
    for _ in range(3):
        client.create_model_customization_job(**CREATE_REQUEST)
    tokens = [r.json()["clientRequestToken"] for r in server.requests]
    assert len(set(tokens)) == 3
    assert_signed(server.requests)


def test_create_generated_token_is_an_rfc4122_uuid4_like_boto3(server):
    """boto3 generates str(uuid.uuid4()). bc's token must be a UUID version 4 of
    the RFC 4122 variant (variant nibble 8, 9, a or b) too. 16 calls: a generator
    that gets the variant right passes always; one that sets only the top bit
    (nibble 8..f) passes with probability 2**-16."""
    server.always(CREATED)
    client = make_client("bc", server.url, {})
    for _ in range(16):
        client.create_model_customization_job(**CREATE_REQUEST)
    tokens = [r.json()["clientRequestToken"] for r in server.requests]
    bad = [t for t in tokens if uuid.UUID(t).variant != uuid.RFC_4122 or uuid.UUID(t).version != 4]
    assert not bad, f"generated clientRequestTokens that are not RFC 4122 UUIDv4: {bad}"
    assert_signed(server.requests)


# ---------------------------------------------------------------------------
# Retries
# ---------------------------------------------------------------------------

# Every attempt fails with a retryable error: 500, throttling (429), 503.
RETRYABLE = [error(500, "InternalServerException"), error(429, "ThrottlingException"), Fault(status=503, body=b"")]
# Adaptive mode's client-side rate limiter slows down after throttling (see
# test_adaptive_retry_after_throttling_is_prompt), so its retry count is checked with 5xx only.
RETRYABLE_5XX = [error(500, "InternalServerException"), Fault(status=502, body=b""), Fault(status=503, body=b"")]


@pytest.mark.parametrize("mode", ["standard", "adaptive", "legacy"])
def test_retryable_errors_retried_up_to_max_attempts(server, mode):
    # botocore: retries.max_attempts counts retries -> 2 retries, 3 attempts.
    config = {"retries": {"max_attempts": 2, "mode": mode}}
    seen = {}
    for kind in ("bc", "boto3"):
        server.reset()
        server.script(*(RETRYABLE_5XX if mode == "adaptive" else RETRYABLE))
        server.default = CREATED  # a 4th attempt would succeed
        _, exc, _ = call(make_client(kind, server.url, config).get_model_customization_job, jobIdentifier="j")
        assert exc is not None, f"{kind}: succeeded, so it made more than 3 attempts"
        time.sleep(0.02)
        assert_signed(server.requests)
        seen[kind] = (len(server.requests), type(exc).__name__, exc.response["Error"]["Code"],
                      exc.response["ResponseMetadata"]["RetryAttempts"])
    # The 3rd attempt got the empty 503: a generic ClientError with code "503".
    assert seen["bc"] == seen["boto3"] == (3, "ClientError", "503", 2)


def test_adaptive_retry_after_throttling_is_prompt(server):
    """Adaptive mode, one 429 ThrottlingException then success, max_attempts=1.
    boto3 retries within ~1 s; bc must succeed within 8 s (process start
    included). (The SDK's own adaptive rate limiter is process-wide and held the
    retry back ~20 s, so bc gives adaptive mode standard mode's retries.) bc runs
    in a subprocess, which bounds the wait and keeps any process-wide state out of
    other tests."""
    import subprocess

    config = {"retries": {"max_attempts": 1, "mode": "adaptive"}}
    server.script(error(429, "ThrottlingException"), Fault(body=JOB))
    client = make_client("boto3", server.url, config)
    result, exc, elapsed = call(client.get_model_customization_job, jobIdentifier="j")
    assert exc is None and result["ResponseMetadata"]["RetryAttempts"] == 1 and elapsed < 6.0
    time.sleep(0.02)
    assert_signed(server.requests)

    server.reset()
    server.script(error(429, "ThrottlingException"), Fault(body=JOB))
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]); import reliability_report as rr\n"
        "c = rr.make_client('bc', sys.argv[1], {'retries': {'max_attempts': 1, 'mode': 'adaptive'}})\n"
        "print(c.get_model_customization_job(jobIdentifier='j')['ResponseMetadata']['RetryAttempts'])\n"
    )
    here = os.path.dirname(os.path.abspath(__file__))
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", code, server.url, here], capture_output=True, text=True, timeout=8.0)
    except subprocess.TimeoutExpired:
        arrivals = [round(r.arrival - server.requests[0].arrival, 2) for r in server.requests]
        pytest.fail(f"bc (adaptive) did not finish within 8 s (process start included) after one throttle; "
                    f"boto3 took {elapsed:.2f}s; request arrivals (s): {arrivals}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1", (proc.stdout, time.monotonic() - start)
    assert_signed(server.requests)


@pytest.mark.parametrize("mode,code", [("standard", "ThrottlingException"), ("legacy", "ThrottlingException")])
def test_retry_config_from_environment(server, monkeypatch, mode, code):
    # AWS_MAX_ATTEMPTS counts attempts (not retries): 2 attempts.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("AWS_RETRY_MODE", mode)
    seen = {}
    for kind in ("bc", "boto3"):
        server.reset()
        # A 400 ThrottlingException is retried like a 429 (by error code).
        server.always(error(400, code, "slow down"))
        _, exc, _ = call(make_client(kind, server.url, {}).get_model_customization_job, jobIdentifier="j")
        time.sleep(0.02)
        assert_signed(server.requests)
        seen[kind] = (len(server.requests), exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["RetryAttempts"])
    assert seen["bc"] == seen["boto3"] == (2, code, 1)


@pytest.mark.parametrize(
    "status,code",
    [(400, "ValidationException"), (403, "AccessDeniedException"), (404, "ResourceNotFoundException")],
)
def test_client_errors_are_not_retried(server, status, code):
    seen = {}
    for kind in ("bc", "boto3"):
        server.reset()
        server.always(error(status, code, "no retry please"))
        client = make_client(kind, server.url, {"retries": {"max_attempts": 4, "mode": "standard"}})
        _, exc, _ = call(client.get_model_customization_job, jobIdentifier="j")
        time.sleep(0.05)
        assert_signed(server.requests)
        seen[kind] = (len(server.requests), type(exc).__name__, str(exc), exc.response["ResponseMetadata"]["RetryAttempts"])
        assert isinstance(exc, getattr(client.exceptions, code))
    assert seen["bc"] == seen["boto3"]
    assert seen["bc"][0] == 1 and seen["bc"][3] == 0


# ---------------------------------------------------------------------------
# Timeouts and connection failures
# ---------------------------------------------------------------------------


def test_read_timeout_is_honoured(server):
    server.always(Fault(delay=3.0))
    read_timeout = 1.0
    for kind in ("bc", "boto3"):
        server.reset()
        server.always(Fault(delay=3.0))
        client = make_client(kind, server.url, {"read_timeout": read_timeout, "retries": {"max_attempts": 0}})
        _, exc, elapsed = call(client.get_model_customization_job, jobIdentifier="j")
        assert type(exc).__name__ == "ReadTimeoutError", f"{kind}: {exc!r}"
        assert "/model-customization-jobs/j" in str(exc) and server.url in str(exc)
        assert 0.8 * read_timeout <= elapsed <= 1.2 * read_timeout + 0.3, f"{kind}: {elapsed:.2f}s"
        assert len(server.requests) == 1
        assert_signed(server.requests)
    assert isinstance(exc, Exception)


def test_connect_timeout_is_honoured():
    connect_timeout = 1.0
    for kind in ("bc", "boto3"):
        listener = BacklogListener()
        try:
            assert listener.hangs(), "the backlog listener accepted a connection"
            client = make_client(kind, listener.url, {"connect_timeout": connect_timeout, "retries": {"max_attempts": 0}})
            _, exc, elapsed = call(client.get_model_customization_job, jobIdentifier="j")
        finally:
            listener.close()
        assert type(exc).__name__ == "ConnectTimeoutError", f"{kind}: {exc!r}"
        assert listener.url in str(exc)
        assert 0.8 * connect_timeout <= elapsed <= 1.2 * connect_timeout + 0.3, f"{kind}: {elapsed:.2f}s"
    assert isinstance(exc, Exception)


def test_connection_refused_is_endpoint_connection_error_with_default_settings():
    """Default settings (like boto3 since botocore 1.44: standard mode, 3 attempts, a
    backoff from 50 ms): both hear within a second or two. In legacy mode (5 attempts),
    boto3 retries a refused connection with jittered exponential backoff (up to 1+2+4+8 s;
    measured 1.8-13.7 s over 10 runs); bc retries it after short jittered pauses
    (0.25-0.75 s each), so the caller hears within 10 s, every time: the bound asserted
    is the pauses' maximum plus slack, far from any flake."""
    url = f"http://127.0.0.1:{closed_port()}"
    for kind in ("bc", "boto3"):
        client = make_client(kind, url, {})  # default settings
        _, exc, elapsed = call(client.get_model_customization_job, jobIdentifier="my-job")
        assert type(exc).__name__ == "EndpointConnectionError", f"{kind}: {exc!r}"
        assert str(exc) == f'Could not connect to the endpoint URL: "{url}/model-customization-jobs/my-job"'
        assert elapsed < 2.0, f"{kind}: {elapsed:.2f}s"
    client = bc.client("bedrock", region_name=REGION, endpoint_url=url, config=bc.Config(retries={"mode": "legacy"}),
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    _, exc, elapsed = call(client.get_model_customization_job, jobIdentifier="my-job")
    assert isinstance(exc, bc.exceptions.EndpointConnectionError), repr(exc)
    assert 4 * 0.25 <= elapsed < 10.0, f"{elapsed:.2f}s"


def test_connection_refused_without_retries_is_immediate():
    url = f"http://127.0.0.1:{closed_port()}"
    for kind in ("bc", "boto3"):
        client = make_client(kind, url, {"retries": {"max_attempts": 0}})
        _, exc, elapsed = call(client.get_model_customization_job, jobIdentifier="my-job")
        assert type(exc).__name__ == "EndpointConnectionError", f"{kind}: {exc!r}"
        assert str(exc) == f'Could not connect to the endpoint URL: "{url}/model-customization-jobs/my-job"'
        assert elapsed < 2.0, f"{kind}: {elapsed:.2f}s"


# ---------------------------------------------------------------------------
# Hostile responses
# ---------------------------------------------------------------------------

UNPARSABLE_200 = {
    "malformed-json": b'{"jobArn": "x",,}',
    "truncated-json": b'{"jobArn": "arn:aws:bedr',
    "html": rr.HTML,
}


@pytest.mark.parametrize("body", list(UNPARSABLE_200))
def test_unparsable_200_raises_response_parser_error_where_boto3_returns_near_empty(server, body):
    server.always(Fault(body=UNPARSABLE_200[body], content_type="text/html" if body == "html" else "application/json"))
    clients = both(server, {})
    _, exc, _ = call(clients["bc"].get_model_customization_job, jobIdentifier="j")
    assert isinstance(exc, bc.exceptions.ResponseParserError), repr(exc)
    import botocore.parsers

    assert isinstance(exc, botocore.parsers.ResponseParserError)
    assert "Unable to parse response" in str(exc)
    result, b3exc, _ = call(clients["boto3"].get_model_customization_job, jobIdentifier="j")
    assert b3exc is None
    assert {k: v for k, v in result.items() if k != "ResponseMetadata"} == {}
    assert len(server.requests) == 2
    assert_signed(server.requests)


def test_empty_200_is_a_parser_error_where_boto3_returns_near_empty(server):
    """An empty 200 cannot be a job: boto3 returns only ResponseMetadata, bc raises
    ResponseParserError naming the members the output requires."""
    server.always(Fault(status=200, body=b""))
    client = make_client("bc", server.url, {"retries": {"max_attempts": 1, "mode": "standard"}})
    _, exc, _ = call(client.get_model_customization_job, jobIdentifier="j")
    assert isinstance(exc, bc.exceptions.ResponseParserError), repr(exc)
    assert "body is empty" in str(exc) and "jobArn" in str(exc) and "roleArn" in str(exc)
    assert len(server.requests) == 1
    server.reset()
    server.always(Fault(status=200, body=b""))
    result, b3exc, _ = call(make_client("boto3", server.url, {}).get_model_customization_job, jobIdentifier="j")
    assert b3exc is None and set(result) == {"ResponseMetadata"}
    assert_signed(server.requests)


def test_empty_200_is_fine_where_the_output_is_empty(server):
    """StopModelCustomizationJob's output has no members: an empty 200 is its answer."""
    server.always(Fault(status=200, body=b""))
    result, exc, _ = call(make_client("bc", server.url, {}).stop_model_customization_job, jobIdentifier="j")
    assert exc is None, repr(exc)
    assert set(result) == {"ResponseMetadata"} and result["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert_signed(server.requests)


@pytest.mark.parametrize("status,body", [(500, "html"), (500, "empty")])
def test_html_and_empty_bodies_match_boto3(server, status, body):
    """(A 200 HTML page is in test_unparsable_200_...: bc raises, boto3 returns {}.)"""
    payload = rr.HTML if body == "html" else b""
    fault = Fault(status=status, body=payload, content_type="text/html" if body == "html" else None)
    seen = {}
    for kind in ("bc", "boto3"):
        server.reset()
        server.always(fault)
        client = make_client(kind, server.url, {"retries": {"max_attempts": 1, "mode": "standard"}})
        result, exc, _ = call(client.get_model_customization_job, jobIdentifier="j")
        time.sleep(0.02)
        assert_signed(server.requests)
        if exc is None:
            seen[kind] = ("ok", {k: v for k, v in result.items() if k != "ResponseMetadata"}, len(server.requests))
        else:
            seen[kind] = (type(exc).__name__, str(exc), exc.response["Error"], len(server.requests))
    assert seen["bc"] == seen["boto3"]
    assert seen["bc"][0] == "ClientError" and seen["bc"][2]["Code"] == "500" and seen["bc"][3] == 2


def test_unknown_error_code_is_generic_client_error(server):
    server.always(Fault(status=400, body={"__type": "FluxCapacitorException", "message": "no flux"}))
    seen = {}
    for kind, client in both(server, {}).items():
        _, exc, _ = call(client.get_model_customization_job, jobIdentifier="j")
        seen[kind] = (type(exc).__name__, str(exc), exc.response["Error"])
        assert isinstance(exc, client.exceptions.ClientError)
    assert seen["bc"] == seen["boto3"]
    assert seen["bc"][2] == {"Code": "FluxCapacitorException", "Message": "no flux"}
    assert len(server.requests) == 2
    assert_signed(server.requests)


@pytest.mark.parametrize(
    "name,body",
    [
        ("10mb", {**JOB, "failureMessage": "x" * (10 * 1024 * 1024)}),
        ("unknown-enum", {**JOB, "status": "Teleporting"}),
        ("unknown-union-member", {**JOB, "customizationConfig": {"futureConfig": {"x": 1}}}),
    ],
)
def test_successful_odd_bodies_match_boto3(server, name, body):
    fault = Fault(body=__import__("json").dumps(body).encode())
    server.always(fault)
    results = {}
    for kind, client in both(server, {}).items():
        result, exc, _ = call(client.get_model_customization_job, jobIdentifier="j")
        assert exc is None, f"{kind}: {exc!r}"
        results[kind] = {k: v for k, v in result.items() if k != "ResponseMetadata"}
    assert results["bc"] == results["boto3"]
    if name == "10mb":
        assert len(results["bc"]["failureMessage"]) == 10 * 1024 * 1024
    if name == "unknown-enum":
        assert results["bc"]["status"] == "Teleporting"
    if name == "unknown-union-member":
        assert results["bc"]["customizationConfig"] == {"SDK_UNKNOWN_MEMBER": {"name": "futureConfig"}}
    assert_signed(server.requests)


@pytest.mark.parametrize(
    "name,body,boto3_error",
    [
        ("json-list", b'[{"jobArn": "x"}]', AttributeError),
        ("invalid-utf8", b'{"jobArn": "\xff\xfe", "jobName": "j"}', UnicodeDecodeError),
    ],
)
def test_bodies_that_crash_boto3_give_a_typed_error_in_bc(server, name, body, boto3_error):
    server.always(Fault(body=body))
    clients = both(server, {})
    _, exc, _ = call(clients["bc"].get_model_customization_job, jobIdentifier="j")
    assert isinstance(exc, bc.exceptions.ResponseParserError), repr(exc)
    _, b3exc, _ = call(clients["boto3"].get_model_customization_job, jobIdentifier="j")
    assert isinstance(b3exc, boto3_error), repr(b3exc)  # boto3 crashes with a non-botocore error
    assert_signed(server.requests)


def test_truncated_body_is_a_connection_error(server):
    """Content-Length larger than the body, then the server closes: bc raises
    ConnectionClosedError after retrying, as boto3 did before botocore 1.44. botocore 1.44
    has urllib3 no longer enforce Content-Length (botocore checks it only on streaming
    bodies): the pinned boto3 returns what it parses of the cut body, after one request."""
    seen = {}
    for kind in ("bc", "boto3"):
        server.reset()
        server.always(Fault(body=b'{"jobArn": "arn:aws:bedrock:us-east-1:1"}', truncate_to=10))
        client = make_client(kind, server.url, {"retries": {"max_attempts": 1, "mode": "standard"}})
        result, exc, _ = call(client.get_model_customization_job, jobIdentifier="j")
        time.sleep(0.02)
        assert_signed(server.requests)
        seen[kind] = (exc, result, len(server.requests))
    exc, _, requests = seen["bc"]
    assert isinstance(exc, bc.exceptions.HTTPClientError) and type(exc).__name__ == "ConnectionClosedError", repr(exc)
    assert requests == 2
    exc, result, requests = seen["boto3"]
    assert exc is None and {k: v for k, v in result.items() if k != "ResponseMetadata"} == {} and requests == 1


def test_pause_in_the_middle_of_the_body_is_fine(server):
    server.always(Fault(body=JOB, mid_body_delay=0.3))
    for kind, client in both(server, {"read_timeout": 2}).items():
        result, exc, _ = call(client.get_model_customization_job, jobIdentifier="j")
        assert exc is None, f"{kind}: {exc!r}"
        assert result["status"] == "InProgress"
    assert_signed(server.requests)


# ---------------------------------------------------------------------------
# jobIdentifier encoding
# ---------------------------------------------------------------------------

HOSTILE_IDS = ["a/b", "what?x=1", "frag#ment", "../../etc", "a/../b", "with space", "ünïcødé-ジョブ", "a%2Fb", "x+y=z&w"]


@pytest.mark.parametrize("job_id", HOSTILE_IDS)
def test_job_identifier_stays_one_encoded_segment(server, job_id):
    server.always(Fault(body=JOB))
    for kind, client in both(server, {"parameter_validation": False}).items():
        for method in ("get_model_customization_job", "stop_model_customization_job"):
            server.requests.clear()
            result, exc, _ = call(getattr(client, method), jobIdentifier=job_id)
            assert exc is None, f"{kind}.{method}: {exc!r}"
            (req,) = server.requests
            prefix = "/model-customization-jobs/"
            assert req.raw_path.startswith(prefix), req.raw_path
            segment = req.raw_path[len(prefix):]
            if method == "stop_model_customization_job":
                assert segment.endswith("/stop"), req.raw_path
                segment = segment[: -len("/stop")]
            assert "/" not in segment and "?" not in segment and "#" not in segment, (kind, req.raw_path)
            assert req.raw_query == ""
            assert urllib.parse.unquote(segment) == job_id, (kind, req.raw_path)
            assert verify_sigv4(req), (kind, sigv4_details(req))


# ---------------------------------------------------------------------------
# The generated report
# ---------------------------------------------------------------------------


def test_reliability_report_is_current(tmp_path):
    import subprocess

    out = tmp_path / "RELIABILITY.md"
    here = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.run([sys.executable, os.path.join(here, "reliability_report.py"), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    committed = os.path.join(os.path.dirname(here), "docs", "RELIABILITY.md")
    with open(committed, encoding="utf-8") as f:
        expected = f.read()
    assert out.read_text(encoding="utf-8") == expected, "docs/RELIABILITY.md is stale: run python tests/reliability_report.py"


@pytest.mark.parametrize("job_id", ["..", "."])
def test_dot_segment_job_identifier_is_sent_as_boto3_sends_it_and_refused_when_strict(server, job_id):
    """A jobIdentifier that is exactly '.' or '..' cannot be one path segment (RFC 3986
    removes dot segments, and SigV4 signs the normalized path). botocore's check lets it
    through, and so does the default client: both send the same path, and ours is signed
    over the normalized path (the fixture verifies it). The model's pattern refuses it: a
    strict client sends nothing."""
    server.always(Fault(body=JOB))
    b3_server = FaultServer()  # boto3's request on a server of its own (not signature-checked)
    try:
        b3_server.always(Fault(body=JOB))
        _, exc, _ = call(make_client("boto3", b3_server.url, {}).get_model_customization_job, jobIdentifier=job_id)
        assert exc is None, repr(exc)
        expected = [(r.method, r.raw_path, r.raw_query) for r in b3_server.requests]
    finally:
        b3_server.close()
    assert expected == [("GET", f"/model-customization-jobs/{job_id}", "")]

    _, exc, _ = call(make_client("bc", server.url, {}).get_model_customization_job, jobIdentifier=job_id)
    assert exc is None, repr(exc)
    assert [(r.method, r.raw_path, r.raw_query) for r in server.requests] == expected

    server.requests.clear()
    strict = make_client("bc", server.url, {"parameter_validation": "strict"})
    _, exc, _ = call(strict.get_model_customization_job, jobIdentifier=job_id)
    assert isinstance(exc, bc.exceptions.ParamValidationError), repr(exc)
    assert f"Invalid value for parameter jobIdentifier, value: {job_id}, valid pattern: " in str(exc)
    assert server.requests == []
