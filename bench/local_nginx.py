"""A static nginx on a free 127.0.0.1 port serving fixed Bedrock responses, so
the server is never the bottleneck of a benchmark. Installs Debian's nginx if it
is missing (needs root, as on this project's machines)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Dict, Iterator, Tuple

NGINX = "/usr/sbin/nginx"


def ensure_nginx() -> str:
    path = shutil.which("nginx") or (NGINX if os.path.exists(NGINX) else None)
    if path:
        return path
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)
    return shutil.which("nginx") or NGINX


def _die_with_parent() -> None:
    """In the child before exec: nginx gets SIGTERM if the process that started it
    dies without cleaning up (killed, or its interpreter torn down)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort (not Linux)
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _text(body: object) -> str:
    return body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))


def _literal(body: str) -> str:
    return "'" + body.replace("\\", "\\\\").replace("'", "\\'") + "'"


@contextlib.contextmanager
def serve(routes: Dict[str, Tuple[int, object]], workers: int = 1) -> Iterator[str]:
    """routes: nginx `location` (e.g. "~ ^/model-customization-jobs/[^/]+$") ->
    (status, JSON-able body), or -> {"GET": (status, body), "POST": (status, body)}
    when the answer depends on the method (the first one listed is the default).
    Yields the base URL."""
    binary = ensure_nginx()
    port = _free_port()
    root = tempfile.mkdtemp(prefix="bench-nginx-")
    os.chmod(root, 0o755)  # nginx's workers (nobody) read the body files
    locations = []
    for location, answer in routes.items():
        by_method = answer if isinstance(answer, dict) else {"GET": answer}
        returns = []
        for k, (method, (status, body)) in enumerate(by_method.items()):
            text = _text(body)
            if k == 0 and len(text) > 3000:
                # nginx's configuration parser takes tokens of up to 4 KiB: a larger
                # body is a static file (so 200 only, and GET/HEAD only)
                if status != 200:
                    raise ValueError(f"{location}: a body over 3000 bytes can only be served with status 200")
                name = f"body{len(locations)}.json"
                with open(os.path.join(root, name), "w") as f:
                    f.write(text)
                default = f"root {root}; try_files /{name} =500;"
            elif k == 0:
                default = f"return {status} {_literal(text)};"
            else:
                if len(text) > 3000:
                    raise ValueError(f"{location} {method}: only the first method's body may be over 3000 bytes")
                returns.append(f"if ($request_method = {method}) {{ return {status} {_literal(text)}; }}")
        locations.append(
            f"location {location} {{ default_type application/json; "
            f"add_header x-amzn-RequestId 11111111-2222-3333-4444-555555555555; {' '.join(returns)} {default} }}"
        )
    conf = f"""
worker_processes {workers};
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    client_body_temp_path {root};
    proxy_temp_path {root};
    fastcgi_temp_path {root};
    uwsgi_temp_path {root};
    scgi_temp_path {root};
    server {{
        listen 127.0.0.1:{port};
        {' '.join(locations)}
    }}
}}
"""
    path = os.path.join(root, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    proc = subprocess.Popen([binary, "-c", path, "-p", root], stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(root, ignore_errors=True)
