"""boto3-compatible client for the Amazon Bedrock control plane, with a Rust core.

Every operation of the ``bedrock`` service (model customization, custom models and
their deployments, provisioned throughput, model import and copy, evaluation and
batch-inference jobs, guardrails, ...), its paginators, waiters for every resource
that takes time, a command line and an offline local Bedrock.

Replace ``boto3`` with this package::

    import bedrock_customization as bc

    client = bc.client("bedrock", region_name="us-east-1")
    job = client.get_model_customization_job(jobIdentifier="my-job")

Results are the same dicts boto3 returns and errors are the same exceptions
(subclasses of botocore's when botocore is installed).
"""

from __future__ import annotations

from typing import Any, Optional

from ._client import AsyncClient, Client, Session
from ._core import __version__  # Cargo.toml's version, the package's one (pyproject.toml takes it too)
from .config import UNSIGNED, Config

__all__ = ["AsyncClient", "Client", "Config", "Session", "UNSIGNED", "async_client", "client", "exceptions", "testing", "training_data", "__version__"]


def client(
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
) -> Client:
    """Create a client, like ``boto3.client``; only ``"bedrock"`` is available.

    Settings not given are taken from the environment and the shared AWS
    config files, as boto3 does.
    """
    return Session().client(
        service_name,
        region_name=region_name,
        api_version=api_version,
        use_ssl=use_ssl,
        verify=verify,
        endpoint_url=endpoint_url,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
        config=config,
        aws_account_id=aws_account_id,
    )


def async_client(*args: Any, **kwargs: Any) -> AsyncClient:
    """Create an :class:`AsyncClient` (coroutine operations, async waiters and
    paginators); the same arguments as :func:`client`."""
    return Session().async_client(*args, **kwargs)


def __getattr__(name: str) -> Any:
    # Imported on first use: `exceptions` pulls in botocore.exceptions (when
    # installed), `testing` pulls in moto and `training_data` reads its rules;
    # none is needed to make calls.
    if name in ("exceptions", "testing", "training_data"):
        import importlib

        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | {"exceptions", "testing", "training_data"})
