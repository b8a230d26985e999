"""Measuring for bench/run.py: each contender run in a fresh process (bench/contenders.py),
wrk for the wire floor, the checks that the contenders return the same data as boto3,
alternating rounds and their medians, whole-process timings (hyperfine), and the
figures and targets computed from a run's results.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

import fixtures
from provision import CONTENDERS, ENV, JOB_ID, PY, log

CPU_TARGET_US = 100  # "CPU per sync get" target: this package's CPU µs per call


# ---------------------------------------------------------------------------
# Contender processes
# ---------------------------------------------------------------------------

CRASHES: List[dict] = []  # processes that printed their result and then died (kept, and reported)


def run_json(cmd: List[str], timeout: float = 300) -> dict:
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=timeout)
    try:
        result = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = None
    if p.returncode != 0:
        if result is None:
            raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
        error = next((line for line in p.stderr.splitlines() if "Fatal" in line or "Error" in line), p.stderr[-300:])
        CRASHES.append({"command": " ".join(os.path.basename(c) if c.startswith("/") else c for c in cmd[:3]),
                        "exit": p.returncode, "error": error.strip()})
        log(f"{' '.join(cmd[1:3])}: exit {p.returncode} after printing its result: {error.strip()}")
    return result


def contender(kind: str, url: str, seconds: float) -> dict:
    who = kind.partition("-")[2]
    return run_json([PY[who], CONTENDERS, kind, url, str(seconds)], timeout=120 + seconds * 3)


def wrk(url: str, connections: int, seconds: float) -> dict:
    """wrk's rate, and wrk's own CPU time per request (user + system of the wrk
    process, from getrusage(RUSAGE_CHILDREN) around it: the only child reaped
    meanwhile)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", url],
                         capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"per_s": rps, "latency_ms": connections / rps * 1000, "cpu_us_per_call": cpu / max(requests, 1) * 1e6,
            "requests": requests}

# ---------------------------------------------------------------------------
# The parse check and the answers check
# ---------------------------------------------------------------------------

CREATE_ARGS = dict(
    jobName="bench-job-0000", customModelName="bench-model-0000",
    roleArn="arn:aws:iam::123456789012:role/service-role/BedrockModelCustomizationRole",
    baseModelIdentifier="amazon.titan-text-express-v1:0:8k",
    trainingDataConfig={"s3Uri": "s3://bench-training-bucket/datasets/customer-support/train.jsonl"},
    outputDataConfig={"s3Uri": "s3://bench-training-bucket/output/"},
    hyperParameters={"epochCount": "2"},
)


def parse_check(url: str, model) -> List[dict]:
    """bedrock_customization and boto3 (in this process) on every route: equal dicts?"""
    import boto3
    import bedrock_customization as bc

    kw = dict(region_name="us-east-1", endpoint_url=url, aws_access_key_id="testing", aws_secret_access_key="testing")
    ours, theirs = bc.client("bedrock", **kw), boto3.client("bedrock", **kw)
    calls = [
        ("GetModelCustomizationJob (rftConfig variant)", "get_model_customization_job", dict(jobIdentifier=JOB_ID),
         "GetModelCustomizationJobResponse"),
        ("GetModelCustomizationJob (distillationConfig variant)", "get_model_customization_job",
         dict(jobIdentifier=f"{JOB_ID}-distillation"), "GetModelCustomizationJobResponse"),
        ("ListModelCustomizationJobs (100 summaries)", "list_model_customization_jobs", {},
         "ListModelCustomizationJobsResponse"),
        ("CreateModelCustomizationJob (201)", "create_model_customization_job", CREATE_ARGS,
         "CreateModelCustomizationJobResponse"),
        ("StopModelCustomizationJob", "stop_model_customization_job", dict(jobIdentifier=JOB_ID),
         "StopModelCustomizationJobResponse"),
    ]
    out = []
    for title, method, args, shape in calls:
        a, b = getattr(ours, method)(**args), getattr(theirs, method)(**args)
        ma, mb = a.pop("ResponseMetadata"), b.pop("ResponseMetadata")
        for m in (ma, mb):
            m.get("HTTPHeaders", {}).pop("date", None)
        diffs = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if ma != mb:
            diffs.append("ResponseMetadata")
        body_bytes = int(mb.get("HTTPHeaders", {}).get("content-length", 0))
        missing = fixtures.all_members_present(json.loads(json.dumps(b, default=str)), shape, model)
        out.append({"title": title, "equal": not diffs, "diffs": diffs, "status": ma.get("HTTPStatusCode"),
                    "top_level_members": len(a), "missing_members": missing, "body_bytes": body_bytes})
    return out


