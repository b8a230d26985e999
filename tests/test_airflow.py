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

import json
import os
import subprocess
from typing import Any, Dict

import pytest

import bedrock_customization as bc
from bedrock_customization.testing import local_bedrock

from airflow_steps import STEPS
from airflow_venv import VENV, VENV_PYTHON, constraint_pins, ensure_venv, run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "tests", "airflow_steps.py")
CLIENTS = ("boto3", "bc")


@pytest.fixture(scope="module")
def airflow_python() -> str:
    """The Airflow venv's python (made if missing or not what constraints.txt pins)."""
    seconds = ensure_venv()
    if seconds is not None:
        print(f"\nmade {VENV} in {seconds:.0f} s")
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
