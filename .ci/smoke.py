"""Smoke test of a built wheel on the oldest and newest Pythons pyenv has.

    python .ci/smoke.py target/ci-wheels/bedrock_customization-*.whl

For each of those interpreters: a new venv (no system site-packages), the wheel
installed with no dependencies (it has none, and needs no Rust), then import,
client, calls against the local Bedrock, and the CLI's ``--version``. One local
Bedrock runs here, in the interpreter running this script, and is reached over
127.0.0.1; each interpreter also runs one of its own (standard library only), so
the server is checked on the oldest Python too. Exits non-zero,
naming the interpreter, at the first failure; a missing pyenv is a failure too.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIRES_PYTHON = (3, 9)  # pyproject.toml's requires-python

CHECK = r"""
import sys
import bedrock_customization as bc

endpoint = sys.argv[1]
name = "smoke-py%d%d" % sys.version_info[:2]  # one local Bedrock serves every interpreter
client = bc.client("bedrock", region_name="us-east-1", endpoint_url=endpoint,
                   aws_access_key_id="testing", aws_secret_access_key="testing")
created = client.create_model_customization_job(
    jobName=name, customModelName=name + "-model",
    roleArn="arn:aws:iam::123456789012:role/smoke",
    baseModelIdentifier="amazon.titan-text-express-v1",
    trainingDataConfig={"s3Uri": "s3://smoke-bucket/train-2026-12-02/train.jsonl"},
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
from bedrock_customization.testing import local_bedrock

with local_bedrock(realtime=False) as own:
    mine = bc.client("bedrock", region_name="us-east-1", endpoint_url=own,
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    mine.create_model_customization_job(
        jobName=name, customModelName=name + "-model", roleArn="arn:aws:iam::123456789012:role/smoke",
        baseModelIdentifier="amazon.titan-text-express-v1",
        trainingDataConfig={"s3Uri": "s3://smoke-bucket/train.jsonl"}, outputDataConfig={"s3Uri": "s3://smoke-bucket/out/"})
    own.settle()
    done = mine.get_model_customization_job(jobIdentifier=name)
    assert done["status"] == "Completed", done
    assert mine.get_custom_model(modelIdentifier=done["outputModelArn"])["modelStatus"] == "Active"
print(bc.__version__, job["status"], done["status"])
"""


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


def run(args, **kwargs) -> str:
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, **kwargs)
    if proc.returncode != 0:
        sys.exit(f"smoke: {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}")
    return proc.stdout


def main() -> int:
    if len(sys.argv) != 2 or not sys.argv[1].endswith(".whl"):
        sys.exit(__doc__)
    wheel = os.path.abspath(sys.argv[1])
    print(f"{os.path.basename(wheel)}: needs glibc {check_glibc(wheel)} at most")
    from bedrock_customization.testing import local_bedrock

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    with local_bedrock() as server, tempfile.TemporaryDirectory(prefix="bc-smoke-") as tmp:
        for version, exe in pythons():
            name = ".".join(map(str, version))
            venv = os.path.join(tmp, name)
            run([exe, "-m", "venv", venv])
            bindir = os.path.join(venv, "bin")
            run([os.path.join(bindir, "python"), "-m", "pip", "install", "--quiet", "--no-deps",
                 "--disable-pip-version-check", wheel], env=env)
            out = run([os.path.join(bindir, "python"), "-c", CHECK, str(server)], env=env, cwd=tmp)
            cli = run([os.path.join(bindir, "bedrock-customization"), "--version"], env=env, cwd=tmp)
            module = run([os.path.join(bindir, "python"), "-m", "bedrock_customization", "--version"], env=env, cwd=tmp)
            if not cli.startswith("bedrock-customization/") or f"Python/{name}" not in cli or cli != module:
                sys.exit(f"smoke: Python {name}: unexpected --version output {cli!r} / {module!r}")
            print(f"Python {name}: {out.strip()}; {cli.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