AIOBOTO3_CHECK = r"""
import asyncio, json, sys
import aioboto3
async def main():
    async with aioboto3.Session().client("bedrock", endpoint_url=sys.argv[1], region_name="us-east-1",
                                         aws_access_key_id="testing", aws_secret_access_key="testing") as c:
        r = await c.get_model_customization_job(jobIdentifier=sys.argv[2])
        r.pop("ResponseMetadata")
        return r
print(json.dumps(asyncio.run(main()), default=str))
"""


def aioboto3_check(url: str) -> List[str]:
    """Members aioboto3 (its own, older botocore) does not parse as boto3 does."""
    got = run_json([PY["aioboto3"], "-c", AIOBOTO3_CHECK, url, JOB_ID])
    import boto3

    want = boto3.client("bedrock", region_name="us-east-1", endpoint_url=url, aws_access_key_id="testing",
                        aws_secret_access_key="testing").get_model_customization_job(jobIdentifier=JOB_ID)
    want.pop("ResponseMetadata")
    want = json.loads(json.dumps(want, default=str))
    return sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))


# Which parse-check row each of answers()'s results is, and its output shape.
ANSWERS = {
    "get": ("GetModelCustomizationJob (rftConfig variant)", "GetModelCustomizationJobResponse"),
    "get_distillation": ("GetModelCustomizationJob (distillationConfig variant)", "GetModelCustomizationJobResponse"),
    "list": ("ListModelCustomizationJobs (100 summaries)", "ListModelCustomizationJobsResponse"),
}


