"""A local, in-process Bedrock endpoint for examples and tests.

::

    import bedrock_customization as bc
    from bedrock_customization.testing import local_bedrock

    with local_bedrock() as endpoint_url:
        client = bc.client(
            "bedrock",
            region_name="us-east-1",
            endpoint_url=endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.list_model_customization_jobs()

The endpoint is moto's server (``pip install 'bedrock-customization[local]'``)
listening on a free port of 127.0.0.1.  No environment variables are set and
no other client is redirected.  moto keeps its state per Python process, so
jobs created through one ``local_bedrock()`` are visible through another one
running in the same process; and its jobs are given ARNs shaped like the real
service's (``.../model-customization-job/<base model>/<12-char id>``) so that
an ARN can be passed back as ``jobIdentifier`` (see ``_moto_compat``, applied
to moto once per process).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

__all__ = ["local_bedrock"]

_INSTALL_HINT = (
    "bedrock_customization.testing.local_bedrock() needs moto's server; "
    "install it with: pip install 'bedrock-customization[local]'"
)


class _Server:
    """moto's WSGI app served on 127.0.0.1 by werkzeug, in a daemon thread.

    This is what moto's ThreadedMotoServer does, minus its per-request log
    lines on stderr; ThreadedMotoServer is used if moto's layout changes.
    """

    def __init__(self) -> None:
        try:
            import moto  # noqa: F401
        except ImportError as e:
            raise ImportError(_INSTALL_HINT, name="moto") from e
        from . import _moto_compat

        _moto_compat.apply()
        try:
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
            from werkzeug.serving import WSGIRequestHandler, make_server
        except ImportError:
            self._fallback()
            return

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:
                pass

        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-bedrock", daemon=True
        )
        self._thread.start()
        self.port = self._server.server_address[1]
        self._stop = self._stop_werkzeug

    def _fallback(self) -> None:
        try:
            from moto.moto_server.threaded_moto_server import ThreadedMotoServer
        except ImportError as e:
            raise ImportError(_INSTALL_HINT, name=getattr(e, "name", None)) from e
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        self.port = server.get_host_and_port()[1]
        self._stop = server.stop

    def _stop_werkzeug(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def stop(self) -> None:
        self._stop()


@contextlib.contextmanager
def local_bedrock(region_name: str = "us-east-1") -> Iterator[str]:
    """Run a local Bedrock (moto's server) and yield its endpoint URL.

    ``region_name`` is the region clients are expected to use; moto keeps one
    set of jobs per region (taken from each request's signature), so clients
    in other regions see other, empty, sets.  The server stops on exit.
    """
    if not isinstance(region_name, str) or not region_name:
        raise ValueError("region_name must be a non-empty string such as 'us-east-1'")
    server = _Server()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()
