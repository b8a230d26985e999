"""One `get-model-customization-job` from the shell: this package's CLI vs the AWS CLI.

Each run is a whole process (interpreter start-up, argument parsing,
credentials, one signed HTTP request to a static nginx on loopback, JSON
output, exit), timed with `time.perf_counter` around `subprocess.run`; the
runs of the tools alternate, and the median of N runs each is reported. The
outputs are checked to be identical to the AWS CLI's.

    python bench/cli.py [--runs 20] [--aws /tmp/awscli-venv/bin/aws] [--output json]

The AWS CLI v1 runs as installed by pip into its own venv (default
/tmp/awscli-venv, created when missing). This package's CLI runs two ways:

- `bedrock-customization` in a venv made the same way from the same
  interpreter (default /tmp/bc-cli-venv; the package is put on its path with a
  .pth file to this work tree, as an editable install does, and the console
  script is the wrapper pip writes): the like-for-like comparison;
- `python -m bedrock_customization` with this interpreter as it is. Its
  site-packages may run .pth files at every start-up that the venvs do not
  (on this project's machines a sandbox .pth imports certifi: ~25 ms); the
  `python -c pass` rows show each interpreter's own start-up.

pip byte-compiles what it installs, so the AWS CLI runs from .pyc files; this
package's modules are byte-compiled the same way first (`compileall`; a no-op
when the caches are current), since with PYTHONDONTWRITEBYTECODE set nothing
would ever write them.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_nginx  # noqa: E402
from waiters import JOB  # noqa: E402

JOB = dict(JOB, status="Completed", endTime="2026-01-02T05:06:07.123Z", hyperParameters={"epochCount": "2"},
           trainingMetrics={"trainingLoss": 0.125})

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_PARENT = os.path.join(ROOT, "python")

# What pip writes for a [project.scripts] entry point.
CONSOLE_SCRIPT = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from bedrock_customization.cli import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""


def ensure_aws(path: str) -> str:
    if not os.path.exists(path):
        venv = os.path.dirname(os.path.dirname(path))
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", "awscli"], check=True)
    return path


def ensure_cli_venv(venv: str) -> str:
    """A venv of this interpreter with the work tree's package on its path and
    pip's console-script wrapper; returns the script."""
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(purelib, "bedrock_customization.pth"), "w") as f:
        f.write(PACKAGE_PARENT + "\n")
    script = os.path.join(venv, "bin", "bedrock-customization")
    with open(script, "w") as f:
        f.write(CONSOLE_SCRIPT.format(python=python))
    os.chmod(script, 0o755)
    return script


def timed(commands, env, runs):
    """commands: name -> argv. Alternates the commands run by run; returns
    name -> (median s, min s, stdout of the last run)."""
    times = {name: [] for name in commands}
    outs = {}
    for _ in range(runs):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            p = subprocess.run(cmd, env=env, capture_output=True, text=True)
            times[name].append(time.perf_counter() - t0)
            if p.returncode != 0:
                raise SystemExit(f"{name} failed ({p.returncode}): {p.stderr}")
            outs[name] = p.stdout
    return {name: (statistics.median(t), min(t), outs[name]) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--aws", default="/tmp/awscli-venv/bin/aws")
    parser.add_argument("--venv", default="/tmp/bc-cli-venv", help="the venv for this package's console script")
    parser.add_argument("--output", default="json", choices=("json", "text", "table"))
    args = parser.parse_args()
    aws = ensure_aws(args.aws)
    script = ensure_cli_venv(args.venv)
    compileall.compile_dir(os.path.join(PACKAGE_PARENT, "bedrock_customization"), quiet=1)
    env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    routes = {"~ ^/model-customization-jobs/[^/]+$": (200, JOB)}
    with local_nginx.serve(routes) as url:
        common = ["get-model-customization-job", "--job-identifier", "bench-job", "--endpoint-url", url,
                  "--output", args.output]
        commands = {
            "bedrock-customization (venv, console script)": [script, *common],
            "python -m bedrock_customization (this interpreter)": [sys.executable, "-m", "bedrock_customization",
                                                                  *common],
            "aws bedrock (AWS CLI v1, venv)": [aws, "bedrock", *common],
        }
        timed(commands, env, 2)  # warm-up (page cache)
        results = timed(commands, env, args.runs)
        starts = timed({"python -c pass (venv)": [os.path.join(args.venv, "bin", "python"), "-c", "pass"],
                        "python -c pass (this interpreter)": [sys.executable, "-c", "pass"]}, env, args.runs)
    theirs = results["aws bedrock (AWS CLI v1, venv)"]
    for name, (_, _, out) in results.items():
        if out != theirs[2]:
            raise SystemExit(f"outputs differ:\n--- {name}\n{out}\n--- aws\n{theirs[2]}")
    print(f"get-model-customization-job --output {args.output}, median of {args.runs} process runs "
          f"(static nginx on loopback; outputs identical)")
    print("| command | median ms | min ms | AWS CLI / this (median) |")
    print("| --- | --- | --- | --- |")
    for name, (median, low, _) in results.items():
        ratio = "" if name.startswith("aws") else f"{theirs[0] / median:.1f}x"
        print(f"| {name} | {median * 1000:.0f} | {low * 1000:.0f} | {ratio} |")
    for name, (median, low, _) in starts.items():
        print(f"| {name} | {median * 1000:.0f} | {low * 1000:.0f} | |")


if __name__ == "__main__":
    main()
