"""One measurement in a fresh process; bench/run.py starts this script once per
contender and round, so every figure is taken the same way and the contenders
alternate. Imports only the standard library at the top, so it also runs under
the aioboto3 virtualenv's Python.

    python bench/contenders.py KIND URL SECONDS

KIND is FIGURE-CLIENT: cold-bc, cold-boto3, cold-aioboto3, cold-python (no
import: the bare interpreter), sync-bc, sync-boto3, sync-capo, sync-bare,
threads-bc, threads-boto3, async-bc, async-aioboto3, async-capo, async-bare,
list-bc, list-boto3, list-capo, list-bare, smaps-bc, smaps-boto3, smaps-bcimport,
smaps-python (resident memory by mapping after import + client), answers-boto3,
answers-capo, answers-bare (the parsed results of both gets and the list page,
datetimes tagged with their tzinfo's type, for the harness's check). Prints one
JSON object; the timed figures write "#measuring" to stderr when their measured
window starts (the harness attaches its profiler then).

capo is capo-bedrock's BedrockClient / AsyncBedrockClient behind the boto3 method
names; bare is bench/bare (a signed GET through hyper, no AWS SDK) with this
package's response walker, `bedrock_customization._core._parse_output`.
"""

from __future__ import annotations

import json
import sys
import time

T_START = time.perf_counter()

CREDS = dict(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
JOB = "bench-job"
THREADS = 16
IN_FLIGHT = 64
BARE_BATCH = 4 * IN_FLIGHT  # requests per bare.Client.get_many call (64 at a time), then walked one by one
WARMUP_S = 0.3


def memory() -> dict:
    """VmHWM (peak) and VmRSS of this process, in MiB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0]) / 1024
    return out


class Capo:
    """capo-bedrock's client behind the boto3 method names (its own are snake_case
    keywords; the job identifier is positional). Sync or async: it hands back
    whatever capo's method returns, so an AsyncBedrockClient's coroutine."""

    def __init__(self, client):
        self.client = client

    def get_model_customization_job(self, jobIdentifier: str):
        return self.client.get_model_customization_job(jobIdentifier)

    def list_model_customization_jobs(self):
        return self.client.list_model_customization_jobs()


def capo_client(url: str, pool: int, asynchronous: bool = False):
    """capo-bedrock pointed at the local server: region, endpoint and static
    credentials are constructor arguments; zapros's connection pool (default 10
    per host) gets `pool` connections, as the other clients' pools do."""
    import capo_bedrock
    import zapros

    kw = dict(region=CREDS["region_name"], endpoint=url,
              credentials={"access_key": CREDS["aws_access_key_id"], "secret_key": CREDS["aws_secret_access_key"]})
    if asynchronous:
        handler = zapros.AsyncStdNetworkHandler(http1={"max_connections_per_host": pool})
        return capo_bedrock.AsyncBedrockClient(http_handler=handler, **kw)
    return capo_bedrock.BedrockClient(http_handler=zapros.StdNetworkHandler(http1={"max_connections_per_host": pool}),
                                      **kw)


class Bare:
    """bench/bare's signed GET (hyper, no AWS SDK) and this package's own response
    walker on each response: the same request and the same dict as a real call."""

    def __init__(self, url: str):
        import bare
        from bedrock_customization._core import _parse_output

        self.http = bare.Client(url, CREDS["region_name"], CREDS["aws_access_key_id"], CREDS["aws_secret_access_key"])
        self.parse = _parse_output

    def walk(self, operation: str, raw) -> dict:
        status, headers, body = raw
        if status >= 300:
            raise RuntimeError(f"{operation}: HTTP {status}: {body[:200]!r}")
        return self.parse(operation, status, headers, body)

    def get_model_customization_job(self, jobIdentifier: str) -> dict:
        return self.walk("GetModelCustomizationJob", self.http.get(f"/model-customization-jobs/{jobIdentifier}"))

    def list_model_customization_jobs(self) -> dict:
        return self.walk("ListModelCustomizationJobs", self.http.get("/model-customization-jobs"))


def make_client(who: str, url: str, pool: int = 10):
    if who in ("bc", "bcb", "bcevents"):
        import bedrock_customization as bc

        client = bc.client("bedrock", endpoint_url=url, config=bc.Config(max_pool_connections=pool), **CREDS)
        if who == "bcevents":  # one handler, as a user's logging hook would be
            client.meta.events.register("after-call.bedrock", lambda **kwargs: None)
        return client
    if who == "capo":
        return Capo(capo_client(url, pool))
    if who == "bare":
        return Bare(url)
    import boto3
    import botocore.config

    return boto3.client("bedrock", endpoint_url=url, config=botocore.config.Config(max_pool_connections=pool), **CREDS)


