"""pytest plugin (registered through the ``pytest11`` entry point).

Provides the ``local_bedrock_endpoint`` fixture: the URL of a local Bedrock
(moto's server on 127.0.0.1, see :func:`bedrock_customization.testing.local_bedrock`),
started once per test session::

    def test_lifecycle(local_bedrock_endpoint):
        client = bc.client("bedrock", region_name="us-east-1",
                           endpoint_url=local_bedrock_endpoint,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        assert client.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []

moto is imported only when a test uses the fixture.
"""

from __future__ import annotations

from typing import Iterator

import pytest


@pytest.fixture(scope="session")
def local_bedrock_endpoint() -> Iterator[str]:
    """URL of a local Bedrock endpoint shared by the whole test session."""
    from .testing import local_bedrock

    with local_bedrock() as endpoint_url:
        yield endpoint_url
