"""moto's own Bedrock tests, run with boto3 and again with this package (issue 26 item 5).

``tests/test_bedrock/test_bedrock.py`` of the pinned moto (the ``moto==`` line of
constraints.txt) is taken from moto's sdist, downloaded by pip once per session
(nothing of moto's test code is kept in this repository), and run twice in
subprocesses of this interpreter:

(a) as moto wrote it: boto3's bedrock client under ``mock_aws``;
(b) the same file with its module's global ``boto3`` replaced by a proxy whose
    ``client("bedrock", ...)`` is ``bedrock_customization.client("bedrock", ...)``
    with the same arguments (tests/moto_suite_plugin.py); s3 and any other
    service stay boto3.

Requirement: every test that passes in (a) passes in (b). The inner runs use a
temporary copy of moto's ``tests/`` package (its ``__init__.py`` and conftest)
and moto's pytest configuration, never this repository's conftest; the moto
they import is the installed one, which must be the pinned version.

moto's test module imports ``freezegun``: tests/requirements.txt installs it, pinned
in constraints.txt.

A run (a) that cannot run (download, collection, no test passing) fails this
test with the reason; it is never skipped.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
PLUGIN = Path(__file__).resolve().parent / "moto_suite_plugin.py"

TEST_FILE = "tests/test_bedrock/test_bedrock.py"  # inside moto's sdist
TARGET_MODULE = "tests.test_bedrock.test_bedrock"
MIN_TESTS = 20  # the file of moto 5.2.5 has 48; fewer than this means it did not really run
PIP_TIMEOUT = 300
RUN_TIMEOUT = 900

# Variables of the outer run that must not reach moto's tests.
_DROPPED_ENV = (
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "PYTEST_CURRENT_TEST",
    "PYTEST_XDIST_WORKER",
    "TEST_SERVER_MODE",  # moto's server mode: the in-process decorator mode is what is compared
    "MOTO_TEST_ALLOW_AWS_REQUEST",  # never against AWS
    "PYTHONPATH",
)


def pinned_moto_version() -> str:
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*moto(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)", line, re.IGNORECASE)
        if m:
            return m.group(1)
    pytest.fail(f"no 'moto==<version>' line in {CONSTRAINTS}")


def _pip(args: List[str], what: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: pip did not finish within {PIP_TIMEOUT}s: {' '.join(cmd)}")
    if proc.returncode != 0:
        pytest.fail(
            f"{what}: pip exited {proc.returncode}: {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )


def _wanted(relative: str) -> bool:
    """The part of moto's sdist the inner runs need: its pytest configuration and
    the ``tests`` package's own files plus ``tests/test_bedrock/``."""
    if relative == "pyproject.toml":
        return True
    parts = relative.split("/")
    if parts[0] != "tests":
        return False
    return len(parts) == 2 or (len(parts) == 3 and parts[1] == "test_bedrock")


@dataclass
class MotoSuite:
    version: str
    folder: Path  # a copy of the sdist's pyproject.toml and the needed part of tests/


@pytest.fixture(scope="session")
def moto_suite(tmp_path_factory) -> MotoSuite:
    version = pinned_moto_version()
    installed = importlib.metadata.version("moto")
    if installed != version:
        pytest.fail(
            f"installed moto is {installed}, constraints.txt pins {version}: moto's tests of one "
            f"release would run against the code of another (pip install -r tests/requirements.txt)"
        )
    base = tmp_path_factory.mktemp("moto-suite")
    download = base / "download"
    _pip(
        ["download", "--no-deps", "--no-binary", ":all:", f"moto=={version}", "-d", str(download)],
        f"downloading moto {version}'s sdist",
    )
    archives = sorted(download.glob("moto-*.tar.gz"))
    if len(archives) != 1:
        pytest.fail(f"expected one moto sdist in {download}, found {[p.name for p in download.iterdir()]}")

    folder = base / f"moto-{version}"
    extracted = []
    with tarfile.open(archives[0], "r:gz") as tar:
        for member in tar.getmembers():
            top, _, relative = member.name.partition("/")
            if not member.isfile() or not _wanted(relative) or ".." in relative.split("/"):
                continue
            source = tar.extractfile(member)
            assert source is not None
            destination = folder / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read())
            extracted.append(relative)
    for needed in ("pyproject.toml", "tests/__init__.py", "tests/conftest.py", TEST_FILE):
        if needed not in extracted:
            pytest.fail(f"moto {version}'s sdist {archives[0].name} has no {needed}")

    return MotoSuite(version=version, folder=folder)


# ---------------------------------------------------------------------------
# One inner run
# ---------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str  # passed, failed, error, skipped
    message: str = ""


