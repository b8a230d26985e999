"""The examples run as documented: each in a fresh Python process, from the repository root."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, timeout=300):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_offline_pipeline_example_passes():
    result = run([sys.executable, "-m", "pytest", "-q", "examples/offline_pipeline_test.py"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "3 passed" in result.stdout, output
    assert "skipped" not in result.stdout and "failed" not in result.stdout, output


def test_pipeline_example_runs_the_whole_pipeline():
    """README command 1: check the data -> train -> wait with progress -> read the metrics
    file -> custom model -> deploy both ways -> wait -> clean up, each step printed, in well
    under 30 seconds."""
    result = run([sys.executable, "examples/pipeline.py"], timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("local Bedrock listening on http://127.0.0.1:"), output
    steps = ("0. training data checked: 200 records, 0 errors", "1. training job created", "2. training Completed", "3. custom model pipeline-demo-model (Active)",
             "4. custom model deployment Active", "5. provisioned throughput InService", "6. cleaned up: 0 custom model(s) left")
    seconds = []
    for step in steps:
        found = [line for line in lines if step in line]
        assert found, f"no {step!r} line in:\n{output}"
        seconds.append(float(found[0].split("]")[0].strip("[ s")))
    assert seconds == sorted(seconds) and seconds[-1] < 30, output
    assert "delete while in use -> ConflictException" in result.stdout, output
    assert lines[-1] == "done", output
    # the data step: a broken record caught before the job, and the loss read from the
    # metrics file the job wrote (its last step's loss is the job's trainingMetrics)
    assert '   a broken file -> line 2: error: the record has no "completion" string [pc-fields]' in lines, output
    loss = re.search(r"2\. training Completed: trainingLoss=([0-9.]+)", result.stdout)
    metrics = re.search(r"metrics: (\d+) steps, training_loss ([0-9.]+) -> ([0-9.]+)", result.stdout)
    assert loss and metrics, output
    assert int(metrics[1]) > 1 and float(metrics[2]) > float(metrics[3]) == float(loss[1]), output
    # the waiter's progress on stderr, a pipe here (as in a CI log): a line per change of
    # the job's status or sub-steps, each ending in the time waited, never a \r rewrite
    assert "\r" not in result.stderr, output
    progress = [line for line in result.stderr.splitlines() if line.startswith("pipeline-demo-job: ")]
    states = [line.rsplit(" | ", 1)[0] for line in progress]
    assert all(re.fullmatch(r"\d+:\d\d:\d\d", line.rsplit(" | ", 1)[1]) for line in progress), output
    assert len(set(states)) == len(states), output  # polls that change nothing write nothing
    job = "pipeline-demo-job: "
    assert states[0] == job + "InProgress | validation InProgress | data processing NotStarted | training NotStarted"
    assert job + "InProgress | validation Completed | data processing Completed | training InProgress" in states
    # (data processing InProgress lasts 0.3 s, a poll's 0.2 s delay plus a slow poll may miss it)
    assert states[-1] == job + "Completed | validation Completed | data processing Completed | training Completed"


def _getting_started_commands():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    section = readme[readme.index("## Getting started"):]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return [b.strip() for b in blocks]


def test_readme_commands_are_one_line_each_and_ci_runs_the_second():
    """The README's two commands do their own set-up in one line each; .ci/run runs the
    test command verbatim, in a venv that does not see the system's site-packages."""
    main_job, tests = _getting_started_commands()[:2]
    assert "\n" not in main_job and "\n" not in tests
    assert main_job.startswith("python -m pip install -c constraints.txt ") and "examples/pipeline.py" in main_job
    assert tests.startswith("python -m pip install -r tests/requirements.txt && ") and "pytest" in tests
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as f:
        ci = f.read()
    assert "\n" + tests + "\n" in ci
    assert "system-site-packages" not in ci.replace("does NOT see the system's site-packages", "")
    with open(os.path.join(ROOT, "tests", "requirements.txt"), encoding="utf-8") as f:
        requirements = f.read()
    assert "-c ../constraints.txt" in requirements.splitlines()


def test_every_test_dependency_is_pinned_exactly():
    """Each package tests/requirements.txt names has an exact pin in constraints.txt,
    and what is installed here is that version."""
    import importlib.metadata

    with open(os.path.join(ROOT, "constraints.txt"), encoding="utf-8") as f:
        pins = dict(
            line.strip().split("==", 1) for line in f if line.strip() and not line.startswith("#")
        )
    pins = {name.lower().replace("_", "-"): version for name, version in pins.items()}
    with open(os.path.join(ROOT, "tests", "requirements.txt"), encoding="utf-8") as f:
        names = [re.split(r"[\[<>=; ]", line.strip())[0] for line in f
                 if line.strip() and not line.startswith(("#", "-"))]
    assert names
    for name in names:
        key = name.lower().replace("_", "-")
        assert key in pins, f"{name} is not pinned in constraints.txt"
        assert importlib.metadata.version(name) == pins[key], name
    # and nothing pinned is installed at another version
    for dist in importlib.metadata.distributions():
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in pins:
            assert dist.version == pins[key], (key, dist.version, pins[key])