def snake(name: str) -> str:
    """jobArn -> job_arn, s3Uri -> s3_uri (how capo-bedrock names members)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def compare_answer(want: Any, got: Any, shape: str, model) -> dict:
    """boto3's result (want) against another client's (got), member by member along
    the service model: the same data whatever the spelling of the member names
    (boto3's or snake_case) and the tzinfo of the datetimes. Both come as JSON from
    contenders.py's answers figure (datetimes tagged with their tzinfo's type)."""
    import datetime

    shapes = model["shapes"]
    out: Dict[str, Any] = {"diffs": [], "renamed": Counter(), "wire_names": Counter(), "tzinfo": Counter()}

    def walk(w, g, name, path):
        spec = shapes[name]
        kind = spec["type"]
        if kind == "structure":
            if not isinstance(g, dict):
                out["diffs"].append(f"{path or '.'} ({type(g).__name__})")
                return
            seen = set()
            for m, member in spec["members"].items():
                if m not in w:
                    continue
                key = m if m in g else snake(m) if snake(m) in g else None
                if key is None:
                    out["diffs"].append(f"{path}.{m} (missing)")
                    continue
                seen.add(key)
                if key != m:
                    out["renamed"][f"{m} → {key}"] += 1
                elif snake(m) != m:
                    out["wire_names"][(m, bool(spec.get("union")))] += 1
                walk(w[m], g[key], member["shape"], f"{path}.{m}")
            out["diffs"] += [f"{path}.{k} (extra)" for k in g if k not in seen and k != "ResponseMetadata"]
        elif kind == "list":
            if not isinstance(g, list) or len(g) != len(w):
                out["diffs"].append(f"{path} (list of {len(g) if isinstance(g, list) else type(g).__name__})")
                return
            for k, (a, b) in enumerate(zip(w, g)):
                walk(a, b, spec["member"]["shape"], f"{path}[{k}]")
        elif kind == "map":
            if not isinstance(g, dict) or set(g) != set(w):
                out["diffs"].append(f"{path} (map keys)")
                return
            for k in w:
                walk(w[k], g[k], spec["value"]["shape"], f"{path}[{k!r}]")
        elif kind == "timestamp":
            try:
                same = (datetime.datetime.fromisoformat(w["$datetime"])
                        == datetime.datetime.fromisoformat(g["$datetime"]))
            except (TypeError, KeyError, ValueError):
                same = False
            if not same:
                out["diffs"].append(f"{path} ({g!r})")
            else:
                out["tzinfo"][(w["$tzinfo"], g["$tzinfo"])] += 1
        elif w != g or type(w) is not type(g):
            out["diffs"].append(f"{path} ({g!r:.40})")

    want = dict(want)
    meta = want.pop("ResponseMetadata", None)
    walk(want, got, shape, "")
    if "ResponseMetadata" not in got:
        out["metadata"] = "none"
    else:
        theirs = json.loads(json.dumps(got["ResponseMetadata"]))
        for m in (meta, theirs):
            m.get("HTTPHeaders", {}).pop("date", None)
        out["metadata"] = "same" if theirs == meta else "differs"
    out["renamed"] = dict(out["renamed"])
    out["wire_names"] = [[m, union, n] for (m, union), n in out["wire_names"].items()]
    out["tzinfo"] = [[a, b, n] for (a, b), n in out["tzinfo"].items()]
    return out


def answers_check(url: str, model, whos: List[str]) -> Dict[str, Any]:
    """capo-bedrock's and bare-hyper's results against boto3's (each in its own venv)."""
    want = run_json([PY["boto3"], CONTENDERS, "answers-boto3", url, "0"])["results"]
    out = {}
    for who in whos:
        got = run_json([PY[who], CONTENDERS, f"answers-{who}", url, "0"])
        out[who] = {"types": got["types"],
                    "calls": {title: compare_answer(want[key], got["results"][key], shape, model)
                              for key, (title, shape) in ANSWERS.items()}}
    return out


# ---------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------

def rounds(contenders: Dict[str, Any], n: int, what: str) -> Dict[str, List[dict]]:
    """Run every contender n times, alternating, starting each round one later
    (a contender given as None, whose venv could not be made, is left out)."""
    contenders = {k: v for k, v in contenders.items() if v is not None}
    names = list(contenders)
    out: Dict[str, List[dict]] = {k: [] for k in names}
    for r in range(n):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            out[name].append(contenders[name]())
        log(f"{what}: round {r + 1}/{n}")
    return out


def med(runs: List[dict], key: str) -> Optional[float]:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def spread(runs: List[dict], key: str) -> Tuple[float, float]:
    values = [r[key] for r in runs if r.get(key) is not None]
    return (min(values), max(values)) if values else (float("nan"), float("nan"))