@dataclass
class InnerRun:
    label: str
    returncode: int
    seconds: float
    output: str = field(repr=False)
    outcomes: Dict[str, Outcome] = field(repr=False)
    record: Optional[Dict[str, Any]] = field(default=None, repr=False)
    junit_problem: str = ""

    def with_status(self, status: str) -> List[str]:
        return sorted(test for test, outcome in self.outcomes.items() if outcome.status == status)

    @property
    def passed(self) -> set:
        return set(self.with_status("passed"))

    def summary(self) -> str:
        counts: Dict[str, int] = {}
        for outcome in self.outcomes.values():
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        shown = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no test"
        return f"run ({self.label}): {shown} in {self.seconds:.1f}s (pytest exit {self.returncode})"

    def tail(self, chars: int = 6000) -> str:
        return self.output[-chars:]


def _first_line(text: Optional[str]) -> str:
    """The first non-empty line; with the next one when it ends with ':' (as
    "Parameter validation failed:" does)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return ""
    shown = lines[0]
    if shown.endswith(":") and len(lines) > 1:
        shown = f"{shown} {lines[1]}"
    return shown[:400]


def _node_id(classname: str, name: str) -> str:
    """junit's (classname, name) back to pytest's node id within moto's tests."""
    module_path = TEST_FILE[: -len(".py")].replace("/", ".")
    if classname == module_path:
        return f"{TEST_FILE}::{name}"
    if classname.startswith(module_path + "."):
        classes = classname[len(module_path) + 1 :].split(".")
        return "::".join([TEST_FILE, *classes, name])
    return f"{classname}::{name}"


_RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


def read_junit(path: Path) -> Dict[str, Outcome]:
    outcomes: Dict[str, Outcome] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test = _node_id(case.get("classname", ""), case.get("name", ""))
        outcome = Outcome("passed")
        for tag in ("error", "failure", "skipped"):  # worst first
            element = case.find(tag)
            if element is not None:
                status = "failed" if tag == "failure" else tag
                outcome = Outcome(status, _first_line(element.get("message")) or _first_line(element.text))
                break
        previous = outcomes.get(test)
        if previous is None or _RANK[outcome.status] > _RANK[previous.status]:
            outcomes[test] = outcome
    return outcomes


def run_moto_tests(suite: MotoSuite, label: str, out_dir: Path, with_bc: bool) -> InnerRun:
    out_dir.mkdir(parents=True, exist_ok=True)
    junit = out_dir / "junit.xml"
    record = out_dir / "record.json"
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    args = [
        sys.executable,
        "-m",
        "pytest",
        TEST_FILE,
        "-c",
        "pyproject.toml",  # moto's pytest configuration
        "--rootdir",
        str(suite.folder),
        "--confcutdir",
        str(suite.folder),  # no conftest from above moto's folder
        "-p",
        "no:cacheprovider",
        "--color=no",
        "-q",
        "-rfEs",
        f"--junitxml={junit}",
    ]
    if with_bc:
        plugin_dir = out_dir / "plugin"
        plugin_dir.mkdir(exist_ok=True)
        shutil.copy(PLUGIN, plugin_dir / PLUGIN.name)
        env["PYTHONPATH"] = str(plugin_dir)
        args += ["-p", PLUGIN.stem]
        env["MOTO_SUITE_TARGET"] = TARGET_MODULE
        env["MOTO_SUITE_RECORD"] = str(record)

    started = time.monotonic()
    try:
        proc = subprocess.run(
            args, cwd=suite.folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RUN_TIMEOUT
        )
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        pytest.fail(f"run ({label}) of moto {suite.version}'s {TEST_FILE} did not finish within {RUN_TIMEOUT}s\n{output[-6000:]}")
    seconds = time.monotonic() - started
    output = proc.stdout + (f"\n--- stderr ---\n{proc.stderr}" if proc.stderr.strip() else "")
    run = InnerRun(label=label, returncode=proc.returncode, seconds=seconds, output=output, outcomes={})
    if junit.exists():
        try:
            run.outcomes = read_junit(junit)
        except ET.ParseError as e:
            run.junit_problem = f"unreadable junit XML {junit}: {e}"
    else:
        run.junit_problem = f"pytest wrote no junit XML ({junit})"
    if with_bc and record.exists():
        run.record = json.loads(record.read_text(encoding="utf-8"))
    return run


