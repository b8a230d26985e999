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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _literal(body: str) -> str:
    return "'" + body.replace("\\", "\\\\").replace("'", "\\'") + "'"


@contextlib.contextmanager
def serve(routes: Dict[str, Tuple[int, object]], workers: int = 1) -> Iterator[str]:
    """routes: nginx `location` (e.g. "~ ^/model-customization-jobs/[^/]+$") ->
    (status, JSON-able body). Yields the base URL."""
    binary = ensure_nginx()
    port = _free_port()
    root = tempfile.mkdtemp(prefix="bench-nginx-")
    locations = []
    for location, (status, body) in routes.items():
        text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
        locations.append(
            f"location {location} {{ default_type application/json; "
            f"add_header x-amzn-RequestId 11111111-2222-3333-4444-555555555555; return {status} {_literal(text)}; }}"
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
    proc = subprocess.Popen([binary, "-c", path, "-p", root], stderr=subprocess.PIPE)
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