def hyperfine_times(cmd: List[str], runs: int, warmup: int = 1) -> List[float]:
    """Wall times (s) of whole-process runs: hyperfine when present, else our own loop."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            path = f.name
        try:
            subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                            "--export-json", path, shlex.join(cmd)], env=ENV, check=True, capture_output=True)
            with open(path) as f:
                return list(json.load(f)["results"][0]["times"])
        finally:
            os.unlink(path)
    for _ in range(warmup):
        subprocess.run(cmd, env=ENV, capture_output=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=ENV, capture_output=True)
        times.append(time.perf_counter() - t0)
        if p.returncode:
            raise RuntimeError(f"{cmd} failed: {p.stderr[-2000:]}")
    return times


# ---------------------------------------------------------------------------
# Figures and targets
# ---------------------------------------------------------------------------

def figures(results: Dict[str, Any]) -> Tuple[dict, dict, dict, dict, dict, dict, List[dict]]:
    """The medians of a run's figures, (cold, mem, sync, lst, conc, cli, targets), each
    target with its value and whether it is met (also kept in results["targets"])."""
    cli_times = results["cli"]
    cold = {k: med(v, "import_client_s") for k, v in results["cold"].items()}
    mem = {k: med(v, "hwm_mb") for k, v in results["cold"].items()}
    sync = {k: med(v, "per_s") for k, v in results["sync"].items()}
    lst = {k: med(v, "latency_ms") for k, v in results["list"].items()}
    conc = {k: med(v, "per_s") for k, v in results["concurrent"].items()}
    cli = {k: statistics.median(v) for k, v in cli_times.items()}
    cpu_sync = {k: med(v, "cpu_us_per_call") for k, v in results["sync"].items()}
    targets = [
        dict(key="sync_boto3", short="sync get calls/s\nvs boto3", title="Sync get calls/s vs boto3 (1 thread)",
             value=sync["bc"] / sync["boto3"], target=10, share=False,
             ours=f"{sync['bc']:,.0f}/s", theirs=f"{sync['boto3']:,.0f}/s (boto3)"),
        dict(key="sync_wrk", short="sync get calls/s\nshare of wrk 1-conn floor",
             title="Sync get calls/s as a share of wrk on 1 connection", value=sync["bc"] / sync["wrk1"],
             target=0.5, share=True, ours=f"{sync['bc']:,.0f}/s", theirs=f"{sync['wrk1']:,.0f}/s (wrk -c1)"),
        dict(key="async", short="async get calls/s, 64 in flight\nvs aioboto3",
             title="Async get calls/s, 64 in flight, vs aioboto3", value=conc["bc_async"] / conc["aioboto3"],
             target=15, share=False, ours=f"{conc['bc_async']:,.0f}/s",
             theirs=f"{conc['aioboto3']:,.0f}/s (aioboto3)"),
        dict(key="list", short="list page of 100 → dicts\nvs boto3",
             title="List page of 100 summaries (latency per page) vs boto3", value=lst["boto3"] / lst["bc"],
             target=20, share=False, ours=f"{lst['bc']:.2f} ms", theirs=f"{lst['boto3']:.2f} ms (boto3)"),
        dict(key="cold", short="cold start (import + client)\nvs boto3",
             title="Cold start: import + client creation vs boto3", value=cold["boto3"] / cold["bc"], target=10,
             share=False, ours=f"{cold['bc'] * 1000:.1f} ms", theirs=f"{cold['boto3'] * 1000:.1f} ms (boto3)"),
        dict(key="cli", short="CLI get, whole process\nvs aws CLI v1", title="CLI get end to end vs the AWS CLI v1",
             value=cli["aws"] / cli["bc"], target=10, share=False, ours=f"{cli['bc'] * 1000:.0f} ms",
             theirs=f"{cli['aws'] * 1000:.0f} ms (aws)"),
        dict(key="memory", short="peak RSS after import + client\nboto3 / ours",
             title="Peak RSS after import + client, boto3's / ours", value=mem["boto3"] / mem["bc"], target=3,
             share=False, ours=f"{mem['bc']:.1f} MiB", theirs=f"{mem['boto3']:.1f} MiB (boto3)"),
        dict(key="cpu_sync", short="CPU per sync get\n(budget / CPU µs)", title="CPU per sync get",
             value=cpu_sync["bc"], target=CPU_TARGET_US, share=False, upper=True, unit="µs",
             ours=f"{cpu_sync['bc']:.0f} µs",
             theirs=(f"{cpu_sync['bare']:.0f} µs (bare-hyper)" if "bare" in cpu_sync else "–")),
    ]
    for t in targets:
        t["met"] = t["value"] <= t["target"] if t.get("upper") else t["value"] >= t["target"]
    results["targets"] = targets
    return cold, mem, sync, lst, conc, cli, targets
