"""Provisioning for bench/run.py: the tools it needs (Debian packages, pip modules,
py-spy), a clean virtualenv per contender under /tmp (bench/bare's wheel built with
maturin for the bare-hyper contender), the environment every contender runs with,
and the fixed answers the local nginx serves (from bench/fixtures.py).

Also the harness's shared state: its paths, its log, and ENV and PY (the
contenders' environment and the Python of each contender), which run.main fills in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional

import fixtures

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

CONTENDERS = os.path.join(HERE, "contenders.py")
JOB_ID = fixtures.JOB_ID
JOB_PATH = f"/model-customization-jobs/{JOB_ID}"
LIST_PATH = "/model-customization-jobs"
PYCACHE = "/tmp/bench-pycache"
VENVS = {
    "bc": "/tmp/bench-bc-venv",
    "bcb": "/tmp/bench-bc-botocore-venv",
    "boto3": "/tmp/bench-boto3-venv",
    "aioboto3": "/tmp/bench-aioboto3-venv",
    "awscli": "/tmp/bench-awscli-venv",
    "bccli": "/tmp/bench-bc-cli-venv",
    "capo": "/tmp/bench-capo-venv",
    "bare": "/tmp/bench-bare-venv",
}
# capo-bedrock and the versions of its dependencies that pip resolved for it, pinned
CAPO_PACKAGES = ["capo-bedrock==0.16.0", "zapros==0.23.0", "h11==0.16.0", "idna==3.20", "pywhatwgurl==0.1.2",
                 "typing_extensions==4.16.0"]
BARE_DIR = os.path.join(HERE, "bare")
BARE_TARGET = os.path.join(BARE_DIR, "target")  # its own, gitignored; not the package's target/
BARE_WHEELS = "/tmp/bench-bare-wheel"
T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Tools and environments
# ---------------------------------------------------------------------------

_apt_updated = False


def apt_install(package: str, binary: str) -> Optional[str]:
    """The binary, installing the Debian package when it is missing (as root)."""
    global _apt_updated
    found = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if found:
        return found
    log(f"installing Debian package {package}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        if not _apt_updated:
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
            _apt_updated = True
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        log(f"could not install {package}: {e}")
        return None
    return shutil.which(binary)


def pip_module(module: str, package: str) -> bool:
    """Import-check a module in this Python, pip-installing it when missing."""
    check = [sys.executable, "-c", f"import {module}"]
    if subprocess.run(check, capture_output=True).returncode == 0:
        return True
    log(f"pip install {package}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], capture_output=True)
    return subprocess.run(check, capture_output=True).returncode == 0


def ensure_pyspy() -> bool:
    if not shutil.which("py-spy"):
        log("pip install py-spy")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], capture_output=True)
    return bool(shutil.which("py-spy"))


def venv_python(name: str) -> str:
    return os.path.join(VENVS[name], "bin", "python")


def ensure_venv(name: str, packages: List[str], pth: Optional[str] = None, tag: Optional[str] = None,
                wheels=None) -> str:
    """A clean virtualenv (no system site-packages) with exactly these packages.
    wheels: called only when the venv is (re)made, returns local wheels to install
    too; tag: what they were built from (the venv is remade when it changes)."""
    root = VENVS[name]
    marker = os.path.join(root, ".bench-packages")
    want = json.dumps({"packages": packages, "pth": pth, **({"tag": tag} if tag else {})})
    if os.path.exists(marker) and open(marker).read() == want and os.path.exists(venv_python(name)):
        return venv_python(name)
    local = wheels() if wheels else []
    log(f"making virtualenv {root} ({' '.join(packages + [os.path.basename(w) for w in local]) or 'no packages'})")
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", root], check=True)
    if packages or local:
        subprocess.run([venv_python(name), "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages,
                        *local], check=True)
    if pth:
        site = subprocess.run([venv_python(name), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
        with open(os.path.join(site, "bench-bedrock-customization.pth"), "w") as f:
            f.write(pth + "\n")
    with open(marker, "w") as f:
        f.write(want)
    return venv_python(name)


def bare_source_hash() -> str:
    """What bench/bare is built from (its manifest, lock file and sources)."""
    h = hashlib.sha256()
    for base, dirs, files in sorted(os.walk(BARE_DIR)):
        dirs[:] = sorted(d for d in dirs if d != "target")
        for name in sorted(files):
            if name.endswith((".rs", ".toml", ".lock")):
                path = os.path.join(base, name)
                h.update(os.path.relpath(path, BARE_DIR).encode() + b"\0" + open(path, "rb").read())
    return h.hexdigest()[:16]


BARE_BUILD: Dict[str, Any] = {}  # how the bare-hyper contender was built (for the report)


def build_bare() -> List[str]:
    """bench/bare's wheel: `maturin build --release` with its own target dir."""
    maturin = shutil.which("maturin") or os.path.join(os.path.dirname(sys.executable), "maturin")
    if not os.path.exists(maturin):
        pip_module("maturin", "maturin")
        maturin = shutil.which("maturin") or os.path.join(os.path.dirname(sys.executable), "maturin")
    out = os.path.join(BARE_WHEELS, bare_source_hash())
    shutil.rmtree(out, ignore_errors=True)
    cmd = [maturin, "build", "--release", "--manifest-path", os.path.join(BARE_DIR, "Cargo.toml"), "-o", out]
    log(f"building bench/bare ({shlex.join(cmd[1:])}, CARGO_TARGET_DIR=bench/bare/target)")
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=dict(os.environ, CARGO_TARGET_DIR=BARE_TARGET), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"maturin build of bench/bare failed:\n{p.stderr[-3000:]}")
    BARE_BUILD.update(seconds=time.monotonic() - t0, command=f"CARGO_TARGET_DIR=bench/bare/target "
                      f"maturin build --release --manifest-path bench/bare/Cargo.toml -o {BARE_WHEELS}/HASH")
    log(f"built bench/bare in {BARE_BUILD['seconds']:.0f} s")
    return [os.path.join(out, w) for w in os.listdir(out) if w.endswith(".whl")]


