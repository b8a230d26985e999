"""1,000 concurrent waiters: how much one process pays to wait for many jobs.

Starts a static nginx on loopback whose GetModelCustomizationJob answers
`InProgress`, then waits on N jobs at once until each waiter gives up after
MaxAttempts polls. Reports wall time, polls served, CPU time and peak RSS of the
waiting process, for this package's async waiters and (optionally) for boto3,
which has no Bedrock waiters: a thread per job polling with `time.sleep`.

    python bench/waiters.py [--jobs 1000] [--delay 1.0] [--attempts 10] [--boto3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_nginx  # noqa: E402

JOB = {
    "jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1/abcdef123456",
    "jobName": "bench-job",
    "outputModelName": "bench-model",
    "roleArn": "arn:aws:iam::123456789012:role/r",
    "status": "InProgress",
    "creationTime": "2026-01-02T03:04:05Z",
    "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1",
    "trainingDataConfig": {"s3Uri": "s3://bucket/train.jsonl"},
    "validationDataConfig": {"validators": []},
    "outputDataConfig": {"s3Uri": "s3://bucket/out/"},
}

CHILD = r"""
import asyncio, json, os, resource, sys, threading, time
url, jobs, delay, attempts, kind = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
creds = dict(region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
polls = [0]
lock = threading.Lock()
def count(_):
    with lock:
        polls[0] += 1
t0, c0 = time.monotonic(), time.process_time()
if kind == "bc":
    import bedrock_customization as bc
    async def main():
        client = bc.async_client("bedrock", endpoint_url=url, **creds, config=bc.Config(max_pool_connections=jobs))
        waiter = client.get_waiter("model_customization_job_completed")
        results = await asyncio.gather(*[
            waiter.wait(jobIdentifier=f"job-{i}", WaiterConfig={"Delay": delay, "MaxAttempts": attempts}, on_poll=count)
            for i in range(jobs)], return_exceptions=True)
        return sum(1 for r in results if type(r).__name__ == "WaiterError")
    finished = asyncio.run(main())
    threads = threading.active_count()
else:
    import boto3, botocore.config
    client = boto3.client("bedrock", endpoint_url=url, **creds, config=botocore.config.Config(max_pool_connections=jobs))
    done = [0]
    def wait(i):
        for _ in range(attempts):
            r = client.get_model_customization_job(jobIdentifier=f"job-{i}")
            count(r)
            if r["status"] != "InProgress":
                return
            time.sleep(delay)
        with lock:
            done[0] += 1
    workers = [threading.Thread(target=wait, args=(i,)) for i in range(jobs)]
    for w in workers: w.start()
    threads = threading.active_count()
    for w in workers: w.join()
    finished = done[0]
print(json.dumps({
    "wall_s": time.monotonic() - t0, "cpu_s": time.process_time() - c0, "polls": polls[0],
    "gave_up": finished, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "threads": threads,
}))
"""


def run(kind: str, url: str, args) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(args.jobs), str(args.delay), str(args.attempts), kind],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--boto3", action="store_true", help="also run boto3 with a thread per job")
    args = parser.parse_args()
    routes = {"~ ^/model-customization-jobs/[^/]+$": (200, JOB)}
    with local_nginx.serve(routes) as url:
        results = {"bedrock_customization (async waiters)": run("bc", url, args)}
        if args.boto3:
            results["boto3 (thread per job)"] = run("boto3", url, args)
    print(f"{args.jobs} concurrent waiters, Delay {args.delay} s, MaxAttempts {args.attempts}, {os.cpu_count()} cores")
    print("| contender | wall s | polls | CPU s | CPU s per 1,000 polls | peak RSS MB | Python threads |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        per = r["cpu_s"] / max(r["polls"], 1) * 1000
        print(f"| {name} | {r['wall_s']:.1f} | {r['polls']} | {r['cpu_s']:.2f} | {per:.2f} | {r['peak_rss_mb']:.0f} | {r['threads']} |")


if __name__ == "__main__":
    main()
