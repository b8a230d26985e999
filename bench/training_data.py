"""Checking training data: how fast ``bc.training_data.check`` reads a large dataset,
against how fast the disk gives it, and the memory it takes.

Writes a JSONL fine-tuning dataset of ``--mib`` MiB (prompt/completion records of
about 600 bytes, Titan Text Express's format) in a temporary folder, then measures,
each ``--rounds`` times (the median is reported):

- the disk: reading the file in 1 MiB chunks, its pages dropped from the page cache
  first (``posix_fadvise(DONTNEED)``: the read comes from the device), and again
  from the page cache;
- ``check(path)`` the same two ways, and ``check(open file)`` (chunks read in Python,
  fed to the core);
- the peak RSS of a fresh process that imports the package and checks the file,
  against one that only imports it (memory flat in the file's size).

    python bench/training_data.py [--mib 1024] [--rounds 3]

Prints a Markdown section (bench/run.py puts it into BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, List

TITLE = "Checking training data"
BASE_MODEL = "amazon.titan-text-express-v1"


def write_dataset(path: str, mib: int) -> int:
    records = []
    for i in range(1000):
        prompt = f"Summarize support ticket #{i} for the on-call engineer: " + "the printer on floor 3 is jammed again. " * 9
        records.append(json.dumps({"prompt": prompt, "completion": f"Printer jam on floor {i % 7}; " + "escalate. " * 8}))
    block = ("\n".join(records) + "\n").encode()
    with open(path, "wb") as f:
        written = 0
        while written < mib << 20:
            f.write(block)
            written += len(block)
    return written


def drop_cache(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def read_all(path: str) -> None:
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass


def timed(run: Callable[[], object], path: str, cold: bool, rounds: int) -> float:
    times: List[float] = []
    for _ in range(rounds):
        if cold:
            drop_cache(path)
        else:
            read_all(path)
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss(code: str) -> int:
    """Peak RSS (KiB) of a fresh process running ``code``."""
    out = subprocess.run([sys.executable, "-c", code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import bedrock_customization as bc

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.jsonl")
        size = write_dataset(path, args.mib)
        findings = bc.training_data.check(path, base_model=BASE_MODEL)
        records = findings.records

        def check_file() -> None:
            with open(path, "rb") as f:
                bc.training_data.check(f, base_model=BASE_MODEL)

        rows = []
        for label, run, cold in (
            ("read the file (1 MiB chunks), from the device", lambda: read_all(path), True),
            ("read the file (1 MiB chunks), from the page cache", lambda: read_all(path), False),
            ("`check(path)`, from the device", lambda: bc.training_data.check(path, base_model=BASE_MODEL), True),
            ("`check(path)`, from the page cache", lambda: bc.training_data.check(path, base_model=BASE_MODEL), False),
            ("`check(open(path, 'rb'))`, from the page cache", check_file, False),
        ):
            seconds = timed(run, path, cold, args.rounds)
            rows.append((label, seconds, size / seconds / 1e6))
        code = "import bedrock_customization as bc, bedrock_customization.training_data"
        base = peak_rss(code)
        checked = peak_rss(code + f"\nbc.training_data.check({path!r}, base_model={BASE_MODEL!r})")

    print(f"## {TITLE}\n")
    print(f"`python bench/training_data.py --mib {args.mib} --rounds {args.rounds}`: a {size / 2**30:.2f} GiB JSONL "
          f"fine-tuning dataset ({records:,} prompt/completion records of about {size // max(records, 1)} bytes, "
          f"for {BASE_MODEL}), checked with `bc.training_data.check`; each figure the median of {args.rounds} rounds. "
          "\"From the device\": the file's pages dropped from the page cache first (`posix_fadvise(DONTNEED)`).\n")
    print("| what | seconds | MB/s |\n| --- | --- | --- |")
    for label, seconds, rate in rows:
        print(f"| {label} | {seconds:.2f} | {rate:,.0f} |")
    print(f"\nPeak RSS of a fresh process that imports the package: {base / 1024:.1f} MiB; that also checks the "
          f"{size / 2**30:.2f} GiB file: {checked / 1024:.1f} MiB (+{(checked - base) / 1024:.1f} MiB).\n")
    print("The record checks run in the Rust core (`src/training_data.rs`) with the GIL released, reading the file "
          "in 4 MiB chunks, each split at line ends among the CPUs (2 here): each line is decoded, parsed (serde_json) "
          "and checked against the base model's format; a file object is read in Python in 4 MiB chunks and fed to the "
          "same checks. Memory: one chunk, and at most 20 findings of a rule. "
          "Before that, in pure Python (json + the same checks), a 100 MiB file checked at about 120 MB/s from the "
          "page cache on this machine.")


if __name__ == "__main__":
    main()