def cold(who: str, url: str, _seconds: float) -> dict:
    """Import + client creation (the figure), then the first call (extra)."""
    t0 = time.perf_counter()
    t_import = None
    if who == "python":
        t1 = time.perf_counter()
        mem = memory()
    elif who == "aioboto3":
        import asyncio

        import aioboto3

        async def first():
            async with aioboto3.Session().client("bedrock", endpoint_url=url, **CREDS) as client:
                t1 = time.perf_counter()
                mem = memory()
                await client.get_model_customization_job(jobIdentifier=JOB)
                return t1, mem

        t1, mem = asyncio.run(first())
    else:
        if who in ("bc", "bcb"):
            import bedrock_customization as bc

            t_import = time.perf_counter()
            client = bc.client("bedrock", endpoint_url=url, **CREDS)
        else:
            import boto3

            t_import = time.perf_counter()
            client = boto3.client("bedrock", endpoint_url=url, **CREDS)
        t1 = time.perf_counter()
        mem = memory()
        client.get_model_customization_job(jobIdentifier=JOB)
    t2 = time.perf_counter()
    after_call = memory()
    return {
        "import_client_s": t1 - t0,
        "first_call_s": t2 - t1,
        "import_s": (t_import - t0) if t_import else None,
        "interpreter_s": t0 - T_START,
        "rss_mb": mem["VmRSS"],
        "hwm_mb": mem["VmHWM"],
        "hwm_after_call_mb": after_call["VmHWM"],
    }


def _measuring() -> None:
    sys.stderr.write("#measuring\n")
    sys.stderr.flush()


