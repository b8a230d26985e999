"""The benchmark harness: every figure of BENCHMARKS.md, side by side, in one run.

    python bench/run.py            # full run (about 6 minutes), rewrites BENCHMARKS.md and bench/ratios.png
    python bench/run.py --quick    # shorter rounds (about 1.5 minutes), same outputs

What it does:

* starts a static nginx on 127.0.0.1 (bench/local_nginx.py; Debian's nginx is
  installed with apt-get when missing) serving fixed, realistic Bedrock bodies
  built from botocore's service model (bench/fixtures.py): a GetModelCustomizationJob
  with every member filled in, a ListModelCustomizationJobs page of 100 full
  summaries, a 201 CreateModelCustomizationJob and a StopModelCustomizationJob;
* checks that bedrock_customization and boto3 parse every body to equal dicts;
* runs each contender in a fresh process (bench/contenders.py), in its own clean
  virtualenv under /tmp (made on first use), alternating contenders round after
  round, and reports medians: bedrock_customization sync and async, boto3 on one
  thread and on 16, aioboto3, capo-bedrock (a generated pure-Python SDK) sync and
  async, the AWS CLI v1, bare-hyper (bench/bare: the same signed GET through hyper
  with no AWS SDK, built here with maturin, and this package's response walker:
  the limit of the SDK path), and wrk (Debian's package) on 1 and 64 connections
  as the floor of what the wire and the server can do; every throughput figure
  with its CPU time per call (for wrk, wrk's own CPU time);
* checks that capo-bedrock and bare-hyper return the same data as boto3 (capo's
  representation differs: snake_case keys, its own datetimes; recorded, not fatal);
* for each target not met, profiles the bedrock_customization contender (perf
  with DWARF call stacks over all threads, or py-spy --native when perf is not
  there; -X importtime, smaps and process timings for start-up and memory) and
  writes where the time goes;
* (full run) reruns bench/waiters.py for the 1,000 concurrent waiters and
  bench/connections.py for connections under load; a quick run keeps those
  sections of the existing BENCHMARKS.md.

Run it from a checkout after `maturin develop --release` and
`pip install -r tests/requirements.txt` (boto3 parses the bodies for the check of
the answers in this process). Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import fixtures  # noqa: E402
import local_nginx  # noqa: E402

CONTENDERS = os.path.join(HERE, "contenders.py")
JOB_ID = fixtures.JOB_ID
JOB_PATH = f"/model-customization-jobs/{JOB_ID}"
LIST_PATH = "/model-customization-jobs"
PYCACHE = "/tmp/bench-pycache"
VENVS = {
    "bc": "/tmp/bench-bc-venv",
    "bcb": "/tmp/bench-bc-botocore-venv",
    "boto3": "/tmp/bench-boto3-venv",
    "aioboto3": "/tmp/bench-aioboto3-venv",
    "awscli": "/tmp/bench-awscli-venv",
    "bccli": "/tmp/bench-bc-cli-venv",
    "capo": "/tmp/bench-capo-venv",
    "bare": "/tmp/bench-bare-venv",
}
# capo-bedrock and the versions of its dependencies that pip resolved for it, pinned
CAPO_PACKAGES = ["capo-bedrock==0.16.0", "zapros==0.23.0", "h11==0.16.0", "idna==3.20", "pywhatwgurl==0.1.2",
                 "typing_extensions==4.16.0"]
BARE_DIR = os.path.join(HERE, "bare")
BARE_TARGET = os.path.join(BARE_DIR, "target")  # its own, gitignored; not the package's target/
BARE_WHEELS = "/tmp/bench-bare-wheel"
CPU_TARGET_US = 100  # "CPU per sync get" target: this package's CPU µs per call
MODES = {
    "full": dict(rounds=5, seconds=2.0, cold_runs=10, cli_rounds=3, cli_runs=5, profile_s=3.0, waiters=True),
    "quick": dict(rounds=3, seconds=0.6, cold_runs=5, cli_rounds=2, cli_runs=3, profile_s=1.5, waiters=False),
}
T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Tools and environments
# ---------------------------------------------------------------------------

_apt_updated = False


def apt_install(package: str, binary: str) -> Optional[str]:
    """The binary, installing the Debian package when it is missing (as root)."""
    global _apt_updated
    found = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if found:
        return found
    log(f"installing Debian package {package}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        if not _apt_updated:
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
            _apt_updated = True
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        log(f"could not install {package}: {e}")
        return None
    return shutil.which(binary)


def pip_module(module: str, package: str) -> bool:
    """Import-check a module in this Python, pip-installing it when missing."""
    check = [sys.executable, "-c", f"import {module}"]
    if subprocess.run(check, capture_output=True).returncode == 0:
        return True
    log(f"pip install {package}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], capture_output=True)
    return subprocess.run(check, capture_output=True).returncode == 0


def ensure_pyspy() -> bool:
    if not shutil.which("py-spy"):
        log("pip install py-spy")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], capture_output=True)
    return bool(shutil.which("py-spy"))


def venv_python(name: str) -> str:
    return os.path.join(VENVS[name], "bin", "python")


def ensure_venv(name: str, packages: List[str], pth: Optional[str] = None, tag: Optional[str] = None,
                wheels=None) -> str:
    """A clean virtualenv (no system site-packages) with exactly these packages.
    wheels: called only when the venv is (re)made, returns local wheels to install
    too; tag: what they were built from (the venv is remade when it changes)."""
    root = VENVS[name]
    marker = os.path.join(root, ".bench-packages")
    want = json.dumps({"packages": packages, "pth": pth, **({"tag": tag} if tag else {})})
    if os.path.exists(marker) and open(marker).read() == want and os.path.exists(venv_python(name)):
        return venv_python(name)
    local = wheels() if wheels else []
    log(f"making virtualenv {root} ({' '.join(packages + [os.path.basename(w) for w in local]) or 'no packages'})")
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", root], check=True)
    if packages or local:
        subprocess.run([venv_python(name), "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages,
                        *local], check=True)
    if pth:
        site = subprocess.run([venv_python(name), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
        with open(os.path.join(site, "bench-bedrock-customization.pth"), "w") as f:
            f.write(pth + "\n")
    with open(marker, "w") as f:
        f.write(want)
    return venv_python(name)


def bare_source_hash() -> str:
    """What bench/bare is built from (its manifest, lock file and sources)."""
    h = hashlib.sha256()
    for base, dirs, files in sorted(os.walk(BARE_DIR)):
        dirs[:] = sorted(d for d in dirs if d != "target")
        for name in sorted(files):
            if name.endswith((".rs", ".toml", ".lock")):
                path = os.path.join(base, name)
                h.update(os.path.relpath(path, BARE_DIR).encode() + b"\0" + open(path, "rb").read())
    return h.hexdigest()[:16]


BARE_BUILD: Dict[str, Any] = {}  # how the bare-hyper contender was built (for the report)


def build_bare() -> List[str]:
    """bench/bare's wheel: `maturin build --release` with its own target dir."""
    maturin = shutil.which("maturin") or os.path.join(os.path.dirname(sys.executable), "maturin")
    if not os.path.exists(maturin):
        pip_module("maturin", "maturin")
        maturin = shutil.which("maturin") or os.path.join(os.path.dirname(sys.executable), "maturin")
    out = os.path.join(BARE_WHEELS, bare_source_hash())
    shutil.rmtree(out, ignore_errors=True)
    cmd = [maturin, "build", "--release", "--manifest-path", os.path.join(BARE_DIR, "Cargo.toml"), "-o", out]
    log(f"building bench/bare ({shlex.join(cmd[1:])}, CARGO_TARGET_DIR=bench/bare/target)")
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=dict(os.environ, CARGO_TARGET_DIR=BARE_TARGET), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"maturin build of bench/bare failed:\n{p.stderr[-3000:]}")
    BARE_BUILD.update(seconds=time.monotonic() - t0, command=f"CARGO_TARGET_DIR=bench/bare/target "
                      f"maturin build --release --manifest-path bench/bare/Cargo.toml -o {BARE_WHEELS}/HASH")
    log(f"built bench/bare in {BARE_BUILD['seconds']:.0f} s")
    return [os.path.join(out, w) for w in os.listdir(out) if w.endswith(".whl")]


