"""The GitHub Actions workflows, checked offline: valid against the workflow schema
(check-jsonschema's vendored copy), no High finding of zizmor's offline audits (the
others are listed as warnings), every action pinned to a commit, least permissions,
and the release building and testing what the project ships.

check-jsonschema and zizmor are pinned (constraints.txt, tests/requirements.txt) and
taken from this interpreter's venv; a missing tool fails the test, it is not skipped.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import warnings

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOWS_DIR = os.path.join(ROOT, ".github", "workflows")
WORKFLOWS = sorted(n for n in os.listdir(WORKFLOWS_DIR) if n.endswith((".yml", ".yaml")))
BIN = os.path.dirname(sys.executable)

# The release's wheels: (Rust target, maturin's --manylinux/--compatibility, or None off Linux).
RELEASE_PLATFORMS = {
    ("x86_64-unknown-linux-gnu", "2014"),
    ("aarch64-unknown-linux-gnu", "2014"),
    ("x86_64-unknown-linux-musl", "musllinux_1_2"),
    ("aarch64-unknown-linux-musl", "musllinux_1_2"),
    ("x86_64-apple-darwin", None),
    ("aarch64-apple-darwin", None),
    ("x86_64-pc-windows-msvc", None),
}
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")


def tool(name: str) -> str:
    path = os.path.join(BIN, name + (".exe" if os.name == "nt" else ""))
    if not os.path.isfile(path):
        pytest.fail(f"{name} is not installed beside {sys.executable}: python -m pip install -r tests/requirements.txt")
    return path


def run(args):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def paths():
    return [os.path.join(WORKFLOWS_DIR, name) for name in WORKFLOWS]


def load(name: str) -> dict:
    with open(os.path.join(WORKFLOWS_DIR, name), encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    if True in workflow:  # YAML 1.1 reads the key `on` as true
        workflow["on"] = workflow.pop(True)
    return workflow


def steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def test_both_workflows_exist():
    """CI and release; the checks below cover every workflow of the folder."""
    assert {"ci.yml", "release.yml"} <= set(WORKFLOWS), WORKFLOWS


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_match_the_schema(schema):
    """The workflow schema (SchemaStore's, vendored by check-jsonschema: no network), and
    every job has a timeout-minutes."""
    result = run([tool("check-jsonschema"), "--builtin-schema", schema, *paths()])
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_high():
    """zizmor's offline audits (regular persona, the pinned version): no High finding; the
    others are listed as warnings. A workflow zizmor cannot read fails the test."""
    result = run([tool("zizmor"), "--offline", "--format", "json", "--no-exit-codes", "--strict-collection",
                  os.path.relpath(WORKFLOWS_DIR, ROOT)])
    assert result.returncode == 0, result.stdout + result.stderr
    findings = json.loads(result.stdout)
    lines = []
    for finding in findings:
        where = finding["locations"][0]
        path = where["symbolic"]["key"]["Local"]["verbatim_path"]
        row = where["concrete"]["location"]["start_point"]["row"] + 1
        severity = finding["determinations"]["severity"]
        lines.append((severity, f"zizmor {severity} {finding['ident']} at {path}:{row}: {finding['desc']}"
                                f"{' (ignored)' if finding.get('ignored') else ''}"))
    for severity, line in lines:
        print(line)
        if severity != "High":
            warnings.warn(line, stacklevel=1)
    high = [line for severity, line in lines if severity == "High"]
    assert not high, "\n".join(high)


def test_every_action_is_pinned_to_a_commit_with_its_version():
    """Each `uses:` is owner/repo@<40 hex digits> followed by a `# vX.Y.Z` comment, and an
    action has one commit throughout."""
    commits = {}
    for name in WORKFLOWS:
        workflow = load(name)
        for job_id, job in workflow["jobs"].items():
            assert "uses" not in job, f"{name}: job {job_id} calls a reusable workflow"
        uses = [step["uses"] for _, step in steps(workflow) if "uses" in step]
        assert uses, name
        for ref in uses:
            assert PINNED.match(ref), f"{name}: {ref} is not pinned to a commit"
            action, sha = ref.split("@")
            commits.setdefault(action, set()).add(sha)
        with open(os.path.join(WORKFLOWS_DIR, name), encoding="utf-8") as f:
            seen = [USES_LINE.match(line) for line in f]
        seen = [m for m in seen if m]
        assert [m[1] for m in seen] == uses, name
        for m in seen:
            assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", m[2]), f"{name}: {m[1]} has no `# vX.Y.Z` comment"
    assert all(len(shas) == 1 for shas in commits.values()), commits


def test_permissions_are_least():
    """No default token permissions (`{}` or `contents: read` at the top); nothing writes
    but the PyPI job's OIDC token; no checkout leaves its credentials behind."""
    for name in WORKFLOWS:
        workflow = load(name)
        assert "permissions" in workflow, f"{name}: no top-level permissions (the token would get the defaults)"
        assert workflow["permissions"] in ({}, {"contents": "read"}), (name, workflow["permissions"])
        for job_id, job in workflow["jobs"].items():
            permissions = job.get("permissions", {})
            assert isinstance(permissions, dict), (name, job_id, permissions)  # not read-all / write-all
            writes = {scope for scope, level in permissions.items() if level == "write"}
            if writes:
                assert (name, writes) == ("release.yml", {"id-token"}), (name, job_id, permissions)
                assert permissions == {"id-token": "write"}, (name, job_id, permissions)
                assert job.get("environment") == "pypi", (name, job_id)
                assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for s in job["steps"])
        for job_id, step in steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, (name, job_id)


