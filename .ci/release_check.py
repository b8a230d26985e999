"""Checks of what a release publishes: the sdist and the wheels.

    python .ci/release_check.py [--install-sdist] WHEEL [WHEEL ...]

1. Builds the sdist (`maturin sdist`) into a temporary folder and checks that it holds
   everything a build from it alone needs (the crate, the generated tables, the Python
   package and its data files, the README, the licence).
2. `twine check --strict` on the sdist and the wheels (their metadata and README render
   as PyPI shows them); `check-wheel-contents` and `abi3audit` on each wheel (no stray
   or duplicate files; the extension uses only the stable ABI of CPython 3.9).
3. With `--install-sdist`: installs the sdist alone into a fresh venv (pip builds it
   with Rust; about 5 minutes on 2 cores) and smoke-tests it with .ci/wheel_smoke.py.

.ci/run runs 1 and 2 on its wheel; the release workflow runs all three. The tools are
pinned in constraints.txt; run this in a venv that has them.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)

#: What a build from the sdist alone needs (paths inside it, globs).
NEEDED = ("Cargo.toml", "Cargo.lock", "build.rs", "pyproject.toml", "README.md", "LICENSE", "src/lib.rs",
          "src/generated/*.rs", "python/bedrock_customization/__init__.py", "python/bedrock_customization/_core.pyi",
          "python/bedrock_customization/py.typed", "python/bedrock_customization/_service.json",
          "python/bedrock_customization/testing/foundation_models.json",
          "python/bedrock_customization/training_data/rules.json")


def tool(name: str) -> str:
    path = os.path.join(BIN, name)
    if not os.path.exists(path) and not os.path.exists(path + ".exe"):
        sys.exit(f"release_check: {name} is not installed in {BIN} (pip install -c constraints.txt {name})")
    return path


def run(args: list, **kwargs) -> str:
    print("$", " ".join(os.path.relpath(a, ROOT) if a.startswith(ROOT) else a for a in args), flush=True)
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, **kwargs)
    print(proc.stdout.rstrip(), flush=True)
    if proc.returncode != 0:
        sys.exit(f"release_check: {os.path.basename(args[0])} exited {proc.returncode}")
    return proc.stdout


def check_sdist(sdist: str) -> None:
    import fnmatch

    with tarfile.open(sdist) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    missing = [pattern for pattern in NEEDED if not fnmatch.filter(names, pattern)]
    if missing:
        sys.exit(f"release_check: {os.path.basename(sdist)} lacks {missing}")
    print(f"{os.path.basename(sdist)}: {len(names)} files, all of {len(NEEDED)} needed ones there", flush=True)


def main(argv: list) -> int:
    install = "--install-sdist" in argv
    wheels = [os.path.abspath(a) for a in argv if a != "--install-sdist"]
    if not wheels or not all(w.endswith(".whl") and os.path.isfile(w) for w in wheels):
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory(prefix="bc-release-") as tmp:
        run([tool("maturin"), "sdist", "--out", tmp], cwd=ROOT)
        (sdist,) = glob.glob(os.path.join(tmp, "*.tar.gz"))
        check_sdist(sdist)
        run([tool("twine"), "check", "--strict", sdist, *wheels])
        for wheel in wheels:
            run([tool("check-wheel-contents"), wheel])
            run([tool("abi3audit"), "--strict", "--verbose", wheel])
        if install:
            run([sys.executable, os.path.join(ROOT, ".ci", "wheel_smoke.py"), sdist])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
