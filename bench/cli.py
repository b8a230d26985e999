"""One `get-model-customization-job` from the shell: this package's CLI vs the AWS CLI.

Each run is a whole process (start-up, argument parsing, credentials, one
signed HTTP request to a static nginx on loopback, JSON output), timed with
`time.perf_counter` around `subprocess.run`; the median of N runs is reported.
The outputs of the two tools are checked to be identical first.

    python bench/cli.py [--runs 20] [--aws /tmp/awscli-venv/bin/aws]

The AWS CLI v1 is installed into its own venv (default /tmp/awscli-venv) when missing.
"""

from __future__ import annotations

import argparse
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


def ensure_aws(path: str) -> str:
    if not os.path.exists(path):
        venv = os.path.dirname(os.path.dirname(path))
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", "awscli"], check=True)
    return path


def timed(cmd, env, runs):
    times = []
    out = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if p.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed ({p.returncode}): {p.stderr}")
        out = p.stdout
    return statistics.median(times), min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--aws", default="/tmp/awscli-venv/bin/aws")
    parser.add_argument("--output", default="json", choices=("json", "text", "table"))
    args = parser.parse_args()
    aws = ensure_aws(args.aws)
    env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    routes = {"~ ^/model-customization-jobs/[^/]+$": (200, JOB)}
    with local_nginx.serve(routes) as url:
        common = ["get-model-customization-job", "--job-identifier", "bench-job", "--endpoint-url", url,
                  "--output", args.output]
        ours_cmd = [sys.executable, "-m", "bedrock_customization", *common]
        aws_cmd = [aws, "bedrock", *common]
        # warm-up (page cache, .pyc files), then the timed runs
        timed(ours_cmd, env, 2)
        timed(aws_cmd, env, 2)
        ours = timed(ours_cmd, env, args.runs)
        theirs = timed(aws_cmd, env, args.runs)
    if ours[2] != theirs[2]:
        raise SystemExit(f"outputs differ:\n--- ours\n{ours[2]}\n--- aws\n{theirs[2]}")
    print(f"get-model-customization-job --output {args.output}, median of {args.runs} process runs (static nginx)")
    print("| tool | median ms | min ms |")
    print("| --- | --- | --- |")
    print(f"| bedrock-customization (python -m) | {ours[0] * 1000:.0f} | {ours[1] * 1000:.0f} |")
    print(f"| aws (AWS CLI v1) | {theirs[0] * 1000:.0f} | {theirs[1] * 1000:.0f} |")
    print(f"ratio: the AWS CLI takes {theirs[0] / ours[0]:.1f}x as long (outputs identical)")


if __name__ == "__main__":
    main()
