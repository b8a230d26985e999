"""The Python face of the client: ``Client``, ``Session`` and their helpers.

The Rust core (``_core.Client``) resolves credentials, endpoints and retries and
makes the calls; this module adds what boto3 users expect around it
(``client.exceptions``, ``client.meta``, ``Session`` defaults and profiles).
"""

from __future__ import annotations

import copy
import os
import sys
import weakref
from typing import Any, Dict, List, Optional, cast

from . import _botocore, _core, _mocking, _model, _profiles
from . import waiter
from .config import Config

__all__ = ["Client", "ClientMeta", "Session"]

SERVICE_NAME = getattr(_model, "SERVICE_NAME", "bedrock")
API_VERSION = "2023-04-20"


def _exceptions():
    from . import exceptions

    return exceptions


# ---------------------------------------------------------------------------
# Client
# ---------------------------------------------------------------------------


class ClientMeta:
    """``client.meta``: what the client was resolved to, as botocore's ClientMeta:
    ``region_name``, ``endpoint_url``, ``config``, ``partition``,
    ``method_to_api_mapping``, and (botocore needed, imported on first use)
    ``service_model`` and ``events`` (see ``_botocore``)."""

    service_name = SERVICE_NAME

    def __init__(self, client: "Client", region_name: Optional[str], endpoint_url: Optional[str], config: Any):
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.config = config
        self.partition = _partition(region_name)
        self.method_to_api_mapping: Dict[str, str] = dict(_model.OPERATIONS)
        self._client = weakref.ref(client)
        self._events: Any = None

    @property
    def service_model(self) -> Any:
        """botocore's ``ServiceModel`` of the pinned model."""
        return _botocore.service_model()

    @property
    def events(self) -> Any:
        """botocore's event emitter for this client: handlers registered here run on
        its calls, with botocore's event names (``before-call.bedrock.<Operation>``...)."""
        if self._events is None:
            client = self._client()
            if client is None:
                raise ReferenceError("the client of this ClientMeta no longer exists")
            self._events = _botocore.events_for(client)
        return self._events

    def __repr__(self) -> str:
        return (
            f"ClientMeta(service_name={self.service_name!r}, region_name={self.region_name!r}, "
            f"endpoint_url={_redact_url(self.endpoint_url)!r})"
        )


def _partition(region: Optional[str]) -> str:
    if region is None:
        return "aws"
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _redact_url(url: Optional[str]) -> Optional[str]:
    """Drop any ``user:password@`` part of a URL before showing it."""
    if not url or "@" not in url:
        return url
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    return f"{scheme}://{authority}{slash}{path}"


class Client(_core.Client):
    """A low-level client for Amazon Bedrock (every operation of the service).

    Create one with :func:`bedrock_customization.client` or
    :meth:`Session.client`; the operation methods take keyword arguments only
    and return the same dicts as boto3 (positional arguments raise TypeError,
    as in boto3).  A client can be shared between threads.
    """

    def __init__(
        self,
        *,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        profile_name: Optional[str] = None,
        verify: Any = None,
        config: Any = None,
    ) -> None:
        # _core.Client.__new__ has already built the Rust client from the same
        # arguments; only the Python-side extras are set up here.
        # region_name / endpoint_url: read-only properties of the core, as resolved.
        # The arguments are kept for the twin that serves calls under moto's mock_aws.
        self._init_arguments = {
            "region_name": region_name,
            "endpoint_url": endpoint_url,
            "aws_access_key_id": aws_access_key_id,
            "aws_secret_access_key": aws_secret_access_key,
            "aws_session_token": aws_session_token,
            "profile_name": profile_name,
            "verify": verify,
            "config": config,
        }
        # As botocore's, meta.config is the client's own copy of the configuration,
        # with the region it resolved to (botocore's ClientMeta reads it from there).
        try:
            resolved = copy.copy(config) if config is not None else Config()
            resolved.region_name = self.region_name
        except (AttributeError, TypeError) as e:
            raise TypeError(
                f"config must be a bedrock_customization.Config or a botocore.config.Config, "
                f"not {type(config).__name__}"
            ) from e
        self.meta = ClientMeta(self, region_name=self.region_name, endpoint_url=self.endpoint_url, config=resolved)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        # isinstance(client, botocore.client.BaseClient) is true once botocore.client
        # is imported (see _botocore.botocore_class); type(client) is unchanged.
        return _botocore.botocore_class(type(self))

    def close(self) -> None:
        """Nothing to release (connections are pooled by the shared runtime); as
        boto3's ``client.close()``."""

    @property
    def exceptions(self):
        """The modeled error classes (``client.exceptions.ResourceNotFoundException``,
        ``client.exceptions.from_code(code)``), as in boto3."""
        return _exceptions().client_exceptions

    def __repr__(self) -> str:
        return (
            f"<{type(self).__module__.split('.')[0]}.Client service_name={SERVICE_NAME!r} "
            f"region_name={self.meta.region_name!r} endpoint_url={_redact_url(self.meta.endpoint_url)!r}>"
        )

    def __reduce__(self):
        raise TypeError("bedrock_customization clients cannot be pickled; create one per process")

    # -- waiters and paginators (façades; the waiting loop runs in the core) --

    @property
    def waiter_names(self) -> List[str]:
        return waiter.waiter_names()

    def get_waiter(self, waiter_name: str) -> "waiter.Waiter":
        """One of ``waiter_names`` (``bedrock_customization.waiter`` lists them)."""
        return waiter.Waiter(self, waiter_name)

    def can_paginate(self, operation_name: str) -> bool:
        from . import paginate

        return paginate.can_paginate(operation_name)

    def get_paginator(self, operation_name: str):
        from . import paginate

        return paginate.Paginator(self, operation_name)