def _check_ran(run: InnerRun, version: str) -> None:
    """The run happened: pytest finished its session (exit 0 or 1) and reported tests."""
    where = f"run ({run.label}) of moto {version}'s {TEST_FILE}"
    if run.junit_problem:
        pytest.fail(f"{where}: {run.junit_problem}; pytest exit {run.returncode}\n{run.tail()}")
    if run.returncode not in (0, 1):
        pytest.fail(f"{where}: pytest exited {run.returncode} (not a test outcome: usage, collection or internal error)\n{run.tail()}")
    errors = [t for t in run.with_status("error") if not t.startswith(TEST_FILE)]
    if errors:
        pytest.fail(f"{where}: errors outside the test file (collection?): {errors}\n{run.tail()}")
    if len(run.outcomes) < MIN_TESTS:
        pytest.fail(f"{where}: only {len(run.outcomes)} tests reported (at least {MIN_TESTS} expected)\n{run.tail()}")


@pytest.fixture(scope="session")
def boto3_run(moto_suite, tmp_path_factory) -> InnerRun:
    """Run (a): moto's test file as moto wrote it."""
    run = run_moto_tests(moto_suite, "a: boto3", tmp_path_factory.mktemp("moto-run-boto3"), with_bc=False)
    print(run.summary())
    _check_ran(run, moto_suite.version)
    if not run.passed:
        pytest.fail(
            f"run (a) of moto {moto_suite.version}'s {TEST_FILE}: no test passed with boto3 itself, "
            f"so nothing is compared\n{run.tail()}"
        )
    return run


@pytest.fixture(scope="session")
def bc_run(moto_suite, boto3_run, tmp_path_factory) -> InnerRun:
    """Run (b): the same file, its bedrock clients made by bedrock_customization."""
    run = run_moto_tests(moto_suite, "b: bedrock_customization", tmp_path_factory.mktemp("moto-run-bc"), with_bc=True)
    print(run.summary())
    _check_ran(run, moto_suite.version)
    return run


def _describe(tests: List[str], run: InnerRun) -> str:
    lines = []
    for test in tests:
        outcome = run.outcomes.get(test)
        shown = "not run" if outcome is None else outcome.status
        message = f": {outcome.message}" if outcome is not None and outcome.message else ""
        lines.append(f"  {test.split('::', 1)[-1]} -- {shown}{message}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------


def test_moto_bedrock_tests_that_pass_with_boto3_pass_with_bc(moto_suite, boto3_run, bc_run):
    assert set(bc_run.outcomes) == set(boto3_run.outcomes), (
        "the two runs did not report the same tests: only in (a) "
        f"{sorted(set(boto3_run.outcomes) - set(bc_run.outcomes))}, only in (b) "
        f"{sorted(set(bc_run.outcomes) - set(boto3_run.outcomes))}"
    )
    lost = sorted(boto3_run.passed - bc_run.passed)
    gained = sorted(bc_run.passed - boto3_run.passed)
    report = [
        f"moto {moto_suite.version} {TEST_FILE}",
        boto3_run.summary(),
        bc_run.summary(),
    ]
    if boto3_run.passed != set(boto3_run.outcomes):
        report.append("not passing with boto3 itself (not compared):\n" + _describe(sorted(set(boto3_run.outcomes) - boto3_run.passed), boto3_run))
    if gained:
        report.append("passing only with bedrock_customization:\n" + _describe(gained, bc_run))
    if lost:
        report.append(f"{len(lost)} passing with boto3 but not with bedrock_customization:\n" + _describe(lost, bc_run))
    assert not lost, "\n".join(report)
    print("\n".join(report))


def test_moto_bedrock_tests_used_bc_clients(moto_suite, boto3_run, bc_run):
    """Run (b) really made its bedrock clients with this package, in every test that passed."""
    record = bc_run.record
    assert record is not None, f"the plugin wrote no record in run (b)\n{bc_run.tail()}"
    assert not record["problems"], f"the plugin could not replace boto3: {record['problems']}"
    assert record["patched"] == [TARGET_MODULE], f"patched modules: {record['patched']}"
    clients = record["clients"]
    bc_clients = [c for c in clients if c["is_bc_client"]]
    not_bc = [c for c in clients if not c["is_bc_client"]]
    print(f"run (b): {len(bc_clients)} bedrock clients of type bc.Client in {len({c['test'] for c in bc_clients})} tests")
    assert len(bc_clients) > 0, "no bedrock client was made by bedrock_customization in run (b)"
    assert not not_bc, f"bedrock clients that are not bc.Client: {not_bc}"
    assert all(c["test"] for c in clients), "a bedrock client made outside a test"
    with_bc = {c["test"] for c in bc_clients}
    without = sorted(bc_run.passed - with_bc)
    assert not without, f"tests that passed in run (b) without making a bc.Client for bedrock: {without}"