def ensure_bare(bc_dir: str) -> Optional[str]:
    """The bare-hyper contender's venv: bench/bare's wheel, this checkout (.pth) and
    python-dateutil, as the bedrock_customization contender has; None (and the
    contender is left out) when it cannot be built."""
    try:
        return ensure_venv("bare", ["python-dateutil"], pth=bc_dir, tag=bare_source_hash(), wheels=build_bare)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        log(f"bare-hyper contender left out: {e}")
        BARE_BUILD["error"] = str(e).splitlines()[0]
        return None


def console_script(python: str) -> str:
    """The `bedrock-customization` wrapper pip writes for the console script."""
    path = os.path.join(os.path.dirname(python), "bedrock-customization")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(f"#!{python}\nimport sys\nfrom bedrock_customization.cli import main\n"
                    "if __name__ == '__main__':\n    sys.exit(main())\n")
        os.chmod(path, 0o755)
    return path


def child_env() -> Dict[str, str]:
    """What every contender runs with: fixed credentials, no config files, no
    instance metadata, and .pyc files cached (in one separate tree)."""
    drop = ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in drop}
    env.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PYTHONPYCACHEPREFIX=PYCACHE,
    )
    return env


ENV: Dict[str, str] = {}
PY: Dict[str, str] = {}


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
# The server and the parse check
# ---------------------------------------------------------------------------

def routes(model) -> dict:
    return {
        f"= {LIST_PATH}": {"GET": (200, fixtures.list_page(100, model)), "POST": (201, fixtures.create_job(model))},
        "~ ^/model-customization-jobs/[^/]+/stop$": (200, {}),
        f"= /model-customization-jobs/{JOB_ID}-distillation": (200, fixtures.get_job("distillation", model)),
        "~ ^/model-customization-jobs/[^/]+$": (200, fixtures.get_job("rft", model)),
    }


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
# Profiles
# ---------------------------------------------------------------------------

KERNEL_NET = ("tcp_", "sock_", "ip_", "__dev_queue_xmit", "net_rx", "skb", "inet_", "loopback")
KERNEL_SCHED = ("futex", "epoll", "schedule", "finish_task_switch", "try_to_wake_up", "eventfd", "wake_up", "nanosleep")
KERNEL_MEM = ("page_fault", "mmap", "munmap", "brk", "madvise", "clear_page")
RULES = [
    ("response body → Python objects (_core::response)", ("_core::response::", "serde_json::")),
    ("logging hook (Python logger asked on every call)", ("_core::logging::",)),
    ("SigV4 signing", ("aws_sigv4::", "SigV4Signer")),
    ("endpoint resolution", ("endpoint_lib", "ResolveEndpoint", "::endpoint::")),
    ("hyper HTTP/1 client and connection pool", ("hyper::", "hyper_util::", "aws_smithy_http_client::", "h2::")),
    ("SDK orchestrator (interceptors, config bag, retry, identity, tracing)",
     ("aws_smithy_runtime", "aws_smithy_types::", "aws_runtime::", "aws_sdk_bedrock::", "aws_smithy_", "tracing::",
      "aws_types::", "aws_credential_types::")),
    ("request building, validation and result hand-off (_core)", ("_core::",)),
    ("pyo3 glue", ("pyo3::", "pyo3_async_runtimes::")),
    ("tokio scheduler and timers", ("tokio::",)),
]
BUCKET_NOTES = {
    "kernel: thread sleep and wake-up (futex, epoll, scheduler)":
        "waiting in epoll for the response and the wake-ups around it (sync: the calling thread drives its own "
        "socket, no other thread is involved; async: the runtime's worker parks on epoll and the event loop is "
        "woken once per batch of completions)",
    "kernel: socket I/O on loopback": "write/read syscalls of the request and response; the floor any client pays",
    "response body → Python objects (_core::response)":
        "the one-pass reader (src/response/fast.rs): JSON bytes straight to dicts, strs and datetimes "
        "(each datetime a call of `datetime.datetime`), member names interned once per shape",
    "SDK orchestrator (interceptors, config bag, retry, identity, tracing)":
        "aws-smithy-runtime's generic per-request machinery: interceptor chain, config-bag lookups, retry "
        "strategy and token bucket, identity cache, tracing spans",
    "hyper HTTP/1 client and connection pool": "HTTP framing, connection checkout/checkin",
    "SigV4 signing": "canonical request, HMAC-SHA256 chain",
    "Python interpreter (caller's code, objects)":
        "the benchmark loop itself, argument parsing and Python objects built outside _core::response",
    "kernel: memory (page faults, mmap)":
        "page faults and mmap/munmap in the steady state: memory mapped and unmapped on every call (see where "
        "the system calls come from)",
    "pyo3 glue": "attaching threads to the interpreter (PyGILState_Ensure/Release), conversions, pyo3-async-runtimes",
    "logging hook (Python logger asked on every call)": "a Python-level `isEnabledFor` call made from Rust per call",
    "request building, validation and result hand-off (_core)": "this package's own request code outside the SDK",
    "tokio scheduler and timers": "task wake-ups, timer wheel, I/O driver",
    "malloc/free (caller not unwound)": "allocator; glibc frames stop DWARF unwinding, so the caller is unknown",
    "memcpy/memcmp (caller not unwound)": "copies; glibc frames stop DWARF unwinding, so the caller is unknown",
}


def classify(frames: List[Tuple[str, str]]) -> str:
    """frames: (symbol, dso), leaf first."""
    if not frames:
        return "other"
    leaf_sym, leaf_dso = frames[0]
    joined = "\n".join(s for s, _ in frames)
    if "kernel" in leaf_dso:
        if any(k in joined for k in KERNEL_NET):
            return "kernel: socket I/O on loopback"
        if any(k in joined for k in KERNEL_SCHED):
            return "kernel: thread sleep and wake-up (futex, epoll, scheduler)"
        if any(k in joined for k in KERNEL_MEM):
            return "kernel: memory (page faults, mmap)"
        return "kernel: other syscalls"
    for name, keys in RULES:
        if any(k in joined for k in keys):
            return name
    if any("libpython" in d for _, d in frames):
        return "Python interpreter (caller's code, objects)"
    if re.search(r"malloc|free|_int_|realloc|unlink_chunk|calloc", leaf_sym):
        return "malloc/free (caller not unwound)"
    if re.search(r"mem(move|cpy|cmp|set)|strlen", leaf_sym):
        return "memcpy/memcmp (caller not unwound)"
    return f"other ({os.path.basename(leaf_dso)})"


def _thread_group(comm: str) -> str:
    if comm.startswith("bedrock-custom"):
        return "tokio workers (Rust)"
    if comm.startswith("python"):
        return "Python threads"
    return comm


def _summarize(samples: List[Tuple[str, List[Tuple[str, str]]]], tool: str) -> dict:
    total = len(samples)
    buckets: Counter = Counter()
    threads: Counter = Counter()
    leaves: Counter = Counter()
    for comm, frames in samples:
        buckets[classify(frames)] += 1
        threads[_thread_group(comm)] += 1
        if frames:
            sym, dso = frames[0]
            leaves[f"{sym} [{os.path.basename(dso)}]"] += 1
    share = lambda c: {k: v / total for k, v in c.most_common()}  # noqa: E731
    return {"tool": tool, "samples": total, "buckets": share(buckets), "threads": share(threads),
            "leaves": dict(list(share(leaves).items())[:12])}


def _parse_perf_script(text: str) -> List[Tuple[str, List[Tuple[str, str]]]]:
    samples = []
    frame_re = re.compile(r"^\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$")
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        comm = lines[0].split()[0]
        frames = []
        for line in lines[1:]:
            m = frame_re.match(line)
            if m:
                frames.append((m.group(1), m.group(2)))
        samples.append((comm, frames))
    return samples


def _parse_pyspy_raw(path: str) -> List[Tuple[str, List[Tuple[str, str]]]]:
    samples = []
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            frames = []
            for fr in reversed(stack.split(";")):
                m = re.match(r"^(.*?) \((.*)\)$", fr)
                sym, where = (m.group(1), m.group(2)) if m else (fr, "")
                frames.append((sym, "libpython" if ".py" in where else where))
            samples.extend([("python", frames)] * int(count))
    return samples