class AsyncClient(Client):
    """The same client with coroutine operations, for asyncio (and Jupyter's
    top-level ``await``): ``await client.get_model_customization_job(...)``.

    Requests run on the shared Rust runtime and resolve on the caller's event
    loop; cancelling the awaiting task abandons the request. Usable with or
    without ``async with``.
    """

    def get_waiter(self, waiter_name: str) -> "waiter.AsyncWaiter":
        return waiter.AsyncWaiter(self, waiter_name)

    def get_paginator(self, operation_name: str):
        from . import paginate

        return paginate.AsyncPaginator(self, operation_name)

    async def close(self) -> None:  # type: ignore[override]
        """Nothing to release: connections are pooled by the shared runtime."""

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return super().__repr__().replace(".Client ", ".AsyncClient ", 1)


_modules = sys.modules
_MOTO = _mocking.MOTO_MODULE


def _api_method(python_name: str, operation_name: str):
    """An operation method, as botocore makes them: keyword arguments only, one
    generic call (``_make_api_call``) behind every operation. Once moto is imported,
    ``_mocking.target`` says which client makes the call (see ``_mocking``)."""

    def method(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        if args:
            raise TypeError(f"{python_name}() only accepts keyword arguments.")
        if _MOTO in _modules:
            return _mocking.target(self)._make_api_call(operation_name, kwargs)
        return self._make_api_call(operation_name, kwargs)

    method.__name__ = python_name
    method.__qualname__ = f"Client.{python_name}"
    method.__doc__ = f"Calls the ``{operation_name}`` operation; the same arguments and result as boto3's."
    return method


def _coroutine_method(python_name: str, operation_name: str):
    """The async client's form: a real coroutine function around the core's
    awaitable, so a call made outside a running loop (``asyncio.run(...)``) works."""

    async def method(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        if args:
            raise TypeError(f"{python_name}() only accepts keyword arguments.")
        if _MOTO in _modules:
            return await _mocking.target(self)._make_api_call_async(operation_name, kwargs)
        return await self._make_api_call_async(operation_name, kwargs)

    method.__name__ = python_name
    method.__qualname__ = f"AsyncClient.{python_name}"
    method.__doc__ = f"Coroutine form of :meth:`Client.{python_name}`."
    return method


# One method per operation of the model, on both clients.
for _python_name, _operation_name in _model.OPERATIONS.items():
    setattr(Client, _python_name, _api_method(_python_name, _operation_name))
    setattr(AsyncClient, _python_name, _coroutine_method(_python_name, _operation_name))
del _python_name, _operation_name


# ---------------------------------------------------------------------------
# Session
# ---------------------------------------------------------------------------


class Session:
    """Stores configuration state and creates clients (like ``boto3.Session``).

    Arguments given here are defaults for every client the session creates;
    arguments given to :meth:`client` override them.  Anything not given is
    resolved the usual AWS way: environment variables (``AWS_ACCESS_KEY_ID``,
    ``AWS_DEFAULT_REGION``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL_BEDROCK``, ...),
    then the shared config and credentials files, then container/instance
    credentials.
    """

    def __init__(
        self,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        region_name: Optional[str] = None,
        botocore_session: Any = None,
        profile_name: Optional[str] = None,
        aws_account_id: Optional[str] = None,
    ) -> None:
        if botocore_session is not None:
            raise TypeError("bedrock_customization.Session does not use a botocore_session; pass None")
        self._aws_access_key_id = aws_access_key_id
        self._aws_secret_access_key = aws_secret_access_key
        self._aws_session_token = aws_session_token
        self._region_name = region_name
        # botocore: explicit argument, then AWS_DEFAULT_PROFILE, then AWS_PROFILE.
        self._explicit_profile = (
            profile_name or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE") or None
        )
        # Handed to the core: only a profile named explicitly (which, as in boto3,
        # takes precedence over credentials in the environment) or through
        # AWS_DEFAULT_PROFILE, which the Rust SDK does not read (it reads AWS_PROFILE).
        self._core_profile = profile_name or os.environ.get("AWS_DEFAULT_PROFILE") or None
        self._profiles: Optional[Dict[str, Dict[str, str]]] = None
        if self._explicit_profile is not None and self._explicit_profile not in self._profile_map():
            raise _exceptions().ProfileNotFound(profile=self._explicit_profile)

    @classmethod
    def from_boto3(cls, session: Any) -> "Session":
        """A Session with the credentials and region of a ``boto3.Session`` (or a
        botocore session): for code that is handed a boto3 session, such as an
        Airflow hook. The credentials are the session's at this moment (refreshing
        ones, an assumed role say, are frozen: make a new Session when they expire);
        a session without credentials leaves them to the usual chain."""
        credentials = session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
        region = getattr(session, "region_name", None)
        if region is None and hasattr(session, "get_config_variable"):  # a botocore session
            region = session.get_config_variable("region")
        return cls(
            aws_access_key_id=frozen.access_key if frozen else None,
            aws_secret_access_key=frozen.secret_key if frozen else None,
            aws_session_token=frozen.token if frozen else None,
            region_name=region,
        )

    def _profile_map(self) -> Dict[str, Dict[str, str]]:
        if self._profiles is None:
            self._profiles = _profiles.load_profiles()
        return self._profiles

    @property
    def profile_name(self) -> str:
        """The profile in use (``'default'`` when none was chosen)."""
        return self._explicit_profile or "default"

    @property
    def region_name(self) -> Optional[str]:
        """The session's region: the argument, else ``AWS_DEFAULT_REGION``,
        else the profile's ``region`` (None when nowhere)."""
        if self._region_name:
            return self._region_name
        env = os.environ.get("AWS_DEFAULT_REGION")
        if env:
            return env
        return self._profile_map().get(self.profile_name, {}).get("region") or None

    @property
    def available_profiles(self) -> List[str]:
        """Profile names found in the shared config and credentials files."""
        return list(_profiles.load_profiles())

    def get_available_services(self) -> List[str]:
        return [SERVICE_NAME]

    def get_available_resources(self) -> List[str]:
        return []

    def client(
        self,
        service_name: str,
        region_name: Optional[str] = None,
        api_version: Optional[str] = None,
        use_ssl: bool = True,
        verify: Any = None,
        endpoint_url: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        config: Any = None,
        aws_account_id: Optional[str] = None,
        *,
        _client_class: Optional[type] = None,
    ) -> Client:
        """Create a client; only ``service_name='bedrock'`` is available.

        ``use_ssl`` is accepted for compatibility: the default endpoint is always
        HTTPS, and an ``endpoint_url`` is used exactly as given.
        """
        if service_name != SERVICE_NAME:
            raise _exceptions().UnknownServiceError(
                service_name=service_name, known_service_names=SERVICE_NAME
            )
        if api_version is not None and api_version != API_VERSION:
            raise _exceptions().DataNotFoundError(data_path=f"{SERVICE_NAME}/{api_version}/service-2")

        # Region precedence (boto3): client argument, Config.region_name, then the
        # session (argument, AWS_DEFAULT_REGION, profile).  Left as None, the core
        # looks further (AWS_REGION) and raises NoRegionError if it finds nothing.
        region = region_name or getattr(config, "region_name", None) or self.region_name

        return (_client_class or Client)(
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id=aws_access_key_id if aws_access_key_id is not None else self._aws_access_key_id,
            aws_secret_access_key=(
                aws_secret_access_key if aws_secret_access_key is not None else self._aws_secret_access_key
            ),
            aws_session_token=aws_session_token if aws_session_token is not None else self._aws_session_token,
            profile_name=self._core_profile,
            verify=verify,
            config=config,
        )

    def async_client(self, *args: Any, **kwargs: Any) -> AsyncClient:
        """An :class:`AsyncClient`; the same arguments as :meth:`client`."""
        return cast(AsyncClient, self.client(*args, _client_class=AsyncClient, **kwargs))

    def __repr__(self) -> str:
        return f"Session(region_name={self.region_name!r}, profile_name={self.profile_name!r})"
