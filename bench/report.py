"""The report of bench/run.py: the machine and the versions of everything measured,
BENCHMARKS.md (its tables, notes and the sections kept from the previous file) and
the chart of achieved ratios against targets (bench/ratios.png).
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
from collections import Counter
from typing import Dict, List, Optional, Tuple

from measure import ANSWERS, CRASHES, med, spread
from profiling import BUCKET_NOTES
from provision import BARE_BUILD, BARE_DIR, CAPO_PACKAGES, ENV, PY, REPO

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
TRAINING_DATA_TITLE = "Checking training data"
DIST_TITLE = "Distribution build"
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

