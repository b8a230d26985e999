"""pytest plugin (registered through the ``pytest11`` entry point).

Provides two fixtures backed by one local Bedrock (our own server on 127.0.0.1,
see :func:`bedrock_customization.testing.local_bedrock`) started once per test
session, in region ``us-east-1``:

* ``local_bedrock`` — a :class:`~bedrock_customization.testing.LocalBedrock`:
  the endpoint URL (a ``str``) with its controls (``advance``, ``set_status``,
  ``complete_job``, ``fail_job``, ``fail_next``, ``throttle``, ``jobs``, ...);
* ``local_bedrock_endpoint`` — the same URL.

::

    import uuid
    import bedrock_customization as bc

    def test_training_completes(local_bedrock):
        client = bc.client("bedrock", region_name="us-east-1", endpoint_url=local_bedrock,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        job_name = f"train-{uuid.uuid4().hex[:8]}"      # unique per test: see below
        client.create_model_customization_job(jobName=job_name, ...)
        local_bedrock.advance(60)                        # the job's simulated steps are done
        assert client.get_model_customization_job(jobIdentifier=job_name)["status"] == "Completed"

The server and its resources are shared by the whole session: a job created by
one test stays visible to later tests, and a job name can be used only once.
Give every test its own names (a ``uuid`` suffix, as above) and look resources
up by name rather than listing all of them. Faults injected with ``fail_next`` /
``throttle`` apply to the next matching request of any test; the clock only
moves forward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from .testing import LocalBedrock


@pytest.fixture(scope="session")
def _bedrock_customization_local_server() -> Iterator["LocalBedrock"]:
    from .testing import local_bedrock as start

    with start() as server:
        yield server


@pytest.fixture(scope="session")
def local_bedrock_endpoint(_bedrock_customization_local_server: "LocalBedrock") -> str:
    """URL of a local Bedrock endpoint shared by the whole test session."""
    return str(_bedrock_customization_local_server)


@pytest.fixture
def local_bedrock(_bedrock_customization_local_server: "LocalBedrock") -> "LocalBedrock":
    """The session's local Bedrock: its endpoint URL (a ``str``) with its controls."""
    return _bedrock_customization_local_server
