"""Profiling for bench/run.py: sampling the bedrock_customization contender while it
measures (perf with DWARF call stacks over all threads, or py-spy --native), sorting
the samples into buckets of where the time goes, counting system calls and where
they come from (strace, perf tracepoints), -X importtime, and profile_missed(), which
profiles what each target not met needs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

from measure import contender, hyperfine_times
from provision import CONTENDERS, ENV, PY, ensure_pyspy, log

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


def profile_missed(targets: List[dict], url: str, cfg: dict, cli_cmds: Dict[str, List[str]],
                   aws: str) -> Dict[str, Any]:
    """The profiles of the targets not met: CPU samples of the sync, async and list
    contenders, import times, the CLI's start-up by steps, memory by mapping."""
    profiles: Dict[str, Any] = {}
    missed = {t["key"] for t in targets if not t["met"]}
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
    return profiles
