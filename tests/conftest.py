"""Shared fixtures: moto's server and the package's local Bedrock, boto3 and bedrock_customization
clients pointed at it, and a scriptable recording HTTP server.

Every server here listens on 127.0.0.1 and every client talks only to them.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import http.server
import json
import re
import select
import signal
import socket
import subprocess
import sys
import os
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Union

import pytest

# ---------------------------------------------------------------------------
# Hermetic environment, set before any client exists.
# ---------------------------------------------------------------------------

_CLEARED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_CA_BUNDLE",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)
for _name in _CLEARED:
    os.environ.pop(_name, None)
_EMPTY_AWS_DIR = tempfile.mkdtemp(prefix="bc-tests-aws-")
os.environ.update(
    {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": os.path.join(_EMPTY_AWS_DIR, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(_EMPTY_AWS_DIR, "credentials"),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
)

import bedrock_customization as bc  # noqa: E402
from bedrock_customization import _model  # noqa: E402
from samples import minimal  # noqa: E402

# ---------------------------------------------------------------------------
# The pinned service model (codegen/model/), the one the package is generated from.
# Tests read it, never the installed botocore's data files.
# ---------------------------------------------------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(ROOT, "codegen", "model")
_PINNED: Dict[str, Any] = {}


def pinned_json(name: str) -> Dict[str, Any]:
    """A file of the pinned model: ``service-2.json``, ``paginators-1.json`` or ``source.json``."""
    if name not in _PINNED:
        with open(os.path.join(MODEL_DIR, name), encoding="utf-8") as f:
            _PINNED[name] = json.load(f)
    return copy.deepcopy(_PINNED[name])


def pinned_service_model():
    """botocore's ``ServiceModel`` of the pinned model (botocore's logic, our data)."""
    import botocore.model

    return botocore.model.ServiceModel(pinned_json("service-2.json"), service_name="bedrock")


def pytest_report_header(config):
    pinned = pinned_json("source.json")["botocore"]
    try:
        import botocore

        installed = botocore.__version__
    except ImportError:  # pragma: no cover - botocore is a pinned test dependency
        installed = "not installed"
    note = "" if installed == pinned else " (side-by-side tests expect the pinned release: see constraints.txt)"
    return f"bedrock model pinned from botocore {pinned}; botocore installed: {installed}{note}"

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE_ARN = "arn:aws:iam::123456789012:role/bedrock-customization-test"
BASE_MODEL = "amazon.titan-text-express-v1"


# ---------------------------------------------------------------------------
# moto server and clients
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_url():
    """URL of one moto server (the pinned moto, unpatched) for the whole session: the
    client's compatibility target beside the package's own local Bedrock."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (pyproject.toml): one worker more than the CPUs, since much of the suite
    waits on servers, subprocesses and the local Bedrock's clock rather than computing."""
    return (os.cpu_count() or 1) + 1


_ALONE_LOCKS = os.path.join(tempfile.gettempdir(), f"bedrock-customization-alone-{os.getuid()}")


@pytest.fixture(autouse=True)
def _alone_when_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    """The suite runs on pytest-xdist workers (a test module to a worker: ``--dist loadfile``,
    pyproject.toml). A test marked ``alone`` runs while no other test runs on any worker
    (those that count the kernel's system-wide listen overflows, :func:`listen_overflows`,
    which any test's server can add to); every other test shares. A readers-writer lock
    over two files: a test to run alone first holds the turnstile, so that no new test starts
    while it waits for the running ones to end."""
    import fcntl

    alone = request.node.get_closest_marker("alone") is not None
    with open(_ALONE_LOCKS + ".turnstile", "a") as turnstile, open(_ALONE_LOCKS + ".lock", "a") as lock:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        if not alone:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            if alone:
                fcntl.flock(turnstile, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def local_url():
    """URL of one local Bedrock (bc.testing.local_bedrock) for the whole session. Its clock
    stands still (realtime=False): side-by-side reads see the same state, and a test that
    needs time to pass says so with ``local_url.advance(seconds)``."""
    with bc.testing.local_bedrock(region_name=REGION, realtime=False) as url:
        assert url.startswith("http://127.0.0.1:")
        yield url


_DATA_LOADERS: Dict[Any, Any] = {}


def make_boto3_client(endpoint_url: str, **kwargs: Any):
    import boto3.session
    import botocore.session

    kwargs.setdefault("region_name", REGION)
    # A fresh Session each time: boto3.client() reuses a default session that
    # caches the shared config files of the moment it was created. Only the data
    # loader (the parsed model and endpoint files, which no test changes) is shared
    # among sessions with the same data path, as one session shares it among its
    # clients: a client is then made in about 8 ms instead of 55.
    core = botocore.session.Session()
    key = core.get_config_variable("data_path")
    loader = _DATA_LOADERS.get(key)
    if loader is None:
        loader = _DATA_LOADERS[key] = core.get_component("data_loader")
    else:
        core.register_component("data_loader", loader)
    session = boto3.session.Session(botocore_session=core)
    loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))  # boto3 appends its data path each time
    return session.client("bedrock", endpoint_url=endpoint_url, **CREDENTIALS, **kwargs)


