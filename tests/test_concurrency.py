"""Concurrency: many threads on one client, the async and the sync client at
once, and fork while the parent keeps calling.  Every call asks for its own
job id and the (echoing) recording server answers with that id, so each result
must match its own request: no mixed-up, lost or duplicated responses.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any, Dict, List

import pytest

import bedrock_customization as bc
from conftest import CREDENTIALS, REGION, Recorded, RecordingServer, Reply, collect_fork, start_in_fork

CONFIG = dict(retries={"max_attempts": 0}, read_timeout=60)


class EchoServer(RecordingServer):
    """A RecordingServer whose reply names the job id of the request's path,
    with a request id derived from it and a small random delay."""

    def __init__(self, max_delay: float = 0.0) -> None:
        super().__init__()
        self.max_delay = max_delay
        self._random = random.Random(1234)

    def _record_and_pick(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            delay = self._random.uniform(0, self.max_delay) if self.max_delay else 0.0
        job_id = job_id_of(request)
        return Reply(
            body={
                "jobName": job_id,
                "jobArn": f"arn:aws:bedrock:us-east-1:123456789012:model-customization-job/x/{job_id}",
                "status": "InProgress",
                "hyperParameters": {"echo": job_id},
            },
            headers={"x-amzn-RequestId": f"req-{job_id}"},
            delay=delay,
        )


@pytest.fixture
def echo():
    server = EchoServer(max_delay=0.003)
    try:
        yield server
    finally:
        server.close()


def sync_client(url: str, session: bc.Session = None) -> bc.Client:
    if session is not None:
        return session.client("bedrock", endpoint_url=url, config=bc.Config(**CONFIG))
    return bc.client("bedrock", region_name=REGION, endpoint_url=url, **CREDENTIALS, config=bc.Config(**CONFIG))


def async_client(url: str, session: bc.Session = None) -> bc.AsyncClient:
    if session is not None:
        return session.async_client("bedrock", endpoint_url=url, config=bc.Config(**CONFIG))
    return bc.async_client("bedrock", region_name=REGION, endpoint_url=url, **CREDENTIALS, config=bc.Config(**CONFIG))


def job_id_of(request: Recorded) -> str:
    """The job id in /model-customization-jobs/{id} or .../{id}/stop."""
    parts = request.decoded_path.split("/")
    return parts[parts.index("model-customization-jobs") + 1]


def check(result: Dict[str, Any], job_id: str, stop: bool = False) -> None:
    """The result is the answer to the request for job_id, and only to it
    (StopModelCustomizationJob has an empty output: only the request id tells)."""
    assert isinstance(result, dict), result
    if stop:
        assert set(result) == {"ResponseMetadata"}, result
        assert result["ResponseMetadata"]["RequestId"] == f"req-{job_id}", (job_id, result["ResponseMetadata"])
        return
    assert result["jobName"] == job_id, (job_id, result.get("jobName"))
    assert result["jobArn"].endswith("/" + job_id), (job_id, result["jobArn"])
    assert result["hyperParameters"] == {"echo": job_id}
    assert result["ResponseMetadata"]["RequestId"] == f"req-{job_id}", (job_id, result["ResponseMetadata"])
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert result["ResponseMetadata"]["RetryAttempts"] == 0


def requested_ids(server: RecordingServer) -> List[str]:
    return [job_id_of(r) for r in list(server.requests)]


def join_all(threads: List[threading.Thread], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    assert not hung, f"threads hung: {hung}"


# ---------------------------------------------------------------------------
# 16 threads x 100 calls on one sync client
# ---------------------------------------------------------------------------

THREADS, CALLS = 16, 100


def test_sixteen_threads_share_one_sync_client(echo):
    client = sync_client(echo.url)
    barrier = threading.Barrier(THREADS)
    results: Dict[str, Dict[str, Any]] = {}
    errors: List[Any] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        try:
            barrier.wait(timeout=30)
            for c in range(CALLS):
                job_id = f"t{t:02d}-c{c:03d}"
                # Alternate the operations that take a job id.
                call = client.get_model_customization_job if c % 2 else client.stop_model_customization_job
                result = call(jobIdentifier=job_id)
                with lock:
                    assert job_id not in results
                    results[job_id] = result
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append((t, repr(e)))

    threads = [threading.Thread(target=worker, args=(t,), name=f"worker-{t}") for t in range(THREADS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    join_all(threads, timeout=180)
    elapsed = time.monotonic() - started
    assert errors == []
    expected = {f"t{t:02d}-c{c:03d}" for t in range(THREADS) for c in range(CALLS)}
    assert set(results) == expected
    for job_id, result in results.items():
        check(result, job_id, stop=job_id.endswith(("0", "2", "4", "6", "8")))
    # Exactly one request per call (no retries, nothing duplicated or lost).
    sent = requested_ids(echo)
    assert len(sent) == THREADS * CALLS and set(sent) == expected
    assert elapsed < 120, f"{THREADS * CALLS} calls took {elapsed:.1f}s"


# ---------------------------------------------------------------------------
# async and sync clients of one Session at once
# ---------------------------------------------------------------------------


def test_async_and_sync_clients_from_one_session_together(echo):
    echo.max_delay = 0.02  # long enough for the two sides to overlap
    session = bc.Session(region_name=REGION, **CREDENTIALS)
    aclient = async_client(echo.url, session)
    sclient = sync_client(echo.url, session)
    assert isinstance(aclient, bc.AsyncClient) and not isinstance(sclient, bc.AsyncClient)

    sync_results: Dict[str, Dict[str, Any]] = {}
    errors: List[Any] = []
    loop_started = threading.Event()
    lock = threading.Lock()

    def sync_worker(t: int) -> None:
        try:
            loop_started.wait(timeout=30)
            for c in range(25):
                job_id = f"sync{t}-{c:02d}"
                result = sclient.get_model_customization_job(jobIdentifier=job_id)
                with lock:
                    sync_results[job_id] = result
        except BaseException as e:  # noqa: BLE001
            errors.append((t, repr(e)))

    ticks = 0

    async def ticker(stop: asyncio.Event) -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    async def main():
        stop = asyncio.Event()
        tick_task = asyncio.ensure_future(ticker(stop))
        loop_started.set()
        ids = [f"async-{i:02d}" for i in range(50)]
        # Two waves of 50 concurrent gets, so the loop runs while the threads call.
        first = await asyncio.gather(*[aclient.get_model_customization_job(jobIdentifier=i) for i in ids])
        second = await asyncio.gather(*[aclient.get_model_customization_job(jobIdentifier=i + "-b") for i in ids])
        stop.set()
        await tick_task
        return dict(zip(ids, first)), dict(zip([i + "-b" for i in ids], second))

    threads = [threading.Thread(target=sync_worker, args=(t,), name=f"sync-{t}") for t in range(4)]
    for t in threads:
        t.start()
    try:
        first, second = asyncio.run(main())
    finally:
        loop_started.set()
        join_all(threads, timeout=120)
    assert errors == []
    for job_id, result in {**first, **second}.items():
        check(result, job_id)
    assert set(sync_results) == {f"sync{t}-{c:02d}" for t in range(4) for c in range(25)}
    for job_id, result in sync_results.items():
        check(result, job_id)
    assert ticks > 5, "the event loop was blocked while the requests were in flight"
    sent = requested_ids(echo)
    assert len(sent) == 200 and len(set(sent)) == 200


# ---------------------------------------------------------------------------
# fork while the parent keeps calling
# ---------------------------------------------------------------------------


def _child_main(url: str, inherited_sync: bc.Client, inherited_async: bc.AsyncClient, round_no: int) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    tag = f"r{round_no}"

    def summary(result, job_id):
        check(result, job_id)
        return result["jobName"]

    out["inherited_sync"] = summary(
        inherited_sync.get_model_customization_job(jobIdentifier=f"child-{tag}-inh-sync"), f"child-{tag}-inh-sync"
    )
    fresh_sync = sync_client(url)
    out["new_sync"] = summary(fresh_sync.get_model_customization_job(jobIdentifier=f"child-{tag}-new-sync"), f"child-{tag}-new-sync")

    async def main():
        fresh_async = async_client(url)
        ids = [f"child-{tag}-inh-async-{i}" for i in range(5)] + [f"child-{tag}-new-async-{i}" for i in range(5)]
        results = await asyncio.gather(
            *[inherited_async.get_model_customization_job(jobIdentifier=i) for i in ids[:5]],
            *[fresh_async.get_model_customization_job(jobIdentifier=i) for i in ids[5:]],
        )
        return [summary(r, i) for r, i in zip(results, ids)]

    out["async"] = asyncio.run(main())
    # Threads in the child, on the inherited client.
    errors: List[str] = []

    def worker(i: int):
        try:
            job_id = f"child-{tag}-thread-{i}"
            check(inherited_sync.get_model_customization_job(jobIdentifier=job_id), job_id)
        except BaseException as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    out["thread_errors"] = errors + [t.name for t in threads if t.is_alive()]
    return out


def test_fork_while_the_parent_keeps_calling(echo):
    sclient = sync_client(echo.url)
    aclient = async_client(echo.url)
    # Both clients have been used: the runtime and the connection pools exist.
    check(sclient.get_model_customization_job(jobIdentifier="parent-warm-sync"), "parent-warm-sync")
    check(asyncio.run(_await(aclient.get_model_customization_job(jobIdentifier="parent-warm-async"))), "parent-warm-async")

    stop = threading.Event()
    parent_results: Dict[str, Dict[str, Any]] = {}
    parent_errors: List[str] = []

    def parent_caller(t: int) -> None:
        n = 0
        while not stop.is_set():
            job_id = f"parent-{t}-{n}"
            try:
                parent_results[job_id] = sclient.get_model_customization_job(jobIdentifier=job_id)
            except BaseException as e:  # noqa: BLE001
                parent_errors.append(repr(e))
                return
            n += 1

    callers = [threading.Thread(target=parent_caller, args=(t,), name=f"parent-{t}") for t in range(2)]
    for t in callers:
        t.start()
    children = []
    try:
        time.sleep(0.05)  # the callers are mid-request when the forks happen
        for round_no in range(3):
            pid, fd = start_in_fork(lambda: _child_main(echo.url, sclient, aclient, round_no))
            # The parent keeps calling (sync and async) while the child runs.
            async_ids = [f"parent-async-{round_no}-{i}" for i in range(10)]
            results = asyncio.run(_gather([aclient.get_model_customization_job(jobIdentifier=i) for i in async_ids]))
            for result, job_id in zip(results, async_ids):
                check(result, job_id)
            children.append((round_no, collect_fork(pid, fd, time.monotonic() + 60)))
    finally:
        stop.set()
        join_all(callers, timeout=60)

    for round_no, (code, payload) in children:
        assert code == 0, (round_no, payload)
        tag = f"r{round_no}"
        assert payload["inherited_sync"] == f"child-{tag}-inh-sync"
        assert payload["new_sync"] == f"child-{tag}-new-sync"
        assert len(payload["async"]) == 10
        assert payload["thread_errors"] == []
    assert parent_errors == []
    assert len(parent_results) > 10
    for job_id, result in parent_results.items():
        check(result, job_id)
    # The parent's clients still work after the children are gone.
    check(sclient.get_model_customization_job(jobIdentifier="parent-after"), "parent-after")
    check(asyncio.run(_await(aclient.get_model_customization_job(jobIdentifier="parent-after-async"))), "parent-after-async")
    sent = requested_ids(echo)
    for round_no in range(3):
        assert sum(1 for i in sent if i.startswith(f"child-r{round_no}-")) == 2 + 10 + 4


async def _await(awaitable):
    return await awaitable


async def _gather(awaitables):
    return await asyncio.gather(*awaitables)