TRACED = ("mmap", "munmap", "getpid", "gettid", "futex", "write", "epoll_wait", "writev", "sendto")
NOISE = re.compile(r"^(__GI_|__|syscall$|0x|\[unknown\]|pthread_|_?_?libc_|_int_|malloc|free$|cfree)")


def _short(sym: str) -> str:
    sym = re.sub(r"\{\{closure\}\}", "{closure}", sym)
    sym = re.sub(r"<([\w:]+?)(<[^<>]*>)? as [\w:]+(<[^<>]*>)?>", r"\1", sym)  # <T as Trait>::f -> T::f
    sym = re.sub(r"<[^<>]*>", "", sym)
    parts = sym.split("::")
    return "::".join(parts[-3:]) if len(parts) > 3 else sym


def syscall_counts(pid: int, tmp: str) -> Optional[dict]:
    """strace -c over about a second, per request written (writev + sendto)."""
    if not shutil.which("strace"):
        return None
    out = os.path.join(tmp, "strace.txt")
    subprocess.run(["timeout", "1", "strace", "-f", "-c", "-p", str(pid), "-o", out], capture_output=True)
    counts = {}
    try:
        for line in open(out):
            m = re.match(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$", line)
            if m and m.group(2) != "total":
                counts[m.group(2)] = int(m.group(1))
    except OSError:
        return None
    requests = counts.get("writev", 0) + counts.get("sendto", 0)
    if not requests:
        return None
    return {"requests": requests, "per_request": {k: v / requests for k, v in
                                                  sorted(counts.items(), key=lambda kv: -kv[1])}}


def syscall_origins(pid: int, tmp: str) -> Optional[dict]:
    """Where the traced syscalls come from: perf tracepoints with DWARF stacks."""
    data = os.path.join(tmp, "sys.data")
    events = ",".join(f"syscalls:sys_enter_{n}" for n in TRACED)
    rec = subprocess.run(["perf", "record", "-q", "-e", events, "--call-graph", "dwarf,8192", "-p", str(pid),
                          "-o", data, "--", "sleep", "0.3"], capture_output=True)
    if rec.returncode != 0 or not os.path.exists(data):
        return None
    text = subprocess.run(["perf", "script", "--no-inline", "-i", data, "-F", "comm,event,ip,sym"],
                          capture_output=True, text=True).stdout
    origins: Counter = Counter()
    requests = 0
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines()]
        if not lines:
            continue
        m = re.search(r"sys_enter_(\w+)", lines[0])
        if not m:
            continue
        name = m.group(1)
        if name in ("writev", "sendto"):
            requests += 1
        frames = [line.split(None, 1)[1] for line in lines[1:] if len(line.split(None, 1)) > 1]
        chain = [_short(f) for f in frames if not NOISE.match(f)][:3]
        origins[(name, " ← ".join(chain) or "?")] += 1
    if not requests:
        return None
    return {"requests": requests,
            "origins": [(n, chain, c / requests) for (n, chain), c in origins.most_common(14)]}


def profile(kind: str, url: str, seconds: float) -> Optional[dict]:
    """Sample the contender while it measures: perf over all threads (DWARF stacks),
    else py-spy --native (Python threads only)."""
    who = kind.partition("-")[2]
    proc = subprocess.Popen([PY[who], CONTENDERS, kind, url, str(seconds + 4)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if line.startswith("#measuring"):
            break
    tmp = tempfile.mkdtemp(prefix="bench-profile-")
    result = None
    samples = None
    tool = None
    try:
        # sample first, then count and trace system calls while the contender still runs; parse afterwards
        data = os.path.join(tmp, "perf.data")
        if shutil.which("perf"):
            rec = subprocess.run(["perf", "record", "-q", "-F", "999", "--call-graph", "dwarf,8192", "-p",
                                  str(proc.pid), "-o", data, "--", "sleep", str(seconds)], capture_output=True)
            if rec.returncode != 0 or not os.path.exists(data):
                data = None
        else:
            data = None
        raw = os.path.join(tmp, "pyspy.txt")
        if data is None and ensure_pyspy():
            subprocess.run(["py-spy", "record", "--native", "-r", "500", "-f", "raw", "-o", raw, "-d",
                            str(max(1, round(seconds))), "-p", str(proc.pid)], capture_output=True)
        syscalls = syscall_counts(proc.pid, tmp) if proc.poll() is None else None
        origins = syscall_origins(proc.pid, tmp) if shutil.which("perf") and proc.poll() is None else None
        if data:
            script = subprocess.run(["perf", "script", "--no-inline", "-i", data, "-F", "comm,tid,ip,sym,dso"],
                                    capture_output=True, text=True).stdout
            samples = _parse_perf_script(script)
            tool = "perf record -F 999 --call-graph dwarf (all threads)"
        elif os.path.exists(raw):
            samples = _parse_pyspy_raw(raw)
            tool = "py-spy record --native (Python threads only)"
        if samples:
            result = _summarize(samples, tool)
            result["syscalls"] = syscalls
            result["origins"] = origins
    finally:
        out, _ = proc.communicate()
        shutil.rmtree(tmp, ignore_errors=True)
    if result is not None:
        try:
            result["run"] = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            pass
    return result


def importtime(cmd: List[str]) -> List[Tuple[str, float]]:
    """Top-level imports of a process by cumulative ms (python -X importtime)."""
    p = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], env=ENV, capture_output=True, text=True)
    rows = []
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and len(m.group(3)) <= 1:
            rows.append((m.group(4), int(m.group(2)) / 1000))
    return sorted(rows, key=lambda r: -r[1])


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def machine() -> Dict[str, str]:
    info = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    info["cores"] = str(os.cpu_count())
    with open("/proc/meminfo") as f:
        kb = int(f.readline().split()[1])
    info["memory"] = f"{kb / 1024 / 1024:.0f} GiB"
    info["kernel"] = platform.release()
    try:
        with open("/etc/os-release") as f:
            info["os"] = re.search(r'PRETTY_NAME="([^"]*)"', f.read()).group(1)
    except (OSError, AttributeError):
        info["os"] = platform.platform()
    info["python"] = platform.python_version()
    return info