def make_bc_client(endpoint_url: str, **kwargs: Any):
    kwargs.setdefault("region_name", REGION)
    return bc.client("bedrock", endpoint_url=endpoint_url, **CREDENTIALS, **kwargs)


@pytest.fixture(scope="session")
def boto3_client(local_url):
    return make_boto3_client(local_url)


@pytest.fixture(scope="session")
def bc_client(local_url):
    return make_bc_client(local_url)


def unique(prefix: str) -> str:
    """A job or model name unique within the session, valid for the model's patterns."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def job_request(job_name: str, model_name: str, **overrides: Any) -> Dict[str, Any]:
    """A CreateModelCustomizationJob request with the required members."""
    request = {
        "jobName": job_name,
        "customModelName": model_name,
        "roleArn": ROLE_ARN,
        "baseModelIdentifier": BASE_MODEL,
        "trainingDataConfig": {"s3Uri": "s3://bc-test-bucket/train/data.jsonl"},
        "outputDataConfig": {"s3Uri": "s3://bc-test-bucket/output/"},
        "hyperParameters": {"epochCount": "1", "batchSize": "1", "learningRate": "0.00001"},
    }
    request.update(overrides)
    return request


def create_job(client, tag: str = "job", **overrides: Any) -> Dict[str, Any]:
    """Create a job with the given client; returns {'jobName', 'modelName', 'jobArn', 'response'}."""
    suffix = uuid.uuid4().hex[:10]
    job_name = f"{tag}-{suffix}"
    model_name = f"{tag}-model-{suffix}"
    response = client.create_model_customization_job(**job_request(job_name, model_name, **overrides))
    return {"jobName": job_name, "modelName": model_name, "jobArn": response["jobArn"], "response": response}


@pytest.fixture
def create_job_pair(boto3_client, bc_client):
    """Create the same job (same input, names differing only in the client tag)
    with boto3 and with bc; returns (boto3_job, bc_job)."""

    def create(**overrides: Any):
        suffix = uuid.uuid4().hex[:10]
        jobs = []
        for tag, client in (("pb3", boto3_client), ("pbc", bc_client)):
            job_name = f"{tag}-{suffix}"
            model_name = f"{tag}-model-{suffix}"
            mine = dict(overrides)
            if "clientRequestToken" in mine:  # one token per job: the same token means the same job
                mine["clientRequestToken"] = f"{tag}-{suffix}-{mine['clientRequestToken']}"
            response = client.create_model_customization_job(**job_request(job_name, model_name, **mine))
            jobs.append({"jobName": job_name, "modelName": model_name, "jobArn": response["jobArn"], "response": response})
        return jobs[0], jobs[1]

    return create


# ---------------------------------------------------------------------------
# Requests made from the model (the walker is tests/samples.py): minimal, valid
# for every constraint, with values the local Bedrock takes
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def boto3_session():
    """One boto3 session: its loader caches the model (a client then costs ~5 ms, not ~300)."""
    import boto3.session

    return boto3.session.Session()


@functools.lru_cache(maxsize=None)
def boto3_service_model():
    """botocore's model of the installed release: what boto3 builds requests from."""
    return boto3_session().client("bedrock", region_name=REGION).meta.service_model


