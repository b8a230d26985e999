"""The examples run as documented: each in a fresh Python process, from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, timeout=300):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_offline_pipeline_example_passes():
    result = run([sys.executable, "-m", "pytest", "-q", "examples/offline_pipeline_test.py"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "2 passed" in result.stdout, output
    assert "skipped" not in result.stdout and "failed" not in result.stdout, output


def test_lifecycle_example_prints_each_step():
    result = run([sys.executable, "examples/lifecycle.py"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("local Bedrock listening on http://127.0.0.1:"), output
    for step in ("1. created", "2. listed", "3. got", "4. stopped"):
        assert any(line.startswith(step) for line in lines), f"no {step!r} line in:\n{output}"
    assert "lifecycle-demo-job: status=Stopped" in result.stdout, output
    assert "missing job -> ResourceNotFoundException" in result.stdout, output
    assert lines[-1] == "done", output
