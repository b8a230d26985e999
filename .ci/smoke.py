"""Smoke test of a built wheel on the oldest and newest Pythons pyenv has.

    python .ci/smoke.py target/ci-wheels/bedrock_customization-*.whl

First the extension's needs are checked against manylinux2014 (glibc symbol versions,
linked libraries). Then, for each of those interpreters, .ci/wheel_smoke.py's checks
(the release workflow's, on every platform): a new venv (no system site-packages), the
wheel installed alone, then import, a client, calls against a local Bedrock run by
that interpreter, and the CLI's ``--version``. Exits non-zero, naming the interpreter,
at the first failure; a missing pyenv is a failure too.
"""

from __future__ import annotations

import glob
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wheel_smoke  # noqa: E402  (the checks themselves: the release workflow's, on every platform)
from wheel_smoke import run  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIRES_PYTHON = (3, 9)  # pyproject.toml's requires-python

def pythons() -> list:
    """(version, path) of the oldest and newest pyenv Pythons the package supports."""
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = []
    for exe in glob.glob(os.path.join(root, "versions", "*", "bin", "python3")):
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", os.path.basename(os.path.dirname(os.path.dirname(exe))))
        if m and tuple(map(int, m.groups()))[:2] >= REQUIRES_PYTHON:
            found.append((tuple(map(int, m.groups())), exe))
    if len(found) < 2:
        sys.exit(f"smoke: need at least two Pythons >= {REQUIRES_PYTHON} under {root}/versions, found {found}")
    found.sort()
    return [found[0], found[-1]]


def check_glibc(wheel: str) -> str:
    """The newest glibc symbol version the extension needs; exits when it is above 2.17
    (manylinux2014), or when it links anything but glibc's own libraries."""
    import zipfile

    with tempfile.TemporaryDirectory(prefix="bc-wheel-") as tmp:
        with zipfile.ZipFile(wheel) as z:
            names = [n for n in z.namelist() if n.endswith(".so")]
            z.extractall(tmp, names)
        newest = (0,)
        for name in names:
            dump = run(["objdump", "-T", "-p", os.path.join(tmp, name)])
            for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", dump):
                newest = max(newest, tuple(map(int, v.split("."))))
            needed = set(re.findall(r"NEEDED\s+(\S+)", dump))
            extra = needed - {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
                              "ld-linux-x86-64.so.2", "libgcc_s.so.1"}
            if extra:
                sys.exit(f"smoke: {name} links {sorted(extra)}, which manylinux2014 does not provide")
    if newest > (2, 17):
        sys.exit(f"smoke: the extension needs glibc {'.'.join(map(str, newest))}, above manylinux2014's 2.17")
    return ".".join(map(str, newest))


def main() -> int:
    if len(sys.argv) != 2 or not sys.argv[1].endswith(".whl"):
        sys.exit(__doc__)
    wheel = os.path.abspath(sys.argv[1])
    print(f"{os.path.basename(wheel)}: needs glibc {check_glibc(wheel)} at most")
    wheel_smoke.main([wheel] + [exe for _, exe in pythons()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
