"""Apache Airflow's Amazon provider with this package's client (issue 27, item 4).

The provider's Bedrock operators, sensors and hook waiters run (tests/airflow_steps.py)
against the local Bedrock twice: with the hook's client boto3's, then this package's.
Every step must pass with boto3 (else the harness or the local Bedrock is wrong, and the
test says so), and every step that passes with boto3 must pass with this package.

Airflow is big (~380 MB, ~120 packages), so it has a venv of its own, ``<repo>/.venv-airflow``:
made once per machine with this interpreter's ``-m venv`` (no system site-packages) and
``pip install -c constraints.txt apache-airflow apache-airflow-providers-amazon boto3 botocore``,
reused while constraints.txt pins what it holds. It sees this package (an abi3 extension,
so any CPython of this version) through PYTHONPATH: a temporary directory with a symlink to
the package as this interpreter imports it, and nothing else of this venv.
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
from typing import Any, Dict, Iterator, List

import pytest

import bedrock_customization as bc
from bedrock_customization.testing import local_bedrock

from airflow_steps import STEPS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONSTRAINTS = os.path.join(ROOT, "constraints.txt")
SCRIPT = os.path.join(ROOT, "tests", "airflow_steps.py")
VENV = os.path.join(ROOT, ".venv-airflow")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
#: Written last by a successful creation: the interpreter and the venv's `pip freeze`.
MARKER = os.path.join(VENV, "bedrock-customization-venv.json")
PACKAGES = ("apache-airflow", "apache-airflow-providers-amazon", "boto3", "botocore")
CLIENTS = ("boto3", "bc")
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


@pytest.fixture(scope="module")
def airflow_python() -> str:
    """The Airflow venv's python (made if missing or not what constraints.txt pins)."""
    with venv_lock():
        if not venv_is_current():
            seconds = create_venv()
            print(f"\nmade {VENV} in {seconds:.0f} s")
            assert venv_is_current(), "the Airflow venv just made is not what constraints.txt pins"
    return VENV_PYTHON


@pytest.fixture(scope="module")
def package_path(tmp_path_factory) -> str:
    """A PYTHONPATH entry with this package (as this interpreter imports it) and nothing else."""
    where = tmp_path_factory.mktemp("bc-package")
    os.symlink(os.path.dirname(os.path.abspath(bc.__file__)), where / "bedrock_customization")
    return str(where)


def script_env(package_path: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AIRFLOW_", "AIRFLOW__"))}
    for name in ("PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    env.update(PYTHONPATH=package_path, PYTHONNOUSERSITE="1", PYTHONDONTWRITEBYTECODE="1")
    return env


@pytest.fixture(scope="module")
def results(airflow_python, package_path) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """client -> step -> {"ok", "error", "where", "seconds"}: the script run once per client,
    both at once against one local Bedrock (each client in its own account)."""
    env = script_env(package_path)
    with local_bedrock() as endpoint:
        procs = {client: subprocess.Popen(
            [airflow_python, SCRIPT, "--client", client, "--endpoint-url", endpoint.url],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        ) for client in CLIENTS}
        outputs = {}
        for client, proc in procs.items():
            try:
                outputs[client] = proc.communicate(timeout=300) + (proc.returncode,)
            except subprocess.TimeoutExpired:
                for other in procs.values():
                    other.kill()
                out, err = proc.communicate()
                pytest.fail(f"airflow_steps.py --client {client} ran over 300 s\n{out}\n{err[-6000:]}", pytrace=False)
    found: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for client, (out, err, code) in outputs.items():
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        steps = {line["step"]: line for line in lines}
        names = [line["step"] for line in lines]
        if code != 0 or names != list(STEPS):
            pytest.fail(f"airflow_steps.py --client {client} exited {code} after the steps {names} "
                        f"(expected {list(STEPS)})\n{out}\n{err[-6000:]}", pytrace=False)
        found[client] = steps
    return found


def test_the_script_has_steps():
    assert len(STEPS) >= 10 and len(set(STEPS)) == len(STEPS), STEPS


def test_the_airflow_venv_sees_only_itself_and_this_package(airflow_python, package_path):
    probe = ("import json, sys, airflow, botocore, bedrock_customization as bc; "
             "print(json.dumps([sys.prefix, sys.base_prefix, sys.path, bc.__file__, airflow.__version__]))")
    done = run([airflow_python, "-c", probe], timeout=120, env=script_env(package_path))
    assert done.returncode == 0, done.stderr
    prefix, base, path, bc_file, airflow_version = json.loads(done.stdout)
    assert os.path.realpath(prefix) == os.path.realpath(VENV) and prefix != base
    site = [p for p in path if "site-packages" in p]
    assert site and all(os.path.realpath(p).startswith(os.path.realpath(VENV)) for p in site), path
    assert os.path.realpath(bc_file) == os.path.realpath(bc.__file__)
    assert airflow_version == constraint_pins()["apache-airflow"]


@pytest.mark.parametrize("step", STEPS)
def test_step_passes_with_this_package_where_it_passes_with_boto3(results, step):
    boto3_result, bc_result = results["boto3"][step], results["bc"][step]
    assert boto3_result["ok"], (
        f"{step} fails with boto3's client (the harness or the local Bedrock is wrong): "
        f"{boto3_result['error']} at {boto3_result.get('where')}")
    assert bc_result["ok"], f"{step}: {bc_result['error']} at {bc_result.get('where')}"
