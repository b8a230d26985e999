"""Connections under load (issue 28): however many calls wait, the client has at most
``max_pool_connections`` connections to a host and reuses them (calls beyond the pool
wait for a free one, as aiobotocore's do); the local Bedrock takes a wide fan-out
without dropping a connection and keeps its clients' connections alive.

Everything here is counted, never timed: the connections a server accepted, the most
it had open at once, the requests it served, and the kernel's listen overflows.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import ssl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional

import pytest
import trustme

import bedrock_customization as bc
from conftest import (
    CREDENTIALS,
    REGION,
    job_request,
    listen_overflows,
    local_bedrock_process,
    unique,
)

IN_FLIGHT = 64
CALLS = 2000
FAN_OUT_CALLS = 5000  # the issue's figure: 5,000 calls at 64 in flight


class CountingServer:
    """An HTTP/1.1 keep-alive server on 127.0.0.1, plain or TLS, that answers
    GetModelCustomizationJob with the job named in the path (after ``delay`` seconds,
    so that calls overlap) and counts the connections it accepted. With
    ``close_after_response`` it closes each connection after its response, without
    saying so (no ``Connection: close``), as a server dropping idle connections does."""

    def __init__(self, tls: Optional[ssl.SSLContext] = None, delay: float = 0.002,
                 close_after_response: bool = False) -> None:
        owner = self
        self.accepted = 0
        self._lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # the head and the body are two writes

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                time.sleep(delay)
                job = self.path.rsplit("/", 1)[-1]
                body = json.dumps({"jobName": job, "status": "InProgress"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = close_after_response

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 4096

            def get_request(self):  # type: ignore[no-untyped-def]
                accepted = super().get_request()
                with owner._lock:
                    owner.accepted += 1
                return accepted

        self._server = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def test_ca(tmp_path_factory):
    """A CA made for these tests, its bundle, and a server context for 127.0.0.1."""
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return context, str(bundle)


@pytest.fixture(params=["http", "https"])
def counting_server(request, test_ca):
    context, bundle = test_ca
    server = CountingServer(tls=context if request.param == "https" else None)
    server.verify = bundle if request.param == "https" else None  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.close()


def _options(server: CountingServer, pool: Optional[int], verify: Any = None, **config: Any) -> Dict[str, Any]:
    config["retries"] = {"max_attempts": 0}
    if pool is not None:
        config["max_pool_connections"] = pool
    options: Dict[str, Any] = dict(region_name=REGION, endpoint_url=server.url, config=bc.Config(**config),
                                   **CREDENTIALS)
    chosen = verify if verify is not None else getattr(server, "verify", None)
    if chosen is not None:
        options["verify"] = chosen
    return options


def run_sync(options: Dict[str, Any], calls: int, in_flight: int) -> List[str]:
    """``calls`` GetModelCustomizationJob calls from ``in_flight`` threads on one client;
    the job names answered, in call order."""
    client = bc.client("bedrock", **options)
    try:
        with ThreadPoolExecutor(in_flight) as pool:
            got = pool.map(lambda i: client.get_model_customization_job(jobIdentifier=f"job-{i}")["jobName"],
                           range(calls))
            return list(got)
    finally:
        client.close()


def run_async(options: Dict[str, Any], calls: int, in_flight: int) -> List[str]:
    """The same calls on one async client, ``in_flight`` awaited at a time."""

    async def main() -> List[str]:
        async with bc.async_client("bedrock", **options) as client:
            gate = asyncio.Semaphore(in_flight)

            async def one(i: int) -> str:
                async with gate:
                    return (await client.get_model_customization_job(jobIdentifier=f"job-{i}"))["jobName"]

            return await asyncio.gather(*(one(i) for i in range(calls)))

    return asyncio.run(main())


def run_async_all_at_once(options: Dict[str, Any], calls: int) -> List[str]:
    """Every call started at once: the pool alone decides how many reach the server."""

    async def main() -> List[str]:
        async with bc.async_client("bedrock", **options) as client:
            replies = await asyncio.gather(
                *(client.get_model_customization_job(jobIdentifier=f"job-{i}") for i in range(calls))
            )
            return [reply["jobName"] for reply in replies]

    return asyncio.run(main())


RUNNERS = {"sync-threads": run_sync, "async": run_async}


@pytest.mark.parametrize("pool", [None, 64], ids=["default-pool", "pool-64"])
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_connections_never_exceed_the_pool(counting_server, runner, pool):
    """5,000 calls at 64 in flight open at most the pool's connections (botocore's
    default of 10, or 64) and each call gets its own answer. Before, the default pool
    opened one connection for most calls above 10 in flight (3,510 for 5,000 calls
    against nginx), and the sync client one per calling thread (64)."""
    got = RUNNERS[runner](_options(counting_server, pool), FAN_OUT_CALLS, IN_FLIGHT)
    assert got == [f"job-{i}" for i in range(FAN_OUT_CALLS)]
    _assert_bound(counting_server.accepted, pool)


def _assert_bound(accepted: int, pool: Optional[int]) -> None:
    """At most the pool's connections; with a pool of 64 and 64 calls in flight, more
    than botocore's default of 10 (the setting is used, not the default)."""
    limit = pool or 10
    assert accepted <= limit
    assert accepted > 10 if pool == 64 else accepted >= 1