def _maturin_pin() -> str:
    with open(os.path.join(ROOT, "constraints.txt"), encoding="utf-8") as f:
        return re.search(r"^maturin==(\S+)$", f.read(), flags=re.M)[1]


def test_release_builds_tests_and_publishes_every_platform():
    workflow = load("release.yml")
    assert workflow["on"] == {"push": {"tags": ["v*"]}}, workflow["on"]
    assert workflow["env"]["MATURIN_VERSION"] == "v" + _maturin_pin()
    jobs = workflow["jobs"]
    wheels = jobs["wheels"]
    matrix = wheels["strategy"]["matrix"]["include"]
    built = {(entry["target"], entry.get("manylinux")) for entry in matrix}
    assert built == RELEASE_PLATFORMS, built ^ RELEASE_PLATFORMS
    for entry in matrix:
        target, runner = entry["target"], entry["runner"]
        arch = "arm64" if target.startswith("aarch64") and "apple" in target else target.split("-")[0]
        arch = "amd64" if "windows" in target else arch
        assert entry["wheel"].startswith("*-cp39-abi3-") and entry["wheel"].endswith(".whl"), entry
        tag = {"2014": "manylinux_2_17", "musllinux_1_2": "musllinux_1_2", None: "-"}[entry.get("manylinux")]
        assert f"_{arch}" in entry["wheel"] and tag in entry["wheel"], entry
        # each wheel runs somewhere: on its own runner, or in containers (QEMU for arm64)
        if "linux" in target:
            assert runner.startswith("ubuntu-"), entry
            assert entry["smoke"] == ("host" if (target, entry["manylinux"]) == ("x86_64-unknown-linux-gnu", "2014")
                                      else "docker"), entry
            if entry["smoke"] == "docker":
                libc = "-alpine" if "musl" in target else "-slim"
                assert entry["platform"] == ("linux/arm64" if target.startswith("aarch64") else "linux/amd64"), entry
                assert all(image.endswith(libc) for image in entry["images"].split()), entry
        else:
            assert entry["smoke"] == "host", entry
            expected = {"x86_64-apple-darwin": "macos-15-intel", "aarch64-apple-darwin": "macos-14",
                        "x86_64-pc-windows-msvc": "windows-latest"}[target]
            assert runner == expected, entry
    step_names = " / ".join(step.get("name", step.get("uses", "")) for step in wheels["steps"])
    assert "Smoke test on this runner" in step_names and "Smoke test in containers" in step_names, step_names
    # maturin's action, in the `dist` profile (--profile, not --release), at the pinned maturin
    builds = [(job_id, step) for job_id, step in steps(workflow) if step.get("uses", "").startswith("PyO3/maturin-action@")]
    assert {job_id for job_id, _ in builds} == {"wheels", "sdist"}, builds
    for job_id, step in builds:
        options = step["with"]
        assert options["maturin-version"] == "${{ env.MATURIN_VERSION }}", step
        if job_id == "wheels":
            args = options["args"].split()
            assert "--profile" in args and args[args.index("--profile") + 1] == "dist", step
            assert "--release" not in args and "--locked" in args, step
            assert options.get("command", "build") == "build", step
        else:
            assert options["command"] == "sdist", step
    sdist_runs = " ".join(step.get("run", "") for step in jobs["sdist"]["steps"])
    assert "wheel_smoke.py bedrock_customization-*.tar.gz" in sdist_runs, sdist_runs
    publish = jobs["publish"]
    assert set(publish["needs"]) == {"wheels", "sdist", "check"}, publish["needs"]
    assert publish["environment"] == "pypi" and publish["permissions"] == {"id-token": "write"}
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "password" not in publish["steps"][-1].get("with", {}), "trusted publishing takes no token"


def test_the_wheel_smoke_test_is_the_release_one():
    """The release runs .ci/wheel_smoke.py, which exists and is standard library only (it
    runs in bare Python containers)."""
    with open(os.path.join(ROOT, ".ci", "wheel_smoke.py"), encoding="utf-8") as f:
        source = f.read()
    imported = set()
    for node in ast.walk(ast.parse(source)):  # the checks it runs in each venv are a string
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "fnmatch", "os", "subprocess", "sys", "tempfile"}, imported
    with open(os.path.join(WORKFLOWS_DIR, "release.yml"), encoding="utf-8") as f:
        assert f.read().count("wheel_smoke.py") >= 3


def test_ci_runs_dot_ci_run_with_what_it_needs():
    workflow = load("ci.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}, workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["group"] and "cancel-in-progress" in workflow["concurrency"]
    (job,) = workflow["jobs"].values()
    assert job["timeout-minutes"] == 90 and job["runs-on"].startswith("ubuntu-")
    versions = [s["with"]["python-version"] for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert sorted(versions) == ["3.11", "3.13", "3.9"], versions
    assert versions[-1] == "3.11", "the last setup-python is python3: .ci/run's venv is made with 3.11"
    runs = [s.get("run", "") for s in job["steps"]]
    assert runs[-1] == "bash .ci/run", runs
    text = "\n".join(runs)
    assert "PYENV_ROOT=" in text and "default-jdk-headless" in text and "binutils" in text, text
    assert "rustfmt,clippy" in text, text
