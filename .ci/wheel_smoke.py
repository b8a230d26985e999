"""Smoke test of one built distribution, on any OS (the release workflow's; standard library only).

    python .ci/wheel_smoke.py [--expect GLOB] DIST [PYTHON ...]

DIST is a wheel, or an sdist (then built by pip from it alone, which needs Rust and
the network). For each PYTHON (default: the one running this script): a new venv (no
system site-packages), DIST installed with no dependencies (the package has none;
a wheel with no index at all), then, from an empty folder: import, a client, calls
against a local Bedrock run by that venv (``bedrock_customization.testing``), the
CLI's ``--version`` and ``python -m bedrock_customization --version``. ``--expect``
fails unless DIST's file name matches GLOB (the platform tag the job meant to build).
Exits non-zero, naming the interpreter, at the first failure.

`.ci/smoke.py` is the local machine's check (pyenv's Pythons, the manylinux2014 glibc
check of the extension); this one runs on macOS, Windows and in containers too.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tempfile

CHECK = r"""
import sys
import bedrock_customization as bc
from bedrock_customization.testing import local_bedrock

name = "smoke-py%d%d" % sys.version_info[:2]
with local_bedrock(realtime=False) as endpoint:
    client = bc.client("bedrock", region_name="us-east-1", endpoint_url=endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    created = client.create_model_customization_job(
        jobName=name, customModelName=name + "-model",
        roleArn="arn:aws:iam::123456789012:role/smoke",
        baseModelIdentifier="amazon.titan-text-express-v1",
        trainingDataConfig={"s3Uri": "s3://smoke-bucket/train.jsonl"},
        outputDataConfig={"s3Uri": "s3://smoke-bucket/out/"},
        hyperParameters={"epochCount": "1"},
    )
    job = client.get_model_customization_job(jobIdentifier=created["jobArn"])
    assert job["jobName"] == name, job
    assert job["ResponseMetadata"]["HTTPStatusCode"] == 200, job
    try:
        client.get_model_customization_job(jobIdentifier="no-such-job")
    except client.exceptions.ResourceNotFoundException:
        pass
    else:
        raise AssertionError("no ResourceNotFoundException")
    endpoint.settle()
    done = client.get_model_customization_job(jobIdentifier=name)
    assert done["status"] == "Completed", done
    assert client.get_custom_model(modelIdentifier=done["outputModelArn"])["modelStatus"] == "Active"
print(bc.__version__, job["status"], done["status"])
"""

WINDOWS = os.name == "nt"


def run(args, **kwargs) -> str:
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, **kwargs)
    if proc.returncode != 0:
        sys.exit(f"wheel_smoke: {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}")
    return proc.stdout


def smoke(dist: str, python: str, tmp: str, env: dict) -> None:
    version = run([python, "-c", "import platform; print(platform.python_version())"], env=env).strip()
    venv = os.path.join(tmp, "venv-" + version)
    run([python, "-m", "venv", venv], env=env)
    bindir = os.path.join(venv, "Scripts" if WINDOWS else "bin")
    exe = ".exe" if WINDOWS else ""
    vpython = os.path.join(bindir, "python" + exe)
    install = [vpython, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
    if dist.endswith(".whl"):
        install.append("--no-index")  # nothing but the wheel
    run(install + [dist], env=env, cwd=tmp)
    work = os.path.join(tmp, "work-" + version)  # an empty folder: the package comes from the venv
    os.mkdir(work)
    out = run([vpython, "-c", CHECK], env=env, cwd=work)
    cli = run([os.path.join(bindir, "bedrock-customization" + exe), "--version"], env=env, cwd=work)
    module = run([vpython, "-m", "bedrock_customization", "--version"], env=env, cwd=work)
    if not cli.startswith("bedrock-customization/") or f"Python/{version}" not in cli or cli != module:
        sys.exit(f"wheel_smoke: Python {version}: unexpected --version output {cli!r} / {module!r}")
    print(f"Python {version} ({python}): {out.strip()}; {cli.strip()}", flush=True)


def main(argv: list) -> int:
    expect = None
    if argv[:1] == ["--expect"] and len(argv) >= 2:
        expect, argv = argv[1], argv[2:]
    if not argv or not argv[0].endswith((".whl", ".tar.gz")) or not os.path.isfile(argv[0]):
        sys.exit(__doc__)
    dist = os.path.abspath(argv[0])
    if expect is not None and not fnmatch.fnmatch(os.path.basename(dist), expect):
        sys.exit(f"wheel_smoke: {os.path.basename(dist)} does not match {expect!r}")
    pythons = argv[1:] or [sys.executable]
    with tempfile.TemporaryDirectory(prefix="bc-wheel-smoke-") as tmp:
        # no credentials, no profile, no instance metadata: only the local Bedrock is reached
        empty = os.path.join(tmp, "empty-aws-file")
        open(empty, "w").close()
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("AWS_", "PYTHON"))}
        env.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=empty, AWS_SHARED_CREDENTIALS_FILE=empty)
        print(f"{os.path.basename(dist)}: smoke test on {len(pythons)} Python(s)", flush=True)
        for python in pythons:
            smoke(dist, python, tmp, env)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
