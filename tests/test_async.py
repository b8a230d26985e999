"""The async client: same dicts and exceptions as the sync client, on the shared
runtime; cancellation, concurrency, fork, and the sync client inside a running loop."""

import asyncio
import os
import time

import pytest

import bedrock_customization as bc
from conftest import CREDENTIALS, REGION, Reply, error_view, job_request, make_bc_client, strip_volatile


def make_async(url, **kwargs):
    kwargs.setdefault("region_name", REGION)
    return bc.async_client("bedrock", endpoint_url=url, **CREDENTIALS, **kwargs)


def test_async_client_is_a_client_with_coroutines(local_url):
    client = make_async(local_url)
    assert isinstance(client, bc.AsyncClient) and isinstance(client, bc.Client)
    assert client.meta.region_name == REGION
    coro = client.list_model_customization_jobs()  # no loop running: still fine
    assert asyncio.iscoroutine(coro)
    asyncio.run(_await(coro))
    assert "AsyncClient" in repr(client) and "testing" not in repr(client)


async def _await(awaitable):
    return await awaitable


def test_lifecycle_matches_the_sync_client(local_url):
    sync = make_bc_client(local_url)
    suffix = str(int(time.time() * 1000))

    async def main():
        async with make_async(local_url) as client:
            created = await client.create_model_customization_job(**job_request(f"async-{suffix}", f"async-model-{suffix}"))
            got, listed = await asyncio.gather(
                client.get_model_customization_job(jobIdentifier=created["jobArn"]),
                client.list_model_customization_jobs(nameContains=f"async-{suffix}"),
            )
            stopped = await client.stop_model_customization_job(jobIdentifier=f"async-{suffix}")
            return created, got, listed, stopped

    created, got, listed, stopped = asyncio.run(main())
    assert created["jobArn"].endswith("/" + created["jobArn"].rsplit("/", 1)[-1])
    sync_got = sync.get_model_customization_job(jobIdentifier=created["jobArn"])
    # Same job read twice: equal but for the response metadata and what the stop changed.
    for changed in ("ResponseMetadata", "status", "statusDetails", "endTime", "lastModifiedTime", "failureMessage"):
        sync_got.pop(changed, None), got.pop(changed, None)
    assert sync_got == got
    assert [j["jobName"] for j in listed["modelCustomizationJobSummaries"]] == [f"async-{suffix}"]
    assert stopped["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_same_raw_response_same_result_and_errors(recorder):
    body = {"jobArn": "a", "jobName": "j", "creationTime": "2026-01-02 03:04:05", "trainingMetrics": {"trainingLoss": 0.1}}
    recorder.always(Reply(body=body))
    sync = make_bc_client(recorder.url).get_model_customization_job(jobIdentifier="j")
    result = asyncio.run(_await(make_async(recorder.url).get_model_customization_job(jobIdentifier="j")))
    assert strip_volatile(result) == strip_volatile(sync)
    assert type(result["creationTime"]) is type(sync["creationTime"]) and result["creationTime"].tzinfo is None

    recorder.always(Reply(status=404, body={"message": "gone"}, headers={"x-amzn-ErrorType": "ResourceNotFoundException"}))
    with pytest.raises(bc.exceptions.ResourceNotFoundException) as sync_err:
        make_bc_client(recorder.url).get_model_customization_job(jobIdentifier="j")
    with pytest.raises(bc.exceptions.ResourceNotFoundException) as async_err:
        asyncio.run(_await(make_async(recorder.url).get_model_customization_job(jobIdentifier="j")))
    assert strip_volatile(error_view(async_err.value)) == strip_volatile(error_view(sync_err.value))


def test_validation_errors_raise_when_awaited_and_send_nothing(recorder):
    client = make_async(recorder.url)
    coro = client.get_model_customization_job()
    with pytest.raises(bc.exceptions.ParamValidationError, match='Missing required parameter in input: "jobIdentifier"'):
        asyncio.run(_await(coro))
    with pytest.raises(TypeError, match="only accepts keyword arguments"):
        asyncio.run(_await(client.get_model_customization_job("j")))
    assert recorder.requests == []


def test_many_requests_in_flight(recorder):
    recorder.always(Reply(body={"jobName": "j"}, delay=0.2))

    async def main():
        client = make_async(recorder.url, config=bc.Config(max_pool_connections=64))
        started = time.monotonic()
        results = await asyncio.gather(*[client.get_model_customization_job(jobIdentifier=f"j{i}") for i in range(32)])
        return results, time.monotonic() - started

    results, elapsed = asyncio.run(main())
    assert [r["jobName"] for r in results] == ["j"] * 32
    assert len(recorder.requests) == 32
    # 32 requests of 0.2 s each overlapped rather than running one after another.
    assert elapsed < 32 * 0.2 / 2


def test_cancelling_abandons_the_request(recorder):
    recorder.script(Reply(body={"jobName": "slow"}, delay=30.0))
    recorder.default = Reply(body={"jobName": "fast"})

    async def main():
        client = make_async(recorder.url, config=bc.Config(retries={"max_attempts": 0}))
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.get_model_customization_job(jobIdentifier="slow"), 0.3)
        elapsed = time.monotonic() - started
        after = await client.get_model_customization_job(jobIdentifier="fast")
        return elapsed, after

    elapsed, after = asyncio.run(main())
    assert elapsed < 1.5
    assert after["jobName"] == "fast"


