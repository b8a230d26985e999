"""Distribution build: the published wheel (Cargo profile `dist`) against the test build's
(profile `ci`, what .ci/run builds and tests), and optionally others.

    python bench/dist.py LABEL=WHEEL [LABEL=WHEEL ...] [--runs 20]

For each wheel: its size and its extension's; then, in a fresh venv with only that wheel
installed, over ``--runs`` fresh processes each (the median is reported, the wheels
alternating within each round): the time to ``import bedrock_customization`` (the
process's wall time minus an empty interpreter's), and the peak RSS after import and
``bc.client("bedrock", ...)``. Prints a Markdown section (BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from typing import Dict, List

TITLE = "Distribution build"

RSS = (
    "import resource, bedrock_customization as bc\n"
    "c = bc.client('bedrock', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def wall(python: str, code: str) -> float:
    start = time.perf_counter()
    subprocess.run([python, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheels", nargs="+", metavar="LABEL=WHEEL")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    wheels = dict(w.split("=", 1) for w in args.wheels)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    os.environ.clear()
    os.environ.update(env)
    with tempfile.TemporaryDirectory(prefix="bc-dist-") as tmp:
        pythons: Dict[str, str] = {}
        for label, wheel in wheels.items():
            venv = os.path.join(tmp, label)
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            python = os.path.join(venv, "bin", "python")
            subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                            wheel], check=True)
            pythons[label] = python
        imports: Dict[str, List[float]] = {label: [] for label in wheels}
        rss: Dict[str, List[int]] = {label: [] for label in wheels}
        for _ in range(args.runs):
            for label, python in pythons.items():
                empty = wall(python, "pass")
                imports[label].append(wall(python, "import bedrock_customization") - empty)
                out = subprocess.run([python, "-c", RSS], check=True, capture_output=True, text=True).stdout
                rss[label].append(int(out.split()[-1]))

    print(f"## {TITLE}\n")
    print(f"`python bench/dist.py {' '.join(repr(f'{k}=…') for k in wheels)} --runs {args.runs}`: each wheel installed "
          "alone in a fresh venv; import time is a fresh process's wall time for `import bedrock_customization` "
          "minus an empty interpreter's, peak RSS is after import and `bc.client(\"bedrock\", ...)`; medians of "
          f"{args.runs} rounds, the wheels alternating within each round.\n")
    print("| build | wheel | extension (`_core.abi3.so`) | import | peak RSS after import + client |")
    print("| --- | --- | --- | --- | --- |")
    for label, wheel in wheels.items():
        with zipfile.ZipFile(wheel) as z:
            so = sum(i.file_size for i in z.infolist() if i.filename.endswith(".so"))
        print(f"| {label} | {os.path.getsize(wheel) / 2**20:.1f} MiB | {so / 2**20:.1f} MiB | "
              f"{statistics.median(imports[label]) * 1000:.1f} ms | {statistics.median(rss[label]) / 1024:.1f} MiB |")


if __name__ == "__main__":
    main()
