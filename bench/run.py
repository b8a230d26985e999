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
  bench/connections.py for connections under load and bench/training_data.py for
  checking a 1 GiB dataset; a quick run keeps those
  sections of the existing BENCHMARKS.md.

Run it from a checkout after `maturin develop --release` and
`pip install -r tests/requirements.txt` (boto3 parses the bodies for the check of
the answers in this process). Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from typing import Any, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fixtures  # noqa: E402
import local_nginx  # noqa: E402
from measure import (CRASHES, aioboto3_check, answers_check, contender, figures, hyperfine_times,  # noqa: E402
                     parse_check, rounds, wrk)
from profiling import profile_missed  # noqa: E402
from provision import (CAPO_PACKAGES, ENV, JOB_ID, JOB_PATH, LIST_PATH, PY, REPO, apt_install, child_env,  # noqa: E402
                       console_script, ensure_bare, ensure_venv, log, pip_module, routes)
from report import (CONNECTIONS_TITLE, DIST_TITLE, TRAINING_DATA_TITLE, WAITERS_TITLE, chart, existing_section, machine, so_identity,  # noqa: E402
                    table, target_cells, versions, waiters_section, write_report)

# The work is done in provision.py (tools, virtualenvs, the server's answers), measure.py
# (contenders, rounds, figures and targets), profiling.py (where the time goes) and
# report.py (BENCHMARKS.md and the chart); this file parses the command line and runs them.

MODES = {
    "full": dict(rounds=5, seconds=2.0, cold_runs=10, cli_rounds=3, cli_runs=5, profile_s=3.0, waiters=True),
    "quick": dict(rounds=3, seconds=0.6, cold_runs=5, cli_rounds=2, cli_runs=3, profile_s=1.5, waiters=False),
}


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
        cold, mem, sync, lst, conc, cli, targets = figures(results)

        # -- profiles of what is not met -----------------------------------------
        profiles: Dict[str, Any] = {}
        if not args.no_profile:
            profiles = profile_missed(targets, url, cfg, cli_cmds, aws)

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
    # Sections of their own, each a script printing its Markdown (a quick run keeps the last ones).
    extra = []
    for script, title, what in (("connections.py", CONNECTIONS_TITLE, "connections under load, about a minute"),
                                ("training_data.py", TRAINING_DATA_TITLE, "checking a 1 GiB dataset, about a minute")):
        section = None
        if cfg["waiters"]:
            log(f"{what} (bench/{script})")
            c = subprocess.run([sys.executable, os.path.join(HERE, script)], env=dict(ENV, PYTHONPATH=bc_dir),
                               capture_output=True, text=True)
            section = c.stdout if c.returncode == 0 and title in c.stdout else None
            if section is None:
                log(f"{script} failed: {c.stderr[-2000:]}")
        extra.append(section or existing_section(args.output, title))
    # bench/dist.py compares built wheels (the dist profile's takes minutes to build): run by hand, kept here
    extra.append(existing_section(args.output, DIST_TITLE))
    results["so_changed"] = so_after_figures != so_before
    results["so_changed_in_waiters"] = so_identity() != so_after_figures
    results["load"] = (load_before, load_after)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1, default=str)

    chart(targets, args.chart)
    sections = "\n".join(section.rstrip() + "\n" for section in (waiters, *extra) if section)
    write_report(args, results, targets, cold, mem, sync, lst, conc, cli, profiles, sections, so_before)
    log(f"wrote {os.path.relpath(args.output, REPO)} and {os.path.relpath(args.chart, REPO)} (raw: {args.json})")
    print(table(["figure", "bedrock_customization", "compared with", "ratio", "target", "met"],
                [[t["title"], t["ours"], t["theirs"], *target_cells(t),
                  "met" if t["met"] else "**not met**"] for t in targets]))


if __name__ == "__main__":
    main()