def test_sync_client_works_inside_a_running_loop(recorder):
    """As in a Jupyter cell: the notebook's loop is running while sync calls are made."""
    recorder.always(Reply(body={"jobName": "j"}))
    client = make_bc_client(recorder.url)

    async def cell():
        return client.get_model_customization_job(jobIdentifier="j")["jobName"]

    assert asyncio.run(cell()) == "j"


def test_session_async_client(recorder):
    recorder.always(Reply(body={"jobName": "j"}))
    session = bc.Session(region_name=REGION, **CREDENTIALS)
    client = session.async_client("bedrock", endpoint_url=recorder.url)
    assert isinstance(client, bc.AsyncClient)
    assert asyncio.run(_await(client.get_model_customization_job(jobIdentifier="j")))["jobName"] == "j"
    with pytest.raises(bc.exceptions.UnknownServiceError):
        session.async_client("s3")


def test_async_client_in_a_forked_child(recorder):
    recorder.always(Reply(body={"jobName": "j"}))
    inherited = make_async(recorder.url)
    asyncio.run(_await(inherited.get_model_customization_job(jobIdentifier="parent")))
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            async def main():
                a = await inherited.get_model_customization_job(jobIdentifier="inherited")
                b = await make_async(recorder.url).get_model_customization_job(jobIdentifier="new")
                return a["jobName"] == "j" and b["jobName"] == "j"

            code = 0 if asyncio.run(main()) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert {r.decoded_path.rsplit("/", 1)[-1] for r in recorder.requests} == {"parent", "inherited", "new"}


def test_each_result_reaches_its_own_caller(local_url):
    """Results come back to the event loop in batches: with 150 calls in flight each
    awaiting caller still gets the answer to its own request."""
    suffix = str(int(time.time() * 1000))
    sync = make_bc_client(local_url)
    arns = [sync.create_model_customization_job(**job_request(f"batch-{suffix}-{i}", f"batch-m-{suffix}-{i}"))["jobArn"]
            for i in range(15)]

    async def main():
        client = make_async(local_url, config=bc.Config(max_pool_connections=64))
        return await asyncio.gather(*[client.get_model_customization_job(jobIdentifier=arns[i % 15]) for i in range(150)])

    results = asyncio.run(main())
    assert [r["jobArn"] for r in results] == [arns[i % 15] for i in range(150)]
    assert [r["jobName"] for r in results] == [f"batch-{suffix}-{i % 15}" for i in range(150)]


def test_event_loops_in_threads_and_one_after_another(local_url):
    """Every loop has its own completion queue: loops running at once in two threads,
    and a new loop after the first is closed, each get their own results."""
    import threading

    client = make_async(local_url)
    got = {}

    def run_in_thread(name):
        async def main():
            return await asyncio.gather(*[client.list_foundation_models() for _ in range(20)])

        got[name] = asyncio.run(main())

    threads = [threading.Thread(target=run_in_thread, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(got) == ["a", "b"]
    assert all(len(r) == 20 and all(x["modelSummaries"] for x in r) for r in got.values())
    for _ in range(3):  # fresh loops, the old ones closed
        assert asyncio.run(_await(client.list_foundation_models()))["modelSummaries"]


def test_a_cancelled_call_leaves_the_others_alone(recorder):
    recorder.script(Reply(body={"jobName": "slow"}, delay=5.0))
    recorder.default = Reply(body={"jobName": "fast"})

    async def main():
        client = make_async(recorder.url, config=bc.Config(retries={"max_attempts": 0}, max_pool_connections=8))
        slow = asyncio.ensure_future(client.get_model_customization_job(jobIdentifier="slow"))
        await asyncio.sleep(0.2)
        slow.cancel()
        fast = await asyncio.gather(*[client.get_model_customization_job(jobIdentifier="fast") for _ in range(10)])
        with pytest.raises(asyncio.CancelledError):
            await slow
        return fast

    assert [r["jobName"] for r in asyncio.run(main())] == ["fast"] * 10


class _LoopWithoutReaders(asyncio.SelectorEventLoop):
    """As Windows' default loop (Proactor), which has no ``add_reader``."""

    def add_reader(self, fd, callback, *args):
        raise NotImplementedError


def test_a_loop_without_readers_gets_its_results(recorder):
    """Results reach a loop that cannot watch a descriptor through
    ``call_soon_threadsafe`` instead: each to its own caller, cancellation and errors
    as on any loop, and a new loop after the first is closed."""
    recorder.default = Reply(body={"jobName": "fast"})

    async def main():
        recorder.script(Reply(body={"jobName": "slow"}, delay=5.0))
        client = make_async(recorder.url, config=bc.Config(retries={"max_attempts": 0}, max_pool_connections=16))
        slow = asyncio.ensure_future(client.get_model_customization_job(jobIdentifier="slow"))
        await asyncio.sleep(0.2)
        slow.cancel()
        fast = await asyncio.gather(*[client.get_model_customization_job(jobIdentifier=f"j{i}") for i in range(40)])
        with pytest.raises(asyncio.CancelledError):
            await slow
        with pytest.raises(bc.exceptions.ParamValidationError):
            await client.get_model_customization_job()
        return fast

    for _ in range(2):
        loop = _LoopWithoutReaders()
        try:
            results = loop.run_until_complete(asyncio.wait_for(main(), 60))
        finally:
            loop.close()
        assert [r["jobName"] for r in results] == ["fast"] * 40
