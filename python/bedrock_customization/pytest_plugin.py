"""pytest plugin (registered through the ``pytest11`` entry point).

Provides two fixtures backed by one local Bedrock (moto's server on 127.0.0.1,
see :func:`bedrock_customization.testing.local_bedrock`) started once per test
session, in region ``us-east-1``:

* ``local_bedrock`` — a :class:`~bedrock_customization.testing.LocalBedrock`:
  the endpoint URL (a ``str``) with helpers that move a job to any status
  (``set_job_status``, ``complete_job``, ``fail_job``) and list jobs (``jobs``);
* ``local_bedrock_endpoint`` — the same URL, as before.

::

    import uuid
    import bedrock_customization as bc

    def test_training_completes(local_bedrock):
        client = bc.client("bedrock", region_name="us-east-1", endpoint_url=local_bedrock,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        job_name = f"train-{uuid.uuid4().hex[:8]}"      # unique per test: see below
        client.create_model_customization_job(jobName=job_name, ...)
        local_bedrock.complete_job(job_name, training_metrics={"trainingLoss": 0.1})
        assert client.get_model_customization_job(jobIdentifier=job_name)["status"] == "Completed"

The server and its jobs are shared by the whole session (moto keeps its state
per process): a job created by one test, and any status it was given, stay
visible to later tests, and a job name can be created only once. Give every
test its own job names (a ``uuid`` suffix, as above) and look jobs up by name
rather than listing all of them; then no test sees another's changes.

moto is imported only when a test uses one of the fixtures.
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
    """The session's local Bedrock: its endpoint URL (a ``str``) with
    ``set_job_status`` / ``complete_job`` / ``fail_job`` / ``jobs``."""
    return _bedrock_customization_local_server