def _string_candidates(pattern: Optional[str]) -> Iterator[str]:
    from bedrock_customization.testing._backend import DEFAULT_ACCOUNT as account

    ident = uuid.uuid4().hex[:12]
    yield "t" + ident[1:]  # names and 12-character ids, unique per call
    yield "amazon.titan-text-express-v1"
    yield f"arn:aws:bedrock:{REGION}:{account}:custom-model/amazon.titan-text-express-v1:0:8k/{ident}"
    yield f"arn:aws:bedrock:{REGION}::foundation-model/amazon.titan-text-express-v1"
    yield ROLE_ARN
    yield "s3://bc-test-bucket/prefix/"
    for resource_type in dict.fromkeys(re.findall(r"([a-z][a-z-]+[a-z])\)?/", pattern or "")):
        yield f"arn:aws:bedrock:{REGION}:{account}:{resource_type}/{ident}"
    yield f"arn:aws:sagemaker:{REGION}:aws:hub-content/SageMakerPublicHub/Model/m-{ident}/1.0.0"
    yield str(uuid.uuid4())
    yield "1"
    yield "A" * 12
    yield "a" * 128
    # (patterns match the whole value: these shapes take nothing above)
    yield account
    yield "DRAFT"
    yield "v1.0"
    yield f"arn:aws:kms:{REGION}:{account}:key/{uuid.uuid4()}"
    yield f"arn:aws:lambda:{REGION}:{account}:function:f-{ident}"
    yield f"arn:aws:sagemaker:{REGION}:{account}:flow-definition/f-{ident}"
    yield f"arn:aws:bedrock:{REGION}:{account}:model-customization-job/amazon.titan-text-express-v1:0:8k/{ident}"
    yield "us.guardrail.v1:0"
    yield f"arn:aws:bedrock:{REGION}:{account}:guardrail-profile/us.guardrail.v1:0"


def model_string(shape: Any) -> str:
    """A string for ``shape`` matching its pattern (the local Bedrock's reading of it):
    an enum's first value, else a realistic name, id or ARN, unique per call."""
    from bedrock_customization.testing import _wire

    if shape.enum:
        return shape.enum[0]
    low, high, pattern = shape.metadata.get("min", 1), shape.metadata.get("max", 4096), shape.metadata.get("pattern")
    for candidate in _string_candidates(pattern):
        if low <= len(candidate) <= high and (pattern is None or _wire.matches_pattern(shape.name, candidate)):
            return candidate
    raise AssertionError(f"no value for a string of pattern {pattern!r}: add a candidate")


def minimal_request(operation: str) -> Dict[str, Any]:
    """The smallest valid request of ``operation`` (botocore's installed model), with
    strings matching their patterns."""
    shape = boto3_service_model().operation_model(operation).input_shape
    return minimal(shape, string=model_string) if shape is not None else {}


# ---------------------------------------------------------------------------
# Comparison helpers
# ---------------------------------------------------------------------------

