"""Where a call goes while a test double is in place: a ``testing.Stubber``
attached to the client, or moto's ``mock_aws``.

moto's ``mock_aws`` patches botocore, which this package does not use, so on its
own it would not see our calls. While it is active (decorator, context manager
or class decorator) a client whose endpoint moto would intercept for boto3 hands
its calls to a *twin*: the same client pointed at a moto server in this process
(``ThreadedMotoServer`` on 127.0.0.1, started once), which serves moto's own
in-memory backends, so boto3 and this package see the same jobs. In moto's
server mode (``TEST_SERVER_MODE=true``) the twin points at that server instead.
Where it cannot be arranged (proxy mode, a moto without its server, a moto this
module cannot read) a call raises ``MockAwsUnavailableError`` and sends nothing.

The operation methods look here only once ``moto.core.models`` has been
imported (a dict lookup per call otherwise).
"""

from __future__ import annotations

import copy
import os
import re
import sys
import threading
from typing import Any, Dict, Optional

MOTO_MODULE = "moto.core.models"

_lock = threading.Lock()
_server_url: Optional[str] = None
_server: Any = None
_server_pid = 0  # a forked child starts a server of its own (its state is its own)


def _unavailable(reason: str) -> Exception:
    from .exceptions import MockAwsUnavailableError

    return MockAwsUnavailableError(reason=reason)


def _moto_version() -> str:
    return str(getattr(sys.modules.get("moto"), "__version__", "unknown"))


def _active_count(cls: Any) -> int:
    # moto counts nested starts on the class that was started (MockAWS or a subclass).
    return int(vars(cls).get("_nested_count", 0)) if cls is not None else 0


def _in_process_server() -> str:
    global _server_url, _server, _server_pid
    with _lock:
        if _server_url is None or _server_pid != os.getpid():
            try:
                from moto.moto_server.threaded_moto_server import ThreadedMotoServer
            except ImportError as e:
                raise _unavailable(
                    f"this package's calls are served from mock_aws's state by moto's server, "
                    f"which cannot be imported here ({e}); install moto[server]"
                ) from None
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            _quiet(server)
            host, port = server.get_host_and_port()
            _server, _server_url, _server_pid = server, f"http://{host}:{port}", os.getpid()
        return _server_url


def _quiet(server: Any) -> None:
    """No request log on stderr for the user's test run (werkzeug logs each request
    even with verbose=False); left as it is where moto's server is built otherwise."""
    wsgi: Any = getattr(server, "_server", None)
    handler = getattr(wsgi, "RequestHandlerClass", None)
    if handler is not None and hasattr(handler, "log_request"):

        class QuietHandler(handler):  # type: ignore[misc, valid-type]
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass

        wsgi.RequestHandlerClass = QuietHandler


# AWS's own hosts: under mock_aws, moto answers boto3 at any of them (``Not yet
# implemented`` where it has no backend), so none of them may be called for real.
_AWS_HOST = re.compile(r"\Ahttps?://[^/?#]*\.amazonaws\.com(\.cn)?(:\d+)?([/?#]|\Z)", re.IGNORECASE)


def _intercepted(client: Any) -> bool:
    """Whether moto serves this client's endpoint (its URL patterns for bedrock). A
    client pointed elsewhere (a local server) keeps going there, as boto3's would; one
    pointed at another AWS host (FIPS, a VPC endpoint) raises: moto would answer boto3
    there with an error, and the call must not reach AWS."""
    try:
        from moto.bedrock.urls import url_bases
    except ImportError as e:
        raise _unavailable(f"moto {_moto_version()} has no Bedrock backend here ({e})") from None
    endpoint = client.endpoint_url
    if any(re.match(pattern, endpoint) for pattern in url_bases):
        return True
    if _AWS_HOST.match(endpoint):
        raise _unavailable(
            f"moto serves Bedrock only at {' or '.join(url_bases)}, not at this client's "
            f"endpoint {endpoint}, and the call would reach AWS"
        )
    return False


def moto_endpoint(client: Any) -> Optional[str]:
    """The moto server this client's calls go to now, or None (no mock active, or not
    for this client's endpoint). Raises MockAwsUnavailableError where a mock is active
    but cannot serve the call."""
    models = sys.modules.get(MOTO_MODULE)
    if models is None:
        return None
    stubber = getattr(models, "botocore_stubber", None)
    base = getattr(models, "MockAWS", None)
    if stubber is None or base is None or not hasattr(stubber, "enabled"):
        # Not a moto this module can read; moto's mock puts these credentials in the
        # environment while it is active.
        if os.environ.get("AWS_ACCESS_KEY_ID") == "FOOBARKEY":
            raise _unavailable(
                f"moto {_moto_version()} is not a version this package can follow "
                "(it needs moto 5's moto.core.models.MockAWS and botocore_stubber)"
            )
        return None
    if _active_count(getattr(models, "ProxyModeMockAWS", None)):
        raise _unavailable("moto's proxy mode (TEST_PROXY_MODE) is not supported; use mock_aws in process or TEST_SERVER_MODE")
    if _active_count(getattr(models, "ServerModeMockAWS", None)):
        if not _intercepted(client):
            return None
        from moto import settings

        return str(settings.test_server_mode_endpoint())
    if not stubber.enabled or not _intercepted(client):
        return None
    return _in_process_server()


def _twin_arguments(client: Any, endpoint: str) -> Dict[str, Any]:
    """The client's own arguments, at moto's endpoint, with credentials that need
    nothing outside the test: its explicit keys, else the environment's (moto's
    ``FOOBARKEY`` while the mock is active), never a profile's credential process, SSO
    or role (they would call AWS or run programs), and signed (moto's server tells the
    service from the signature)."""
    arguments = dict(client._init_arguments, endpoint_url=endpoint, region_name=client.region_name, profile_name=None)
    if arguments["aws_access_key_id"] is None or arguments["aws_secret_access_key"] is None:
        arguments["aws_access_key_id"] = os.environ.get("AWS_ACCESS_KEY_ID") or "FOOBARKEY"
        arguments["aws_secret_access_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY") or "FOOBARSECRET"
        arguments["aws_session_token"] = os.environ.get("AWS_SESSION_TOKEN")
    config = arguments["config"]
    if config is not None and getattr(config, "signature_version", None) is not None:
        config = copy.copy(config)
        config.signature_version = None
        arguments["config"] = config
    return arguments


def target(client: Any) -> Any:
    """The client whose ``_make_api_call`` makes this call: the client itself when
    its calls take a Python path (a Stubber attached, event handlers registered:
    see ``_botocore.route``; that path asks :func:`network_target` itself), else
    :func:`network_target`."""
    if "_make_api_call" in client.__dict__:
        return client
    return network_target(client)


def network_target(client: Any) -> Any:
    """The client that sends the request: its twin on moto's server while
    ``mock_aws`` serves this client's endpoint, else the client itself."""
    endpoint = moto_endpoint(client)
    if endpoint is None:
        return client
    twin = client.__dict__.get("_moto_twin")
    if twin is None or twin[0] != endpoint:
        twin = (endpoint, type(client)(**_twin_arguments(client, endpoint)))
        client.__dict__["_moto_twin"] = twin
    return twin[1]