def versions() -> Dict[str, str]:
    def pyver(who: str, mods: List[str]) -> str:
        code = ("import importlib.metadata as m\nfor p in %r:\n    try: print(p, m.version(p))\n"
                "    except Exception: pass" % (mods,))
        p = subprocess.run([PY[who], "-c", code], capture_output=True, text=True, env=ENV)
        return " ".join(p.stdout.split("\n")).strip() or "?"

    def tool(cmd: List[str]) -> str:
        try:
            p = subprocess.run(cmd, capture_output=True, text=True)
            return (p.stdout + p.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "not installed"

    return {
        "bedrock_customization": subprocess.run(
            [PY["bc"], "-c", "import bedrock_customization as b; print(b.__version__)"], capture_output=True,
            text=True, env=ENV).stdout.strip() + " with " + pyver("bc", ["python-dateutil"]),
        "boto3": pyver("boto3", ["boto3", "botocore"]),
        "aioboto3": pyver("aioboto3", ["aioboto3", "aiobotocore", "botocore", "aiohttp"]),
        "awscli": pyver("awscli", ["awscli", "botocore"]),
        "capo": pyver("capo", ["capo-bedrock", "zapros", "h11"]) if PY.get("capo") else "not run",
        "bare": bare_versions() if PY.get("bare") else "not run",
        "nginx": tool(["nginx", "-v"]),
        "wrk": tool(["wrk", "-v"]),
        "hyperfine": tool(["hyperfine", "--version"]),
        "perf": tool(["perf", "--version"]),
    }


def bare_versions() -> str:
    """The crates bench/bare was built with, from its Cargo.lock."""
    try:
        lock = open(os.path.join(BARE_DIR, "Cargo.lock")).read()
    except OSError:
        return "?"
    found = dict(re.findall(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"', lock))
    return " ".join(f"{c} {found[c]}" for c in ("hyper", "hyper-util", "aws-sigv4", "tokio", "pyo3") if c in found)


def so_identity() -> str:
    import bedrock_customization._core as core

    with open(core.__file__, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def git_head() -> str:
    p = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", "src", "python"],
                           capture_output=True, text=True).stdout.strip()
    return p.stdout.strip() + (" (with uncommitted changes under src/ or python/)" if dirty else "")


def fmt_ratio(value: float, target: float, share: bool) -> Tuple[str, str]:
    if share:
        return f"{value:.0%}", f"≥ {target:.0%}"
    return f"{value:.1f}×", f"≥ {target:g}×"


def fmt_target(t: dict) -> Tuple[str, str]:
    """(achieved, target) as the table writes them; an upper bound (CPU per call) in its unit."""
    if t.get("upper"):
        return f"{t['value']:.0f} {t['unit']}", f"≤ {t['target']:g} {t['unit']}"
    return fmt_ratio(t["value"], t["target"], t["share"])


def target_cells(t: dict) -> Tuple[str, str]:
    """The ratio and target cells of the targets table (an upper bound: value / budget)."""
    if t.get("upper"):
        return f"{t['value'] / t['target']:.2f}× the budget", fmt_target(t)[1]
    return fmt_target(t)


def advantage(t: dict) -> Tuple[float, float]:
    """(bar, tick) on the chart's "× better" scale: an upper bound is budget / value against 1."""
    return (t["target"] / t["value"], 1.0) if t.get("upper") else (t["value"], t["target"])


def chart(targets: List[dict], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 0.62 * len(targets) + 1.6), dpi=110)
    names = [t["short"] for t in targets][::-1]
    values = [advantage(t)[0] for t in targets][::-1]
    goals = [advantage(t)[1] for t in targets][::-1]
    colors = ["#2e7d32" if t["met"] else "#c62828" for t in targets[::-1]]
    ys = range(len(targets))
    ax.barh(ys, values, color=colors, height=0.55, zorder=2)
    for y, v, g, t in zip(ys, values, goals, targets[::-1]):
        ax.plot([g, g], [y - 0.38, y + 0.38], color="black", lw=2.2, zorder=3)
        got, want = fmt_target(t)
        ax.text(max(v, g) * 1.12, y, f"{got}  (target {want.replace('≥ ', '')})", va="center", fontsize=9)
    ax.set_xscale("log")
    ax.set_yticks(list(ys))
    ax.set_yticklabels(names, fontsize=9)
    lo = min(min(values), min(goals)) / 2
    hi = max(max(values), max(goals)) * 8
    ax.set_xlim(lo, hi)
    ax.axvline(1, color="#888", lw=0.8, ls=":", zorder=1)
    ax.grid(axis="x", which="major", color="#ddd", zorder=0)
    ax.set_xlabel("bedrock_customization's advantage (× better, log scale)\n"
                  "black tick = target; green = met, red = not met")
    ax.set_title("bedrock_customization vs the alternatives: achieved ratio and target", fontsize=11)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def table(headers: List[str], rows: List[List[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def existing_section(path: str, title: str) -> Optional[str]:
    if not os.path.exists(path):
        return None
    text = open(path).read()
    m = re.search(rf"(^## {re.escape(title)}.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    return m.group(1).rstrip() + "\n" if m else None


WAITERS_TITLE = "Waiting for 1,000 jobs at once"
CONNECTIONS_TITLE = "Connections under load"
PERF_LOG_TITLE = "Performance work"


def waiters_section(stdout: str) -> str:
    rows = [line for line in stdout.splitlines() if line.startswith("| ")]
    head = next((line for line in stdout.splitlines() if "concurrent waiters" in line), "")
    parsed = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        parsed[cells[0]] = cells
    text = [f"## {WAITERS_TITLE}", "",
            "`python bench/waiters.py --jobs 1000 --delay 1 --attempts 10 --boto3` (rerun by `bench/run.py`)", "",
            "Each job is polled ten times a second apart (`InProgress` every time) until its waiter gives up. "
            "boto3 has no Bedrock waiters, so its contender is what people write instead: a thread per job "
            "calling `get_model_customization_job` and `time.sleep`.", "", head, "", *rows, ""]
    ours = next((v for k, v in parsed.items() if k.startswith("bedrock_customization")), None)
    theirs = next((v for k, v in parsed.items() if k.startswith("boto3")), None)
    if ours and theirs:
        try:
            cpu = float(theirs[3]) / float(ours[3])
            text += [f"One process, {ours[6]} Python thread: the polling loops are timers on the Rust runtime, and "
                     "the Python side runs only to hand each response to the waiter. "
                     f"bedrock_customization's {ours[1]} s of wall time is the nine one-second delays plus request "
                     f"time; boto3's {theirs[6]} threads take {theirs[1]} s and {cpu:.0f}× the CPU for the same "
                     f"{theirs[2]} polls, because the {os.cpu_count()} cores saturate.", ""]
        except (ValueError, IndexError):
            pass
    return "\n".join(text)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter rounds (about 1.5 min); keeps the waiters section")
    parser.add_argument("--output", default=os.path.join(REPO, "BENCHMARKS.md"))
    parser.add_argument("--chart", default=os.path.join(HERE, "ratios.png"))
    parser.add_argument("--json", default="/tmp/bench-results.json", help="raw results")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles of targets not met")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    cfg = MODES[mode]
    log(f"{mode} run: {cfg}")

    # -- tools, environments --------------------------------------------------
    for package, binary in (("nginx-light", "nginx"), ("wrk", "wrk"), ("hyperfine", "hyperfine")):
        apt_install(package, binary)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian package wrk)")
    if not pip_module("matplotlib", "matplotlib"):
        raise SystemExit("matplotlib is needed for the chart")
    import bedrock_customization
    import boto3

    bc_dir = os.path.dirname(os.path.dirname(os.path.abspath(bedrock_customization.__file__)))
    PY["bc"] = ensure_venv("bc", ["python-dateutil"], pth=bc_dir)
    PY["python"] = PY["bcimport"] = PY["bc"]
    import botocore

    PY["boto3"] = ensure_venv("boto3", [f"boto3=={boto3.__version__}", f"botocore=={botocore.__version__}"])
    # this package where botocore is installed too: without a handler, and with one
    # botocore event handler registered on the client (issue 27's events path)
    PY["bcb"] = PY["bcevents"] = ensure_venv("bcb", ["python-dateutil", f"botocore=={botocore.__version__}"],
                                            pth=bc_dir)
    PY["aioboto3"] = ensure_venv("aioboto3", ["aioboto3"])
    PY["bccli"] = ensure_venv("bccli", [], pth=bc_dir)
    bc_cli = console_script(PY["bccli"])
    PY["awscli"] = ensure_venv("awscli", ["awscli"])
    aws = os.path.join(os.path.dirname(PY["awscli"]), "aws")
    try:
        PY["capo"] = ensure_venv("capo", CAPO_PACKAGES)
    except (OSError, subprocess.CalledProcessError) as e:
        log(f"capo-bedrock contender left out: {e}")
    PY["bare"] = ensure_bare(bc_dir)
    extra = [who for who in ("capo", "bare") if PY.get(who)]
    ENV.update(child_env())
    so_before, load_before = so_identity(), os.getloadavg()
    info, vers = machine(), versions()
    model = fixtures.service_model()
    results: Dict[str, Any] = {"mode": mode, "config": cfg, "machine": info, "versions": vers}

    with local_nginx.serve(routes(model)) as url:
        log(f"nginx on {url}")
        checks = parse_check(url, model)
        results["parse_check"] = checks
        results["aioboto3_differs"] = aioboto3_check(url)
        for c in checks:
            log(f"parse check: {c['title']}: {'equal' if c['equal'] else 'DIFFERENT ' + str(c['diffs'])}")
        results["answers"] = answers_check(url, model, extra)
        for who, a in results["answers"].items():
            diffs = sorted({d for c in a["calls"].values() for d in c["diffs"]})
            log(f"answers of {who} vs boto3: {'same data' if not diffs else 'DIFFERENT ' + str(diffs[:5])}")
        # warm the .pyc caches of every contender
        for kind in ("cold-bc", "cold-boto3", "cold-aioboto3", "cold-python"):
            contender(kind, url, 0)

        s = cfg["seconds"]
        job_url, list_url = url + JOB_PATH, url + LIST_PATH

        def run(kind: str, seconds: float = s):
            """One contender's measurement, or None when its venv could not be made."""
            return (lambda: contender(kind, url, seconds)) if PY.get(kind.partition("-")[2]) else None

        results["cold"] = rounds({
            "bc": run("cold-bc", 0),
            "bcb": run("cold-bcb", 0),
            "boto3": run("cold-boto3", 0),
            "aioboto3": run("cold-aioboto3", 0),
            "python": run("cold-python", 0),
        }, cfg["cold_runs"], "cold start and memory")
        results["sync"] = rounds({
            "bc": run("sync-bc"),
            "bcb": run("sync-bcb"),
            "bcevents": run("sync-bcevents"),
            "boto3": run("sync-boto3"),
            "capo": run("sync-capo"),
            "bare": run("sync-bare"),
            "wrk1": lambda: wrk(job_url, 1, s),
        }, cfg["rounds"], "sync get")
        results["list"] = rounds({
            "bc": run("list-bc"),
            "boto3": run("list-boto3"),
            "capo": run("list-capo"),
            "bare": run("list-bare"),
            "wrk1": lambda: wrk(list_url, 1, s),
        }, cfg["rounds"], "list page of 100")
        results["concurrent"] = rounds({
            "bc_async": run("async-bc"),
            "aioboto3": run("async-aioboto3"),
            "capo_async": run("async-capo"),
            "boto3_threads": run("threads-boto3"),
            "bc_threads": run("threads-bc"),
            "bare64": run("async-bare"),
            "wrk64": lambda: wrk(job_url, 64, s),
        }, cfg["rounds"], "64 in flight")

        common = ["get-model-customization-job", "--job-identifier", JOB_ID, "--endpoint-url", url, "--output", "json"]
        cli_cmds = {"bc": [bc_cli, *common], "aws": [aws, "bedrock", *common],
                    "bc_m": [PY["bc"], "-m", "bedrock_customization", *common]}
        outs = {k: subprocess.run(c, env=ENV, capture_output=True, text=True) for k, c in cli_cmds.items()}
        results["cli_identical"] = all(outs[k].stdout == outs["aws"].stdout and outs[k].returncode == 0
                                       for k in ("bc", "bc_m"))
        cli_times: Dict[str, List[float]] = {k: [] for k in cli_cmds}
        for r in range(cfg["cli_rounds"]):
            order = list(cli_cmds)
            for k in order[r % 3:] + order[: r % 3]:
                cli_times[k] += hyperfine_times(cli_cmds[k], cfg["cli_runs"])
            log(f"CLI: round {r + 1}/{cfg['cli_rounds']}")
        results["cli"] = cli_times

        # -- figures and targets ----------------------------------------------
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

        # -- profiles of what is not met -----------------------------------------
        profiles: Dict[str, Any] = {}
        missed = {t["key"] for t in targets if not t["met"]}
        if not args.no_profile:
            for key, kind in (("sync", "sync-bc"), ("async", "async-bc"), ("list", "list-bc")):
                if key in missed or (key == "sync" and missed & {"sync_wrk", "sync_boto3", "cpu_sync"}):
                    log(f"profiling {kind}")
                    profiles[key] = profile(kind, url, cfg["profile_s"])
            if "cold" in missed or "cli" in missed:
                log("import times")
                profiles["cold_imports"] = importtime(
                    [PY["bc"], "-c", "import bedrock_customization as bc; bc.client('bedrock', region_name='us-east-1',"
                     f" endpoint_url={url!r}, aws_access_key_id='t', aws_secret_access_key='t')"])
            if "cli" in missed:
                log("CLI breakdown")
                steps = {
                    "interpreter start-up and exit (`python -c pass`)": [PY["bccli"], "-c", "pass"],
                    "+ `import bedrock_customization`": [PY["bccli"], "-c", "import bedrock_customization"],
                    "+ `import bedrock_customization.cli`": [PY["bccli"], "-c", "import bedrock_customization.cli"],
                    "+ client, one call, JSON output (the whole CLI)": cli_cmds["bc"],
                    "`aws --version` (the AWS CLI's start-up, for scale)": [aws, "--version"],
                }
                profiles["cli_steps"] = {k: statistics.median(hyperfine_times(c, cfg["cli_runs"] * 2))
                                         for k, c in steps.items()}
                profiles["cli_imports"] = importtime([PY["bccli"], *cli_cmds["bc"]])
            if "memory" in missed:
                log("memory by mapping")
                profiles["smaps"] = {who: contender(f"smaps-{who}", url, 0)
                                     for who in ("python", "bcimport", "bc", "boto3")}

    results["profiles"] = profiles
    results["crashes"] = CRASHES
    load_after = os.getloadavg()
    so_after_figures = so_identity()
    if cfg["waiters"]:
        log("1,000 concurrent waiters (bench/waiters.py --boto3), about a minute")
        w = subprocess.run([sys.executable, os.path.join(HERE, "waiters.py"), "--jobs", "1000", "--delay", "1",
                            "--attempts", "10", "--boto3"], env=dict(ENV, PYTHONPATH=bc_dir), capture_output=True,
                           text=True)
        waiters = waiters_section(w.stdout) if w.returncode == 0 else None
        if waiters is None:
            log(f"waiters failed: {w.stderr[-2000:]}")
    else:
        waiters = None
    if waiters is None:
        waiters = existing_section(args.output, WAITERS_TITLE)
    connections = None
    if cfg["waiters"]:
        log("connections under load (bench/connections.py), about a minute")
        c = subprocess.run([sys.executable, os.path.join(HERE, "connections.py")], env=dict(ENV, PYTHONPATH=bc_dir),
                           capture_output=True, text=True)
        connections = c.stdout if c.returncode == 0 and CONNECTIONS_TITLE in c.stdout else None
        if connections is None:
            log(f"connections failed: {c.stderr[-2000:]}")
    if connections is None:
        connections = existing_section(args.output, CONNECTIONS_TITLE)
    results["so_changed"] = so_after_figures != so_before
    results["so_changed_in_waiters"] = so_identity() != so_after_figures
    results["load"] = (load_before, load_after)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1, default=str)

    chart(targets, args.chart)
    sections = "\n".join(section.rstrip() + "\n" for section in (waiters, connections) if section)
    write_report(args, results, targets, cold, mem, sync, lst, conc, cli, profiles, sections, so_before)
    log(f"wrote {os.path.relpath(args.output, REPO)} and {os.path.relpath(args.chart, REPO)} (raw: {args.json})")
    print(table(["figure", "bedrock_customization", "compared with", "ratio", "target", "met"],
                [[t["title"], t["ours"], t["theirs"], *target_cells(t),
                  "met" if t["met"] else "**not met**"] for t in targets]))


CONTENDER_NAMES = {"capo": "capo-bedrock", "bare": "bare-hyper"}


def answer_cell(c: Optional[dict]) -> str:
    if c is None:
        return "not called"
    if c["diffs"]:
        return f"**differs: {', '.join(c['diffs'][:4])}{' …' if len(c['diffs']) > 4 else ''}**"
    return "same data" + {"same": ", and the same ResponseMetadata", "none": " (no ResponseMetadata)",
                          "differs": " (**ResponseMetadata differs**)"}[c["metadata"]]


def answers_note(who: str, a: dict, vers: Dict[str, str]) -> str:
    """How a contender's results differ in form from boto3's, from answers_check()."""
    calls = list(a["calls"].values())
    renamed = Counter()
    wire: Dict[str, bool] = {}
    tz = set()
    for c in calls:
        renamed.update(c["renamed"])
        for m, union, _ in c["wire_names"]:
            wire[m] = wire.get(m, False) or union
        tz.update((w, g) for w, g, _ in c["tzinfo"])
    get = a["calls"][ANSWERS["get"][0]]
    parts = [f"results of type {', '.join('`' + t + '`' for t in a['types'])}"]
    if renamed:
        examples = ", ".join(f"`{k.replace(' → ', '` → `')}`" for k, _ in renamed.most_common(3))
        parts.append(f"member names in snake_case ({sum(get['renamed'].values())} renamed in the rftConfig get, "
                     f"e.g. {examples})")
        if wire:
            unions = [m for m, u in wire.items() if u]
            others = [m for m, u in wire.items() if not u]
            parts.append("but " + "; ".join(filter(None, [
                f"the members of unions keep their wire names ({', '.join('`' + m + '`' for m in unions)})"
                if unions else "",
                f"{', '.join('`' + m + '`' for m in others)} keep their wire names" if others else ""])))
    else:
        parts.append("boto3's member names")
    for w, g in sorted(tz):
        parts.append(f"datetimes with tzinfo `{g}`" + (f" where boto3's have `{w}`" if w != g else " as boto3's"))
    parts.append({"none": "no `ResponseMetadata`", "same": "the same `ResponseMetadata` (but the date)",
                  "differs": "a **different** `ResponseMetadata`"}[get["metadata"]])
    diffs = sorted({d for c in calls for d in c["diffs"]})
    what = ("the same data as boto3 in every member" if not diffs
            else f"**different data** from boto3 at {', '.join(diffs[:6])}")
    name = f"{CONTENDER_NAMES[who]} ({vers.get(who, '?')})"
    return (f"{name} returns {what}, compared member by member along the service model: "
            + "; ".join(parts) + "." + (" These are differences of representation, not of content."
                                        if not diffs and (renamed or any(w != g for w, g in tz)) else ""))


def write_report(args, results, targets, cold, mem, sync, lst, conc, cli, profiles, waiters, so_id) -> None:
    info, vers, cfg = results["machine"], results["versions"], results["config"]
    rel_chart = os.path.relpath(args.chart, os.path.dirname(os.path.abspath(args.output)))
    L: List[str] = []
    add = L.append
    add("# Benchmarks\n")
    add("Generated by `python bench/run.py`"
        + (" --quick" if results["mode"] == "quick" else "")
        + f" ({results['mode']} run: {cfg['rounds']} alternating rounds of {cfg['seconds']:g} s per throughput "
          f"figure, {cfg['cold_runs']} fresh processes for start-up and memory, "
          f"{cfg['cli_rounds']}×{cfg['cli_runs']} CLI processes per tool). Every figure is the median over the "
          "rounds; the contenders alternate within each round, so a burst of load elsewhere on the machine hits "
          "them alike. Benchmarks are never assertions in the test suite.\n")
    add("## Machine\n")
    load0, load1 = results["load"]
    add(table(["", ""], [
        ["CPU", f"{info['cpu']}, {info['cores']} cores"], ["memory", info["memory"]], ["OS", info["os"]],
        ["kernel", info["kernel"]], ["Python", info["python"]],
        ["bedrock_customization", f"{vers['bedrock_customization']} (git {git_head()}, _core sha256 {so_id}…, release build)"],
        ["boto3 contender", vers["boto3"]], ["aioboto3 contender", vers["aioboto3"]], ["AWS CLI contender", vers["awscli"]],
        ["capo-bedrock contender", vers["capo"]],
        ["bare-hyper contender", f"bench/bare with {vers['bare']}, release build" if PY.get("bare") else
         f"not run ({BARE_BUILD.get('error', 'not built')})"],
        ["server", f"{vers['nginx']}, 1 worker, on 127.0.0.1"], ["floor", vers["wrk"]],
        ["process timer", vers["hyperfine"]], ["profiler", vers["perf"]],
        ["load average (1 min) at start / after the profiles", f"{load0[0]:.2f} / {load1[0]:.2f}"],
    ]))
    add("")
    if results["so_changed"]:
        add("**Warning:** the Rust extension (`_core`) was rebuilt while this run was going on; figures may mix "
            "two builds. Run again.\n")
    elif results.get("so_changed_in_waiters"):
        add("Note: the Rust extension was rebuilt while the waiters section ran (after every other figure); "
            "that section may come from the newer build.\n")
    add("## Method\n")
    checks = results["parse_check"]
    add("* **Server.** `bench/local_nginx.py` starts Debian's nginx on a free 127.0.0.1 port with fixed "
        "answers (`bench/fixtures.py` builds them from the pinned service model, "
        "`codegen/model/service-2.json`): `GET /model-customization-jobs/{id}` is a "
        "GetModelCustomizationJob with **every member of the output shape filled in** (a union carries one member: "
        "`customizationConfig.rftConfig` with all of its hyper-parameters and a Lambda grader, "
        "`requestMetadataFilters.andAll`), `GET /model-customization-jobs` a page of 100 full summaries "
        "plus `nextToken`, `POST /model-customization-jobs` a 201 create and `POST .../stop` a 200 `{}`. The server "
        "ignores signatures, so it costs the same for every client.")
    add("* **Same answers.** Before timing, bedrock_customization and boto3 make each call against it and the "
        "results are compared (everything but the `date` header):\n")
    answers = results.get("answers", {})
    add(table(["response", "body", "HTTP", "members missing from the fixture", "bedrock_customization == boto3",
               *(f"{CONTENDER_NAMES[who]}: same data as boto3" for who in answers)],
              [[c["title"], f"{c['body_bytes']:,} B",
                c["status"], ", ".join(c["missing_members"]) or "none",
                "equal" if c["equal"] else "**differs: " + ", ".join(c["diffs"]) + "**",
                *(answer_cell(a["calls"].get(c["title"])) for a in answers.values())] for c in checks]))
    add("")
    for who, a in answers.items():
        add("  " + answers_note(who, a, vers))
    if answers:
        add("")
    if results["aioboto3_differs"]:
        add(f"  aioboto3 pins an older botocore ({vers['aioboto3']}), whose model does not know every member: it "
            f"returns {', '.join('`' + d + '`' for d in results['aioboto3_differs'])} differently from boto3 "
            "(for example a member it does not know as `SDK_UNKNOWN_MEMBER`), so it does a little less work per call "
            "than the others.")
    add("* **Contenders, each in a fresh process** (`bench/contenders.py`) and each in its own clean virtualenv "
        "under /tmp (no system site-packages, so nothing preloaded by another package's `.pth` favours one): "
        "bedrock_customization (this checkout via a `.pth`, with python-dateutil, which boto3 users always have "
        "and which makes its datetimes carry the same tzinfo as boto3's), boto3 at the system's version, aioboto3 "
        "(with the botocore it pins), capo-bedrock (pinned with its dependencies: "
        f"{', '.join('`' + p + '`' for p in CAPO_PACKAGES)}; `BedrockClient` / `AsyncBedrockClient` with "
        "`region`, `endpoint` and static `credentials` as constructor arguments, zapros's HTTP/1 pool sized like "
        "the others' (`max_connections_per_host` 10, 64 for the 64-in-flight figure)) and the AWS CLI v1. "
        "`.pyc` files are cached (in /tmp/bench-pycache) and warmed before timing. Credentials are fixed; config "
        "files are /dev/null.")
    add("* **bare-hyper** (`bench/bare/`, \"show the limit\") is the same request with a minimal Rust HTTP client "
        "and the same response walker: a small PyO3 extension of its own (not part of the package) that builds "
        "the GET bedrock_customization sends (same headers, SigV4-signed with `aws-sigv4` as the SDK's signer "
        "does: `host;x-amz-date;x-amz-user-agent`) and sends it with hyper-util's pooled HTTP/1 client on a "
        "current-thread tokio runtime owned by the client, on the calling thread with the GIL released, one "
        "keep-alive connection; each response goes to `bedrock_customization._core._parse_output`, the "
        "package's own walker, so it returns the very dict a real call does. None of the AWS SDK's machinery "
        "(interceptors, config bag, retry, endpoint rules, identity cache, the hand-off to a worker thread) is "
        "there, so the gap between bedrock_customization and bare-hyper is **the cost of the SDK path over the "
        "bare minimum**. Its 64-in-flight figure is `get_many`: "
        f"{next((r.get('batch') for r in results['concurrent'].get('bare64', [])), 256)} requests 64 at a time on "
        "its runtime, then the walker on each (nothing is in flight while Python walks; there is no asyncio client). "
        + (f"`bench/run.py` builds it ({BARE_BUILD['command']}, {BARE_BUILD['seconds']:.0f} s this run) into a "
           "venv of its own with this checkout's `.pth` and python-dateutil, and rebuilds it when its sources change."
           if BARE_BUILD.get("command") else
           "`bench/run.py` builds it with `maturin build --release` (target dir `bench/bare/target`) into a venv "
           "of its own with this checkout's `.pth` and python-dateutil, when its sources change (this run used "
           "the build already there)." if PY.get("bare") else
           f"**Not run this time**: {BARE_BUILD.get('error', 'it could not be built')}."))
    add(f"* **Throughput** figures run {cfg['seconds']:g} s after a 0.3 s warm-up on one client; *CPU µs per "
        "call* is the process's CPU time (all threads) over the calls made. The **wire floor** is "
        "`wrk -t1 -c1` / `-c64` on the same path: what the server and loopback can do with no client-side work; "
        "its CPU µs per call is wrk's own (user + system time of the wrk process, from `getrusage` of the "
        "harness's children, over the requests it made), not the server's.")
    add("* **Cold start** is measured inside a fresh process from before the import to after the client exists; "
        "**memory** is that process's VmHWM (peak RSS) at the same moment. **CLI** figures are whole processes "
        "timed by hyperfine (`-N`, no shell), rounds alternating between the two tools; the two print "
        + ("identical output." if results["cli_identical"] else "**different** output (see the raw results)."))
    add("")
    add("## Results against the targets\n")
    add(table(["figure", "bedrock_customization", "compared with", "ratio", "target", "met"],
              [[t["title"], t["ours"], t["theirs"], *target_cells(t),
                "met" if t["met"] else "**not met**"] for t in targets]))
    add("")
    add(f"![achieved ratio against target for each figure]({rel_chart})\n")
    add("## All figures\n")

    def row(runs, key, scale=1.0, fmt="{:,.0f}"):
        lo, hi = spread(runs, key)
        m = med(runs, key)
        return fmt.format(m * scale), f"{fmt.format(lo * scale)} – {fmt.format(hi * scale)}"

    R = results
    add("### Sync get (`get_model_customization_job`, one thread, one connection)\n")
    names = {"bc": "bedrock_customization", "bcb": "bedrock_customization, botocore installed",
             "bcevents": "bedrock_customization, one botocore event handler registered",
             "boto3": "boto3", "capo": "capo-bedrock (BedrockClient)",
             "bare": "bare-hyper (hyper + the same walker, no SDK)", "wrk1": "wrk -t1 -c1 (floor; wrk's own CPU)"}
    add(table(["contender", "calls/s (median)", "min – max", "µs per call", "CPU µs per call", "vs boto3"],
              [[names[k], *row(v, "per_s"), f"{1e6 / sync[k]:.0f}",
                f"{med(v, 'cpu_us_per_call'):.0f}" if med(v, "cpu_us_per_call") else "–",
                f"{sync[k] / sync['boto3']:.1f}×"] for k, v in R["sync"].items()]))
    add("")
    list_bytes = next((c["body_bytes"] for c in results["parse_check"] if c["title"].startswith("List")), 0)
    add(f"### List page of 100 full summaries (`list_model_customization_jobs`, {list_bytes / 1024:.0f} KiB of JSON → "
        "dicts)\n")
    names = {"bc": "bedrock_customization", "boto3": "boto3", "capo": "capo-bedrock (BedrockClient)",
             "bare": "bare-hyper (hyper + the same walker, no SDK)",
             "wrk1": "wrk -t1 -c1 (floor: transfer only; wrk's own CPU)"}
    add(table(["contender", "ms per page (median)", "min – max", "pages/s", "CPU µs per page", "boto3 / this"],
              [[names[k], *row(v, "latency_ms", fmt="{:.2f}"), f"{1000 / lst[k]:,.0f}",
                f"{med(v, 'cpu_us_per_call'):,.0f}" if med(v, "cpu_us_per_call") else "–",
                f"{lst['boto3'] / lst[k]:.1f}×"] for k, v in R["list"].items()]))
    add("")
    add("### Get with 64 requests in flight\n")
    names = {"bc_async": "bedrock_customization async (64 tasks)", "aioboto3": "aioboto3 (64 tasks)",
             "capo_async": "capo-bedrock AsyncBedrockClient (64 tasks)",
             "boto3_threads": "boto3, 16 threads", "bc_threads": "bedrock_customization sync, 16 threads",
             "bare64": "bare-hyper get_many (64 in flight, then the walker; no SDK)",
             "wrk64": "wrk -t1 -c64 (floor; wrk's own CPU)"}
    add(table(["contender", "calls/s (median)", "min – max", "CPU µs per call", "vs aioboto3", "vs boto3 16 threads"],
              [[names[k], *row(v, "per_s"),
                f"{med(v, 'cpu_us_per_call'):.0f}" if med(v, "cpu_us_per_call") else "–",
                f"{conc[k] / conc['aioboto3']:.1f}×", f"{conc[k] / conc['boto3_threads']:.1f}×"]
               for k, v in R["concurrent"].items()]))
    add("")
    add("### Cold start and memory (fresh process, after import + client creation)\n")
    names = {"bc": "bedrock_customization", "bcb": "bedrock_customization, botocore installed",
             "boto3": "boto3", "aioboto3": "aioboto3 (client entered)", "python": "bare interpreter (no import)"}
    rows = []
    for k, v in R["cold"].items():
        imp = med(v, "import_s")
        rows.append([names[k], f"{cold[k] * 1000:.1f}", f"{imp * 1000:.1f}" if imp is not None else "–",
                     f"{med(v, 'first_call_s') * 1000:.1f}" if k != "python" else "–",
                     f"{mem[k]:.1f}", f"{med(v, 'hwm_after_call_mb'):.1f}",
                     f"{cold['boto3'] / cold[k]:.1f}×" if k != "python" else "–",
                     f"{mem['boto3'] / mem[k]:.2f}×"])
    add(table(["contender", "import + client ms", "of which import ms", "first call ms", "peak RSS MiB",
               "peak RSS after first call MiB", "boto3 / this (time)", "boto3 / this (memory)"], rows))
    add("")
    add("### CLI: one `get-model-customization-job`, whole process\n")
    names = {"bc": "`bedrock-customization get-model-customization-job ...` (console script; venv with only this "
                   "package, as `pipx install` gives)",
             "bc_m": "`python -m bedrock_customization get-model-customization-job ...` (the library venv, with "
                     "python-dateutil)",
             "aws": "`aws bedrock get-model-customization-job ...` (AWS CLI v1, its own venv)"}
    add(table(["command", "median ms", "min ms", "runs", "aws / this"],
              [[names[k], f"{cli[k] * 1000:.0f}", f"{min(v) * 1000:.0f}", len(v), f"{cli['aws'] / cli[k]:.1f}×"]
               for k, v in R["cli"].items()]))
    add("")
    add("The figure against the target is the console script's. Arguments: `--job-identifier bench-job "
        "--endpoint-url http://127.0.0.1:PORT --output json`; credentials and region from the environment.\n")
    missed = [t for t in targets if not t["met"]]
    if missed:
        add("## Where the time goes (targets not met)\n")
        add("Profiles of the bedrock_customization contender, taken by `bench/run.py` itself right after the "
            "figures above. " + ("Sampling uses perf with DWARF call stacks over **all** threads (the work runs "
                                "on the Rust runtime's threads, which py-spy does not see); each sample is put in "
                                "the first bucket whose code is on its stack, and kernel samples by what the "
                                "kernel was doing. glibc frames stop the unwinder, so malloc/memcpy samples "
                                "have no caller." if shutil.which("perf") else ""))
        add("")
        for key, title, cpu_runs in (("sync", "Sync get", R["sync"]["bc"]), ("async", "64 in flight (async)",
                                     R["concurrent"]["bc_async"]), ("list", "List page of 100", R["list"]["bc"])):
            p = profiles.get(key)
            if not p:
                continue
            cpu = med(cpu_runs, "cpu_us_per_call")
            add(f"### {title}: {p['samples']:,} samples, {p['tool']}\n")
            add(f"{cpu:,.0f} µs of CPU per call (all threads); by thread: "
                + ", ".join(f"{k} {v:.0%}" for k, v in p["threads"].items() if v >= 0.01) + ".\n")
            add(table(["where", "share of CPU samples", "≈ µs per call", "what it is"],
                      [[k, f"{v:.0%}", f"{v * cpu:,.0f}", BUCKET_NOTES.get(k, "")]
                       for k, v in p["buckets"].items() if v >= 0.01]))
            add("")
            sc = p.get("syscalls")
            if sc:
                add(f"System calls per request (`strace -f -c` for a second, {sc['requests']:,} requests; strace "
                    "slows the process, the counts per request are what matter): "
                    + ", ".join(f"{k} {v:.1f}" for k, v in sc["per_request"].items() if v >= 0.05)
                    + ". wrk needs about one write, one read and one epoll_wait per request.\n")
            og = p.get("origins")
            if og:
                add("Where the frequent system calls come from (perf tracepoints with call stacks, "
                    f"{og['requests']:,} requests):\n")
                add(table(["syscall", "per request", "called from (innermost first)"],
                          [[n, f"{v:.2f}", f"`{chain[:160]}`"] for n, chain, v in og["origins"] if v >= 0.1][:10]))
                add("")
            add("Hottest functions (self time):\n")
            add(table(["function [object]", "share"], [[f"`{k[:110]}`", f"{v:.1%}"] for k, v in p["leaves"].items()
                                                      if v >= 0.008][:10]))
            add("")
        if "cold_imports" in profiles and any(t["key"] == "cold" for t in missed):
            add("### Cold start\n")
            c = R["cold"]["bc"]
            add(f"Import {med(c, 'import_s') * 1000:.1f} ms + client creation "
                f"{(cold['bc'] - med(c, 'import_s')) * 1000:.1f} ms (medians). Largest imports "
                "(`python -X importtime`, cumulative):\n")
            add(table(["module", "ms"], [[f"`{m}`", f"{ms:.1f}"] for m, ms in profiles["cold_imports"][:8]]))
            add("")
        if "cli_steps" in profiles:
            add("### CLI\n")
            add("Whole-process medians (hyperfine), each step adding to the one before:\n")
            add(table(["process", "ms"], [[k, f"{v * 1000:.1f}"] for k, v in profiles["cli_steps"].items()]))
            add("")
            add(f"The target needs the whole CLI under {cli['aws'] / 10 * 1000:.0f} ms. Largest imports of the CLI "
                "process (`-X importtime`, cumulative):\n")
            add(table(["module", "ms"], [[f"`{m}`", f"{ms:.1f}"] for m, ms in profiles["cli_imports"][:8]]))
            add("")
        if "smaps" in profiles:
            add("### Memory\n")
            sm = profiles["smaps"]
            groups = sorted({g for v in sm.values() for g in v["groups_mb"]},
                            key=lambda g: -sm["bc"]["groups_mb"].get(g, 0))
            add("Resident memory after import + client, by mapping (MiB, `/proc/self/smaps`):\n")
            cols = ("python", "bcimport", "bc", "boto3")
            add(table(["mapping", "bare interpreter", "bedrock_customization, import only",
                       "bedrock_customization, import + client", "boto3, import + client"],
                      [[g, *(f"{sm[w]['groups_mb'].get(g, 0):.1f}" for w in cols)] for g in groups]
                      + [["**total RSS**", *(f"**{sm[w]['VmRSS']:.1f}**" for w in cols)]]))
            add("")
            add(f"The target needs bedrock_customization's peak under {mem['boto3'] / 3:.1f} MiB (a third of "
                f"boto3's {mem['boto3']:.1f}); the bare interpreter alone is {mem['python']:.1f} MiB.\n")
        add("### In short\n")
        for t in missed:
            note = in_short(t, profiles, R, cold, mem, sync, cli)
            got, want = fmt_target(t)
            add(f"* **{t['title']}** ({got}, target {want}): {note}")
        add("")
    if CRASHES:
        add("## Problems seen during this run\n")
        add("These processes printed their measurement and then died on the way out; their figures are kept "
            "above, and the crash is a bug to fix:\n")
        seen = Counter((c["command"], c["exit"], c["error"]) for c in CRASHES)
        add(table(["process", "exit status", "error", "times"],
                  [[f"`{cmd}`", code, f"`{err[:150]}`", n] for (cmd, code, err), n in seen.items()]))
        add("")
    if waiters:
        add(waiters.rstrip() + "\n")
    # The log of performance work is written by hand and kept from run to run.
    log_section = existing_section(args.output, PERF_LOG_TITLE)
    if log_section:
        add(log_section.rstrip() + "\n")
    with open(args.output, "w") as f:
        f.write("\n".join(L).rstrip() + "\n")


def in_short(t: dict, profiles: dict, R: dict, cold: dict, mem: dict, sync: dict, cli: dict) -> str:
    """One honest line per target not met, from this run's own numbers."""
    key = t["key"]
    pkey = {"sync_boto3": "sync", "sync_wrk": "sync", "cpu_sync": "sync"}.get(key, key)
    p = profiles.get(pkey) if pkey in ("sync", "async", "list") else None
    limit = ""
    if key == "cpu_sync":
        ours = med(R["sync"]["bc"], "cpu_us_per_call")
        bare = med(R["sync"]["bare"], "cpu_us_per_call") if "bare" in R["sync"] else None
        limit = (f" The budget is {t['target']:g} µs per call; bare-hyper (the same signed request through hyper "
                 f"and this package's response walker, no AWS SDK) takes {bare:.0f} µs, so about "
                 f"{ours - bare:.0f} µs of the {ours:.0f} µs is the SDK path around the walker."
                 if bare is not None else f" The budget is {t['target']:g} µs per call.")
        if not p:
            return limit.strip()
    if p:
        top = "; ".join(f"{name} {share:.0%}" for name, share in list(p["buckets"].items())[:4])
        extra = limit
        if key == "sync_wrk":
            extra = (f" wrk needs {1e6 / sync['wrk1']:.0f} µs per request on one connection, so half its rate "
                     f"means at most {2e6 / sync['wrk1']:.0f} µs per call; a call here takes "
                     f"{1e6 / sync['bc']:.0f} µs of wall time, so {1e6 / sync['bc'] - 2e6 / sync['wrk1']:.0f} µs "
                     "per call would have to go.")
        sc = p.get("syscalls")
        if sc:
            extra += (f" {sum(sc['per_request'].values()):.0f} system calls per request where wrk makes about 3 "
                      "(see the table of where they come from).")
        return f"largest shares of the CPU profile: {top}.{extra}"
    if key == "cold":
        c = R["cold"]["bc"]
        imp = med(c, "import_s")
        mods = ", ".join(f"`{m}` {ms:.1f} ms" for m, ms in profiles.get("cold_imports", [])[:3])
        return (f"{imp * 1000:.1f} ms of imports and {(cold['bc'] - imp) * 1000:.1f} ms of client creation; "
                f"largest imports: {mods}.")
    if key == "cli":
        steps = list(profiles.get("cli_steps", {}).values())
        if len(steps) >= 4:
            return (f"the target is {cli['aws'] / 10 * 1000:.0f} ms; the interpreter alone takes {steps[0] * 1000:.0f} ms, "
                    f"importing the package {max(steps[1] - steps[0], 0) * 1000:.0f} ms more, the CLI module "
                    f"{max(steps[2] - steps[1], 0) * 1000:.0f} ms more, and making the client, the one call and the "
                    f"output {max(steps[3] - steps[2], 0) * 1000:.0f} ms more (the first call's one-time set-up is in "
                    "the last step; see the first-call column of the cold-start table).")
    if key == "memory":
        sm = profiles.get("smaps")
        if sm:
            core = sum(v for g, v in sm["bc"]["groups_mb"].items() if g.startswith("bedrock_customization/_core"))
            return (f"the target is {mem['boto3'] / 3:.1f} MiB; the bare interpreter already takes "
                    f"{mem['python']:.1f} MiB, and the Rust extension's mapped pages are {core:.1f} MiB of "
                    f"bedrock_customization's {sm['bc']['VmRSS']:.1f} MiB.")
    return ""


if __name__ == "__main__":
    main()