def test_every_call_queued_at_once_waits_for_the_pool(counting_server):
    """2,000 calls started at once on the async client with the default pool: 10
    connections at most, never one connection attempt per waiting call."""
    got = run_async_all_at_once(_options(counting_server, None), CALLS)
    assert got == [f"job-{i}" for i in range(CALLS)]
    assert 1 <= counting_server.accepted <= 10


@pytest.mark.parametrize("pool", [2**61, 2**64 - 1], ids=["past-tokio-permits", "usize-max"])
@pytest.mark.parametrize("verify", [None, False], ids=["verified", "verify-false"])
def test_a_pool_past_any_limit_is_no_limit(counting_server, pool, verify):
    """botocore takes any int for max_pool_connections; one past tokio's most semaphore
    permits (2^61 - 1) is no limit in practice, not a panic (hypothesis found 2^61)."""
    options = _options(counting_server, pool, verify=verify)
    assert run_async_all_at_once(options, 20) == [f"job-{i}" for i in range(20)]
    client = bc.client("bedrock", **options)
    assert client.get_model_customization_job(jobIdentifier="job-0")["jobName"] == "job-0"


@pytest.mark.parametrize("pool", [None, 64], ids=["default-pool", "pool-64"])
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_verify_false_has_the_same_bound(test_ca, runner, pool):
    """``verify=False`` uses an HTTP client of its own (the SDK's pool takes no custom
    certificate verifier) with the same bound. Before, it built a new hyper client,
    and so a new connection, for every call."""
    context, _ = test_ca
    server = CountingServer(tls=context)
    try:
        got = RUNNERS[runner](_options(server, pool, verify=False), CALLS, IN_FLIGHT)
    finally:
        server.close()
    assert got == [f"job-{i}" for i in range(CALLS)]
    _assert_bound(server.accepted, pool)


@pytest.mark.parametrize("verify", ["ca", False], ids=["verified", "verify-false"])
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_waiting_for_a_connection_is_not_a_read_timeout(test_ca, runner, verify):
    """Six calls at once through one connection to a server taking 0.2 s each: the
    last waits about a second for the connection, twice its read timeout of 0.5 s,
    and still succeeds (retries off): the read timeout starts when the request is on
    a connection, as aiobotocore's does (the SDK's pool alone counts it from the
    moment a call asks for a connection)."""
    context, bundle = test_ca
    server = CountingServer(tls=context, delay=0.2)
    try:
        options = _options(server, 1, verify=bundle if verify == "ca" else False, read_timeout=0.5)
        got = RUNNERS[runner](options, 6, 6)
    finally:
        server.close()
    assert got == [f"job-{i}" for i in range(6)]
    assert server.accepted == 1


@pytest.mark.parametrize("verify", ["ca", False], ids=["verified", "verify-false"])
def test_an_idle_connection_the_server_closed_is_not_reused(test_ca, verify):
    """A server that closes every connection after its response, unannounced: each
    later call notices its idle connection is closed and opens another, with
    retries off, so no call fails on the dead one."""
    context, bundle = test_ca
    server = CountingServer(tls=context, close_after_response=True)
    client = bc.client("bedrock", **_options(server, None, verify=bundle if verify == "ca" else False))
    try:
        got = []
        for i in range(5):
            got.append(client.get_model_customization_job(jobIdentifier=f"job-{i}")["jobName"])
            time.sleep(0.1)  # the server's close reaches the client
    finally:
        client.close()
        server.close()
    assert got == [f"job-{i}" for i in range(5)]
    assert server.accepted == 5


AT_EXIT = """
import asyncio, atexit, sys
import bedrock_customization as bc
options = dict(region_name="us-east-1", endpoint_url=sys.argv[1], aws_access_key_id="a",
               aws_secret_access_key="b", config=bc.Config(retries={"max_attempts": 0}))
client = bc.client("bedrock", **options)
client.get_model_customization_job(jobIdentifier="before")
atexit.register(lambda: print(client.get_model_customization_job(jobIdentifier="at-exit")["jobName"]))

async def main():
    async with bc.async_client("bedrock", **options) as a:
        waiter = a.get_waiter("model_customization_job_completed")
        try:
            await waiter.wait(jobIdentifier="async", WaiterConfig={"Delay": 0.01, "MaxAttempts": 1})
        except bc.exceptions.WaiterError:
            pass

asyncio.run(main())  # an async waiter registers the shared runtime's stop at exit, which runs first
"""