def ensure_bare(bc_dir: str) -> Optional[str]:
    """The bare-hyper contender's venv: bench/bare's wheel, this checkout (.pth) and
    python-dateutil, as the bedrock_customization contender has; None (and the
    contender is left out) when it cannot be built."""
    try:
        return ensure_venv("bare", ["python-dateutil"], pth=bc_dir, tag=bare_source_hash(), wheels=build_bare)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        log(f"bare-hyper contender left out: {e}")
        BARE_BUILD["error"] = str(e).splitlines()[0]
        return None


def console_script(python: str) -> str:
    """The `bedrock-customization` wrapper pip writes for the console script."""
    path = os.path.join(os.path.dirname(python), "bedrock-customization")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(f"#!{python}\nimport sys\nfrom bedrock_customization.cli import main\n"
                    "if __name__ == '__main__':\n    sys.exit(main())\n")
        os.chmod(path, 0o755)
    return path


def child_env() -> Dict[str, str]:
    """What every contender runs with: fixed credentials, no config files, no
    instance metadata, and .pyc files cached (in one separate tree)."""
    drop = ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in drop}
    env.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PYTHONPYCACHEPREFIX=PYCACHE,
    )
    return env


# Filled in by run.main: what every contender runs with (child_env()), and each contender's Python.
ENV: Dict[str, str] = {}
PY: Dict[str, str] = {}


# ---------------------------------------------------------------------------
# The server's answers
# ---------------------------------------------------------------------------

def routes(model) -> dict:
    return {
        f"= {LIST_PATH}": {"GET": (200, fixtures.list_page(100, model)), "POST": (201, fixtures.create_job(model))},
        "~ ^/model-customization-jobs/[^/]+/stop$": (200, {}),
        f"= /model-customization-jobs/{JOB_ID}-distillation": (200, fixtures.get_job("distillation", model)),
        "~ ^/model-customization-jobs/[^/]+$": (200, fixtures.get_job("rft", model)),
    }