VOLATILE_HEADERS = ("date", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2")


def strip_volatile(response: Dict[str, Any]) -> Dict[str, Any]:
    """A deep copy without per-request values (request ids, Date header)."""
    out = copy.deepcopy(response)
    meta = out.get("ResponseMetadata")
    if isinstance(meta, dict):
        meta.pop("RequestId", None)
        meta.pop("HostId", None)
        headers = meta.get("HTTPHeaders")
        if isinstance(headers, dict):
            for name in VOLATILE_HEADERS:
                headers.pop(name, None)
    return out


_JOB_ARN_ID = re.compile(r"(model-customization-job/[^/\s]+/)[a-z0-9]{12}")


def replace_strings(value: Any, replacements: Dict[str, str]) -> Any:
    """Recursively replace substrings (e.g. per-client job names) in every string.
    The 12-character id at the end of a job ARN differs per job and is masked."""
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return _JOB_ARN_ID.sub(r"\1<id>", value)
    if isinstance(value, dict):
        return {replace_strings(k, replacements): replace_strings(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_strings(v, replacements) for v in value]
    return value


def blank_datetimes(value: Any) -> Any:
    """Replace datetimes by a marker keeping their kind (naive/aware, offset),
    for comparing jobs created a moment apart."""
    if isinstance(value, datetime.datetime):
        return ("datetime", value.tzinfo is not None, value.utcoffset())
    if isinstance(value, dict):
        return {k: blank_datetimes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [blank_datetimes(v) for v in value]
    return value


def assert_same_types(a: Any, b: Any, path: str = "$") -> None:
    """type(a) is type(b) at every node; datetimes agree on tz-awareness and offset."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__} ({a!r} vs {b!r})"
    if isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for key in a:
            assert_same_types(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_types(x, y, f"{path}[{i}]")
    elif isinstance(a, datetime.datetime):
        assert (a.tzinfo is None) == (b.tzinfo is None), f"{path}: tz-awareness differs ({a!r} vs {b!r})"
        assert a.utcoffset() == b.utcoffset(), f"{path}: utcoffset differs ({a!r} vs {b!r})"


def assert_parity(expected: Any, got: Any) -> None:
    """Equal values and equal types everywhere (expected = boto3, got = bc)."""
    assert got == expected
    assert_same_types(expected, got)


def error_view(exc: BaseException) -> Dict[str, Any]:
    """What a user can observe of an exception, minus per-request values."""
    view: Dict[str, Any] = {"class": type(exc).__name__, "str": str(exc)}
    if hasattr(exc, "response"):
        view["error"] = exc.response.get("Error")
        view["response"] = strip_volatile(exc.response)
    if hasattr(exc, "operation_name"):
        view["operation_name"] = exc.operation_name
    return view


def capture(call: Callable[[], Any]) -> BaseException:
    """Run call, which must raise; return the exception."""
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return e
    raise AssertionError("expected an exception, the call succeeded")


# ---------------------------------------------------------------------------
# Recording HTTP server
# ---------------------------------------------------------------------------


def body_bytes(body: Union[bytes, str, dict, list]) -> bytes:
    """A scripted reply's body on the wire: bytes as given, text as UTF-8, else JSON."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


@dataclass
class Reply:
    """A scripted HTTP response."""

    status: int = 200
    body: Union[bytes, str, dict, list] = b"{}"
    headers: Dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: Optional[str] = "application/json"

    def encoded_body(self) -> bytes:
        return body_bytes(self.body)


@dataclass
class Recorded:
    """A request the recording server received."""

    method: str
    path: str  # percent-encoded, as sent
    query: Dict[str, List[str]]
    headers: Dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def decoded_path(self) -> str:
        return urllib.parse.unquote(self.path)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # silence
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        split = urllib.parse.urlsplit(self.path)
        request = Recorded(
            method=self.command,
            path=split.path,
            query=urllib.parse.parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        owner = self.server.owner
        reply = owner._record_and_pick(request)
        if reply.delay and owner._closing.wait(reply.delay):
            self.close_connection = True
            return
        payload = reply.encoded_body() if self.command != "HEAD" else b""
        try:
            self.send_response(reply.status)
            headers = {"x-amzn-RequestId": "11111111-2222-3333-4444-555555555555"}
            if reply.content_type:
                headers["Content-Type"] = reply.content_type
            headers.update(reply.headers)
            for name, value in headers.items():
                self.send_header(name, value)
            if not any(k.lower() == "content-length" for k in headers):
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: "RecordingServer"


class ScriptedServer:
    """What the loopback test servers share (this file's RecordingServer and
    faultserver.FaultServer): ``script(*replies)`` queues replies used in order;
    once the queue is empty every request gets ``default`` (changed with
    ``always(reply)``); every request is recorded in ``requests``."""

    port: int

    def _init_script(self, default: Any) -> None:
        self.requests: List[Any] = []
        self.default = default
        self._queue: List[Any] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, *replies: Any) -> "ScriptedServer":
        with self._lock:
            self._queue.extend(replies)
        return self

    def always(self, reply: Any) -> "ScriptedServer":
        with self._lock:
            self._queue.clear()
            self.default = reply
        return self

    def _record_and_pick(self, request: Any) -> Any:
        with self._lock:
            self.requests.append(request)
            return self._queue.pop(0) if self._queue else self.default


class RecordingServer(ScriptedServer):
    """An HTTP server on 127.0.0.1 that answers with scripted replies (``{}``
    with status 200 by default) and records every request it receives."""

    def __init__(self) -> None:
        self._init_script(Reply())
        self._closing = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="recording-server", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:  # type: ignore[override]
        return self._server.server_address[1]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.requests) >= count:
                return True
            time.sleep(0.01)
        return len(self.requests) >= count

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def recorder():
    server = RecordingServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def server():
    """One recording server for all the tests of a module (``clear()`` it between uses)."""
    s = RecordingServer()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def recorder_factory():
    """Make extra recording servers (closed after the test)."""
    servers: List[RecordingServer] = []

    def make() -> RecordingServer:
        server = RecordingServer()
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.close()


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port with nothing listening on it."""
    return free_port()


# ---------------------------------------------------------------------------
# The local Bedrock as a command; the kernel's counters
# ---------------------------------------------------------------------------

LOCAL_BEDROCK_COMMAND = [os.path.join(os.path.dirname(sys.executable), "bedrock-customization"), "local-bedrock"]


def free_port() -> int:
    """A 127.0.0.1 port free at the time of the call."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env() -> Dict[str, str]:
    """The environment for a command under test: test credentials and region, no AWS
    configuration of the machine's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    return env


class LocalBedrockProcess(str):
    """The endpoint URL of ``bedrock-customization local-bedrock`` run as a process."""

    process: subprocess.Popen

    def stop(self) -> str:
        """Stops the server (SIGTERM) and returns what it printed after its first line."""
        if self.process.poll() is None:
            self.process.terminate()
        out, _ = self.process.communicate(timeout=10)
        return out

    def counts(self) -> Dict[str, int]:
        """Stops the server and reads its closing line ("... N requests served on M
        connections"): ``{"requests": N, "connections": M}``."""
        found = re.search(r"(\d+) requests served on (\d+) connections", self.stop())
        assert found, "the local Bedrock printed no counts on stopping"
        return {"requests": int(found.group(1)), "connections": int(found.group(2))}


@contextlib.contextmanager
def local_bedrock_process(args: Sequence[str] = ()) -> Iterator[LocalBedrockProcess]:
    """``bedrock-customization local-bedrock`` on a free port (with more ``args``, e.g.
    ``("--data-dir", DIR)``), stopped on exit."""
    port = free_port()
    process = subprocess.Popen([*LOCAL_BEDROCK_COMMAND, "--port", str(port), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=cli_env())
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}" in line, (line, process.poll())
        endpoint = LocalBedrockProcess(f"http://127.0.0.1:{port}")
        endpoint.process = process
        yield endpoint
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]


def listen_overflows() -> int:
    """The kernel's count of connections dropped because a listen queue was full
    (TcpExt ListenOverflows, system-wide, so any test's server can add to it). The suite
    runs on several pytest-xdist workers: a test that counts it is marked ``alone`` and runs
    while no other test does (``_alone_when_marked``)."""
    lines = open("/proc/net/netstat").read().splitlines()
    for header, values in zip(lines[::2], lines[1::2]):
        if header.startswith("TcpExt:"):
            return dict(zip(header.split()[1:], map(int, values.split()[1:])))["ListenOverflows"]
    raise AssertionError("no TcpExt line in /proc/net/netstat")


# ---------------------------------------------------------------------------
# Forked children (tests of fork safety)
# ---------------------------------------------------------------------------


def start_in_fork(child_fn):
    """Fork; the child runs child_fn() and writes its JSON result (or {"error": ...})
    to a pipe, then exits without returning into pytest. Returns (pid, read_fd)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        status = 1
        try:
            os.close(read_fd)
            os.write(write_fd, json.dumps(child_fn(), default=str).encode())
            status = 0
        except BaseException as e:  # noqa: BLE001
            try:
                os.write(write_fd, json.dumps({"error": repr(e)}).encode())
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd


def collect_fork(pid: int, read_fd: int, deadline: float):
    """(exit status, JSON the child wrote); kills the child and fails past deadline."""
    chunks = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pytest.fail("forked child hung")
            ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.5))
            if ready:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode()
    return os.waitstatus_to_exitcode(status), (json.loads(text) if text else None)


def run_in_fork(child_fn, timeout: float = 60.0):
    """Run child_fn() in a forked child; return (exit status, JSON it wrote)."""
    pid, read_fd = start_in_fork(child_fn)
    return collect_fork(pid, read_fd, time.monotonic() + timeout)


# ---------------------------------------------------------------------------
# moto's operations and the scenarios that drive them (test_moto_parity, test_mock_aws)
# ---------------------------------------------------------------------------


def moto_operations() -> List[str]:
    """The operations moto implements: the handlers of its Bedrock responses class that
    are operations of the pinned model."""
    from moto.bedrock.responses import BedrockResponse

    return sorted(name for name in vars(BedrockResponse) if name in _model.OPERATIONS)


class Recording:
    """A client that remembers which operations were called on it."""

    def __init__(self, client: Any, called: set) -> None:
        self._client, self._called = client, called

    def __getattr__(self, name: str) -> Any:
        if name in _model.OPERATIONS:
            self._called.add(name)
        return getattr(self._client, name)


def outcome(step: Callable[[Any], Any], client: Any) -> Any:
    try:
        value = step(client)
        return ["result", strip_volatile(value) if isinstance(value, dict) else value]
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return ["error", error_view(e)]


_UUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def blank_uuids(value: Any) -> Any:
    """Idempotency tokens: each client makes its own (a version-4 UUID, as botocore)."""
    if isinstance(value, str):
        return "<uuid4>" if _UUID.match(value) else value
    if isinstance(value, dict):
        return {k: blank_uuids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [blank_uuids(v) for v in value]
    return value


def scenario_job(client: Any, name: str) -> Dict[str, Any]:
    return client.create_model_customization_job(**job_request(name, f"{name}-model"))


def scenario_job_arn(client: Any, name: str) -> str:
    return client.get_model_customization_job(jobIdentifier=name)["jobArn"]


def _scenario_model_arn(client: Any, name: str) -> str:
    return client.get_custom_model(modelIdentifier=f"{name}-model")["modelArn"]


_SCENARIO_LOGGING = {
    "cloudWatchConfig": {"logGroupName": "bedrock-logs", "roleArn": "arn:aws:iam::123456789012:role/logs"},
    "s3Config": {"bucketName": "bc-logs", "keyPrefix": "invocations/"},
    "textDataDeliveryEnabled": True,
    "imageDataDeliveryEnabled": False,
    "embeddingDataDeliveryEnabled": True,
}

# Steps (client, name) -> result, each scenario on resources named after its name.
SCENARIOS: Dict[str, List[Callable[[Any, str], Any]]] = {
    "jobs": [
        scenario_job,
        lambda c, n: c.get_model_customization_job(jobIdentifier=n),
        lambda c, n: c.get_model_customization_job(jobIdentifier=scenario_job_arn(c, n)),
        lambda c, n: c.list_model_customization_jobs(nameContains=n, sortBy="CreationTime", sortOrder="Descending"),
        lambda c, n: c.list_model_customization_jobs(nameContains=n, statusEquals="Completed"),
        lambda c, n: c.stop_model_customization_job(jobIdentifier=n),
        lambda c, n: c.get_model_customization_job(jobIdentifier=n)["status"],
        lambda c, n: c.stop_model_customization_job(jobIdentifier=f"{n}-missing"),
        scenario_job,  # the same name again
    ],
    "custom-models": [
        scenario_job,
        lambda c, n: c.get_custom_model(modelIdentifier=f"{n}-model"),
        lambda c, n: c.get_custom_model(modelIdentifier=_scenario_model_arn(c, n)),
        lambda c, n: c.list_custom_models(nameContains=n),
        lambda c, n: c.list_custom_models(nameContains=n, sortBy="CreationTime", sortOrder="Ascending", maxResults=1),
        lambda c, n: c.list_custom_models(creationTimeBefore=datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)),
        lambda c, n: c.delete_custom_model(modelIdentifier=f"{n}-model"),
        lambda c, n: c.get_custom_model(modelIdentifier=f"{n}-model"),
        lambda c, n: c.delete_custom_model(modelIdentifier=f"{n}-model"),
    ],
    # Job ARNs only, as the service tags jobs; the resource ARN is whatever the server made
    # (on moto model-customization-job/<name>, which the model's pattern for taggable ARNs
    # does not match: a default client sends it as boto3 does, a strict one refuses it).
    "tags": [
        scenario_job,
        lambda c, n: c.tag_resource(resourceARN=scenario_job_arn(c, n),
                                    tags=[{"key": "team", "value": "ml"}, {"key": "n", "value": "1"}]),
        lambda c, n: c.list_tags_for_resource(resourceARN=scenario_job_arn(c, n)),
        lambda c, n: c.untag_resource(resourceARN=scenario_job_arn(c, n), tagKeys=["team"]),
        lambda c, n: c.list_tags_for_resource(resourceARN=scenario_job_arn(c, n)),
        lambda c, n: c.tag_resource(resourceARN=scenario_job_arn(c, n), tags=[{"key": f"k{i}", "value": "v"} for i in range(60)]),
        lambda c, n: c.list_tags_for_resource(resourceARN=scenario_job_arn(c, n)[:-12] + "000000000000"),
    ],
    "invocation-logging": [
        lambda c, n: c.put_model_invocation_logging_configuration(loggingConfig=_SCENARIO_LOGGING),
        lambda c, n: c.get_model_invocation_logging_configuration(),
        lambda c, n: c.delete_model_invocation_logging_configuration(),
        lambda c, n: c.get_model_invocation_logging_configuration(),
    ],
}
