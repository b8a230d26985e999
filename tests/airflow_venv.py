"""The Airflow venv of tests/test_airflow.py, ``<repo>/.venv-airflow``: made once per machine
with this interpreter's ``-m venv`` (no system site-packages) and ``pip install -c
constraints.txt apache-airflow apache-airflow-providers-amazon boto3 botocore``, reused while
constraints.txt pins what it holds. It needs nothing built, so ``.ci/run`` makes it while the
wheel builds (``python tests/airflow_venv.py``); the test makes it when it is missing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, Iterator, List, Optional

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONSTRAINTS = os.path.join(ROOT, "constraints.txt")
VENV = os.path.join(ROOT, ".venv-airflow")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
#: Written last by a successful creation: the interpreter and the venv's `pip freeze`.
MARKER = os.path.join(VENV, "bedrock-customization-venv.json")
PACKAGES = ("apache-airflow", "apache-airflow-providers-amazon", "boto3", "botocore")
#: What `-m venv` seeds (ensurepip), not what the install chose: not checked against constraints.txt.
UNPINNED = {"pip", "setuptools"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines: List[str]) -> Dict[str, str]:
    """``name==version`` lines (a requirements / freeze file): normalized name -> version."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[normalized(name)] = version.split(";", 1)[0].strip()
    return found


def constraint_pins() -> Dict[str, str]:
    with open(CONSTRAINTS, encoding="utf-8") as f:
        return pins(f.read().splitlines())


def interpreter() -> str:
    return f"{sys.implementation.name} {'.'.join(map(str, sys.version_info[:3]))}"


def unpinned(freeze: Dict[str, str]) -> List[str]:
    """The venv's packages whose version is not the one constraints.txt pins."""
    wanted = constraint_pins()
    return sorted(f"{name}=={version} (constraints.txt: {wanted.get(name, 'no pin')})"
                  for name, version in freeze.items() if name not in UNPINNED and wanted.get(name) != version)


def venv_is_current() -> bool:
    try:
        with open(MARKER, encoding="utf-8") as f:
            marker = json.load(f)
    except (OSError, ValueError):
        return False
    return (os.path.exists(VENV_PYTHON) and marker.get("interpreter") == interpreter()
            and all(name in marker.get("freeze", {}) for name in PACKAGES) and not unpinned(marker["freeze"]))


@contextlib.contextmanager
def venv_lock() -> Iterator[None]:
    """One creator at a time (pytest workers, two checkouts' runs are told apart by ROOT)."""
    key = hashlib.sha256(ROOT.encode()).hexdigest()[:16]
    with open(os.path.join(tempfile.gettempdir(), f"bedrock-customization-venv-airflow-{key}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run(args: List[str], timeout: float, env: Any = None, **kwargs: Any) -> subprocess.CompletedProcess:
    if env is None:
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")
        for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER", "PIP_TARGET", "PIP_PREFIX"):
            env.pop(name, None)
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, **kwargs)


def create_venv() -> float:
    """Make ``.venv-airflow`` from scratch; the seconds it took. Any failure fails the test."""
    started = time.monotonic()
    shutil.rmtree(VENV, ignore_errors=True)
    steps = [
        [sys.executable, "-m", "venv", VENV],
        [VENV_PYTHON, "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS, *PACKAGES],
        [VENV_PYTHON, "-m", "pip", "check"],
    ]
    for args in steps:
        done = run(args, timeout=1200, cwd=ROOT)
        if done.returncode != 0:
            pytest.fail(f"making the Airflow venv failed: {' '.join(args)} -> {done.returncode}\n"
                        f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}", pytrace=False)
    frozen = run([VENV_PYTHON, "-m", "pip", "freeze", "--all"], timeout=120)
    assert frozen.returncode == 0, frozen.stderr
    freeze = pins(frozen.stdout.splitlines())
    wrong = unpinned(freeze)
    if wrong:  # constraints.txt must pin the whole venv (its Airflow section: see there)
        pytest.fail("the Airflow venv holds packages constraints.txt does not pin at their version:\n  "
                    + "\n  ".join(wrong), pytrace=False)
    with open(MARKER, "w", encoding="utf-8") as f:
        json.dump({"interpreter": interpreter(), "freeze": freeze}, f, indent=1, sort_keys=True)
    return time.monotonic() - started


def ensure_venv() -> Optional[float]:
    """Makes the venv unless it is current: the seconds that took, or None."""
    with venv_lock():
        if venv_is_current():
            return None
        seconds = create_venv()
        assert venv_is_current(), "the Airflow venv just made is not what constraints.txt pins"
        return seconds


if __name__ == "__main__":
    made = ensure_venv()
    print(f"{VENV}: " + ("current" if made is None else f"made in {made:.0f} s"))