def test_a_sync_call_at_exit_after_the_runtime_stopped():
    """An ``atexit`` handler's sync call (cleaning up a job, say) runs after the
    shared runtime was stopped at exit: the client builds its pool again on a new
    runtime instead of handing its connections to the stopped one."""
    server = CountingServer()
    try:
        done = subprocess.run([sys.executable, "-c", AT_EXIT, server.url], capture_output=True, text=True,
                              timeout=60)
    finally:
        server.close()
    assert (done.returncode, done.stdout, done.stderr) == (0, "at-exit\n", "")


# ---------------------------------------------------------------------------
# The local Bedrock under the same load
# ---------------------------------------------------------------------------


def _local_bedrock(where: str, **options: Any):
    if where == "in-process":
        return bc.testing.local_bedrock(**options)
    return local_bedrock_process()


@pytest.mark.alone  # counts system-wide listen overflows: see conftest.listen_overflows
@pytest.mark.parametrize("where", ["in-process", "command"])
def test_local_bedrock_keeps_its_clients_connections(where):
    """10,000 calls at 64 in flight with a pool of 64: the local Bedrock keeps the
    connections alive (at most 64 accepted), every call is served, and the kernel
    dropped no SYN (a dropped SYN is retried only a second later)."""
    calls = 10_000
    with _local_bedrock(where) as endpoint:
        before = listen_overflows()
        options = dict(region_name=REGION, endpoint_url=str(endpoint), **CREDENTIALS,
                       config=bc.Config(max_pool_connections=IN_FLIGHT))

        async def main() -> int:
            async with bc.async_client("bedrock", **options) as client:
                gate = asyncio.Semaphore(IN_FLIGHT)

                async def one() -> int:
                    async with gate:
                        return len((await client.list_custom_models())["modelSummaries"])

                return len(await asyncio.gather(*(one() for _ in range(calls))))

        assert asyncio.run(main()) == calls
        overflows = listen_overflows() - before
        counts = endpoint.counts()
    assert overflows == 0
    assert counts["requests"] == calls
    assert 1 <= counts["connections"] <= IN_FLIGHT


@pytest.mark.alone  # counts system-wide listen overflows: see conftest.listen_overflows
@pytest.mark.parametrize("where", ["in-process", "command"])
def test_local_bedrock_with_a_thousand_waiters_polling(where):
    """1,000 customization jobs, then 1,000 async waiters polling them at once through
    a pool of 64: every job completes, at most 64 connections, no listen overflow."""
    jobs = 1000
    fast = {"model_customization_job.validation": 0.1, "model_customization_job.data_processing": 0.1,
            "model_customization_job.training": 0.3, "custom_model.creating": 0.1}
    with _local_bedrock(where, durations=fast) as endpoint:
        if where == "command":
            # the command runs with AWS's default durations; a job takes 1.5 s there
            fast = {}
        before = listen_overflows()
        options = dict(region_name=REGION, endpoint_url=str(endpoint), **CREDENTIALS,
                       config=bc.Config(max_pool_connections=IN_FLIGHT))

        async def main() -> List[str]:
            async with bc.async_client("bedrock", **options) as client:
                gate = asyncio.Semaphore(IN_FLIGHT)

                async def create(i: int) -> str:
                    async with gate:
                        request = job_request(unique(f"fanout{i}"), unique(f"fanout-model{i}"))
                        return (await client.create_model_customization_job(**request))["jobArn"]

                arns = await asyncio.gather(*(create(i) for i in range(jobs)))
                waiter = client.get_waiter("model_customization_job_completed")
                await asyncio.gather(*(waiter.wait(jobIdentifier=arn, WaiterConfig={"Delay": 0.2, "MaxAttempts": 200})
                                       for arn in arns))
                done = await asyncio.gather(*(client.get_model_customization_job(jobIdentifier=arn) for arn in arns))
                return [job["status"] for job in done]

        statuses = asyncio.run(main())
        overflows = listen_overflows() - before
        counts = endpoint.counts()
    assert statuses == ["Completed"] * jobs
    assert overflows == 0
    assert counts["requests"] >= 3 * jobs  # create, at least one poll, the final get
    assert 1 <= counts["connections"] <= IN_FLIGHT