def _loop(call, seconds: float, batch: int = 1) -> dict:
    """call() makes `batch` calls; the clock is read every 8 calls or more."""
    deadline = time.perf_counter() + WARMUP_S
    while time.perf_counter() < deadline:
        call()
    n = 0
    every = max(1, 8 // batch)
    _measuring()
    c0 = time.process_time()
    t0 = time.perf_counter()
    end = t0 + seconds
    while True:
        call()
        n += batch
        if (n // batch) % every == 0 and time.perf_counter() >= end:
            break
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"calls": n, "seconds": elapsed, "per_s": n / elapsed, "latency_ms": elapsed / n * 1000,
            "cpu_us_per_call": cpu / n * 1e6}


def sync(who: str, url: str, seconds: float) -> dict:
    client = make_client(who, url)
    return _loop(lambda: client.get_model_customization_job(jobIdentifier=JOB), seconds)


def listing(who: str, url: str, seconds: float) -> dict:
    client = make_client(who, url)
    page = client.list_model_customization_jobs()
    summaries = page.get("modelCustomizationJobSummaries", page.get("model_customization_job_summaries"))  # capo
    assert len(summaries) == 100, page.keys()
    return _loop(lambda: client.list_model_customization_jobs(), seconds)


def threads(who: str, url: str, seconds: float) -> dict:
    import threading

    client = make_client(who, url, pool=THREADS)
    counts = [0] * THREADS
    state = {"measuring": False, "stop": False}

    def work(k: int) -> None:
        while not state["stop"]:
            client.get_model_customization_job(jobIdentifier=JOB)
            if state["measuring"]:
                counts[k] += 1

    workers = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for w in workers:
        w.start()
    time.sleep(WARMUP_S)
    state["measuring"] = True
    _measuring()
    c0, t0, cpu0 = sum(counts), time.perf_counter(), time.process_time()
    time.sleep(seconds)
    n, elapsed, cpu = sum(counts) - c0, time.perf_counter() - t0, time.process_time() - cpu0
    state["stop"] = True
    for w in workers:
        w.join()
    return {"calls": n, "seconds": elapsed, "per_s": n / elapsed, "threads": THREADS,
            "cpu_us_per_call": cpu / max(n, 1) * 1e6}


def bare_in_flight(url: str, seconds: float) -> dict:
    """bare has no asyncio client: each call is bare.Client.get_many (BARE_BATCH
    requests, 64 in flight on its runtime, GIL released), then the walker on each
    response in turn, with nothing in flight while it walks."""
    client = Bare(url)
    path = f"/model-customization-jobs/{JOB}"

    def batch() -> None:
        for raw in client.http.get_many(path, BARE_BATCH, IN_FLIGHT):
            client.walk("GetModelCustomizationJob", raw)

    out = _loop(batch, seconds, BARE_BATCH)
    return {**out, "in_flight": IN_FLIGHT, "batch": BARE_BATCH}


def in_flight(who: str, url: str, seconds: float) -> dict:
    if who == "bare":
        return bare_in_flight(url, seconds)
    import asyncio

    async def run(client) -> dict:
        state = {"measuring": False, "stop": False, "n": 0}

        async def work() -> None:
            while not state["stop"]:
                await client.get_model_customization_job(jobIdentifier=JOB)
                if state["measuring"]:
                    state["n"] += 1

        tasks = [asyncio.ensure_future(work()) for _ in range(IN_FLIGHT)]
        await asyncio.sleep(WARMUP_S)
        state["measuring"] = True
        _measuring()
        t0, cpu0 = time.perf_counter(), time.process_time()
        await asyncio.sleep(seconds)
        n, elapsed, cpu = state["n"], time.perf_counter() - t0, time.process_time() - cpu0
        state["stop"] = True
        await asyncio.gather(*tasks)
        return {"calls": n, "seconds": elapsed, "per_s": n / elapsed, "in_flight": IN_FLIGHT,
                "cpu_us_per_call": cpu / max(n, 1) * 1e6}

    async def main() -> dict:
        if who in ("bc", "bcb"):
            import bedrock_customization as bc

            client = bc.async_client("bedrock", endpoint_url=url, config=bc.Config(max_pool_connections=IN_FLIGHT), **CREDS)
            return await run(client)
        if who == "capo":
            async with capo_client(url, IN_FLIGHT, asynchronous=True) as client:
                return await run(Capo(client))
        import aioboto3
        from aiobotocore.config import AioConfig

        async with aioboto3.Session().client(
            "bedrock", endpoint_url=url, config=AioConfig(max_pool_connections=IN_FLIGHT), **CREDS
        ) as client:
            return await run(client)

    return asyncio.run(main())


def smaps(who: str, url: str, _seconds: float) -> dict:
    """Resident memory after import + client, summed by what is mapped (MiB)."""
    if who == "bcimport":
        import bedrock_customization  # noqa: F401
    elif who != "python":
        make_client(who, url)
    groups: dict = {}
    name = None
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split()
            if "-" in head[0] and not head[0].endswith(":"):
                path = head[5] if len(head) > 5 else "[anonymous]"
                if path.startswith("/"):
                    base = path.rsplit("/", 1)[1]
                    if base.startswith("_core"):
                        kind = "code" if "x" in head[1] else "data"
                        name = f"bedrock_customization/_core (Rust extension): {kind}"
                    elif base.startswith("libpython"):
                        name = "libpython3.11"
                    elif ".so" in base:
                        name = "other shared libraries"
                    else:
                        name = "other files"
                elif path == "[heap]":
                    name = "[heap] (malloc)"
                elif path == "[anonymous]":
                    name = "anonymous (mmap arenas, thread stacks, Python objects)"
                else:
                    name = "other"
            elif head[0] == "Rss:":
                groups[name] = groups.get(name, 0) + int(head[1]) / 1024
    return {"groups_mb": groups, **memory()}


def _tagged(value):
    """JSON for what json cannot write: a datetime as its ISO form and its tzinfo's type."""
    import datetime

    if isinstance(value, datetime.datetime):
        tz = type(value.tzinfo)
        return {"$datetime": value.isoformat(), "$tzinfo": f"{tz.__module__}.{tz.__qualname__}"}
    if isinstance(value, bytes):
        return {"$bytes": value.decode("latin-1")}
    raise TypeError(f"{type(value).__name__} is not JSON")


def answers(who: str, url: str, _seconds: float) -> dict:
    """The parsed results of both gets and the list page, for the harness's check."""
    client = make_client(who, url)
    got = {"get": client.get_model_customization_job(jobIdentifier=JOB),
           "get_distillation": client.get_model_customization_job(jobIdentifier=f"{JOB}-distillation"),
           "list": client.list_model_customization_jobs()}
    types = sorted({type(v).__module__ + "." + type(v).__name__ for v in got.values()})
    return json.loads(json.dumps({"results": got, "types": types}, default=_tagged))


FIGURES = {"smaps": smaps, "cold": cold, "sync": sync, "list": listing, "threads": threads, "async": in_flight,
           "answers": answers}


def main() -> None:
    kind, url, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    figure, _, who = kind.partition("-")
    result = FIGURES[figure](who, url, seconds)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
