"""Paginators side by side with boto3's.

Jobs are created once per test (with one client, under a name prefix unique
to the test, which ``nameContains`` isolates) and read with both clients, so
pages, tokens and full results must be exactly equal once per-request values
(request ids, Date header) are removed.  The scripted server covers what moto
cannot produce (a repeated token, an empty token, pages without items).
"""

from __future__ import annotations

import asyncio
import base64
import json
import pickle
import subprocess
import sys
import textwrap
import uuid

import botocore.config
import botocore.exceptions
from botocore import xform_name
import pytest

import bedrock_customization as bc
from bedrock_customization import _model
from bedrock_customization.paginate import AsyncPaginator, Paginator, can_paginate
from conftest import (
    CREDENTIALS,
    REGION,
    Reply,
    assert_parity,
    capture,
    job_request,
    make_bc_client,
    make_boto3_client,
    pinned_json,
    strip_volatile,
)

OP = "list_model_customization_jobs"
NAMES = "modelCustomizationJobSummaries[].jobName"
JOB_COUNT = 7


@pytest.fixture(scope="module")
def local_url():
    """A local Bedrock whose simulated steps take an hour: the jobs listed do not
    change between boto3's pages and bc's."""
    with bc.testing.local_bedrock(durations={key: 3600 for key in bc.testing.DURATIONS}) as server:
        yield server


@pytest.fixture(scope="module")
def boto3_client(local_url):
    return make_boto3_client(local_url)


@pytest.fixture(scope="module")
def bc_client(local_url):
    return make_bc_client(local_url)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def bc_paginator(client, name=OP):
    """Through client.get_paginator when the client has it, else directly."""
    if hasattr(client, "get_paginator"):
        return client.get_paginator(name)
    return (AsyncPaginator if asyncio.iscoroutinefunction(getattr(client, OP)) else Paginator)(client, name)


def bc_can_paginate(client, name):
    if hasattr(client, "can_paginate"):
        return client.can_paginate(name)
    return can_paginate(name)


def pages_of(page_iterator):
    return [strip_volatile(page) for page in page_iterator]


def job_names(pages):
    return [s["jobName"] for page in pages for s in page["modelCustomizationJobSummaries"]]


@pytest.fixture
def jobs(bc_client):
    """JOB_COUNT jobs under a prefix of their own, created once with bc;
    returns (prefix, job names)."""
    prefix = f"pgn{uuid.uuid4().hex[:10]}"
    names = []
    for i in range(JOB_COUNT):
        name = f"{prefix}-{i}"
        bc_client.create_model_customization_job(**job_request(name, f"{prefix}-model-{i}"))
        names.append(name)
    return prefix, names


def both(boto3_client, bc_client, prefix, config=None, **params):
    """The same pagination with boto3 and with bc: (boto3 iterator, bc iterator)."""
    params.setdefault("nameContains", prefix)
    b3 = boto3_client.get_paginator(OP).paginate(PaginationConfig=dict(config or {}), **params)
    ours = bc_paginator(bc_client).paginate(PaginationConfig=dict(config or {}), **params)
    return b3, ours


# ---------------------------------------------------------------------------
# can_paginate / get_paginator
# ---------------------------------------------------------------------------


def test_can_paginate_each_operation(boto3_client, bc_client):
    for name in _model.OPERATIONS:
        assert bc_can_paginate(bc_client, name) is boto3_client.can_paginate(name), name
        assert can_paginate(name) is boto3_client.can_paginate(name), name
    pageable = sorted(xform_name(op) for op in pinned_json("paginators-1.json")["pagination"])
    assert sorted(n for n in _model.OPERATIONS if can_paginate(n)) == pageable and len(pageable) == 19


@pytest.mark.parametrize("name", sorted(n for n in _model.OPERATIONS if n not in _model.PAGINATORS))
def test_operation_not_pageable(boto3_client, bc_client, name):
    expected = capture(lambda: boto3_client.get_paginator(name))
    got = capture(lambda: bc_paginator(bc_client, name))
    assert type(expected).__name__ == type(got).__name__ == "OperationNotPageableError"
    assert isinstance(got, botocore.exceptions.OperationNotPageableError)
    assert isinstance(got, bc.exceptions.BotoCoreError)
    assert str(got) == str(expected) == f"Operation cannot be paginated: {name}"
    assert got.kwargs == expected.kwargs == {"operation_name": name}
    exc_class = getattr(bc.exceptions, "OperationNotPageableError", None)
    if exc_class is not None:
        assert isinstance(got, exc_class)
    again = pickle.loads(pickle.dumps(got))
    assert type(again) is type(got) and str(again) == str(got)


@pytest.mark.parametrize("name", ["no_such_operation", "ListModelCustomizationJobs", ""])
def test_unknown_operation_names(boto3_client, bc_client, name):
    """boto3 raises KeyError for names that are not operations of the client; so does bc."""
    got = capture(lambda: bc_paginator(bc_client, name))
    assert type(got) is KeyError and got.args == (name,)
    got = capture(lambda: bc_can_paginate(bc_client, name))
    assert type(got) is KeyError and got.args == (name,)
    expected = capture(lambda: boto3_client.get_paginator(name))
    assert type(expected) is KeyError and expected.args == (name,)
    expected = capture(lambda: boto3_client.can_paginate(name))
    assert type(expected) is KeyError and expected.args == (name,)


def test_paginator_attributes(boto3_client, bc_client):
    expected = boto3_client.get_paginator(OP)
    got = bc_paginator(bc_client)
    assert [k.expression for k in got.result_keys] == [k.expression for k in expected.result_keys]
    assert [repr(k) for k in got.result_keys] == [repr(k) for k in expected.result_keys]
    b3_it, bc_it = expected.paginate(), got.paginate()
    assert [k.expression for k in bc_it.result_keys] == ["modelCustomizationJobSummaries"]
    assert bc_it.resume_token is b3_it.resume_token is None
    assert bc_it.non_aggregate_part == b3_it.non_aggregate_part == {}


# ---------------------------------------------------------------------------
# Against moto: pages, MaxItems, tokens, full results, search
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, page_count",
    [
        ({}, 1),
        ({"PageSize": 2}, 4),
        ({"PageSize": 3}, 3),
        ({"PageSize": 7}, 1),
        ({"MaxItems": 5}, 1),
        ({"MaxItems": 5, "PageSize": 2}, 3),
        ({"MaxItems": 5, "PageSize": 3}, 2),
        ({"MaxItems": 6, "PageSize": 3}, 2),  # stops on a page boundary
        ({"MaxItems": 7, "PageSize": 2}, 4),
        ({"MaxItems": 20, "PageSize": 3}, 3),
        ({"MaxItems": "4", "PageSize": "3"}, 2),  # strings are converted, as in botocore
    ],
)
def test_pages_match_boto3(jobs, boto3_client, bc_client, config, page_count):
    prefix, names = jobs
    b3, ours = both(boto3_client, bc_client, prefix, config, sortOrder="Ascending")
    expected, got = pages_of(b3), pages_of(ours)
    assert len(got) == page_count
    assert_parity(expected, got)
    max_items = int(config.get("MaxItems", JOB_COUNT))
    assert job_names(got) == names[: min(max_items, JOB_COUNT)]
    assert ours.resume_token == b3.resume_token
    assert (ours.resume_token is not None) == (max_items < JOB_COUNT)
    assert ours.non_aggregate_part == b3.non_aggregate_part


def test_resume_token_format(jobs, boto3_client, bc_client):
    """A cut inside a page is a base64 JSON token with boto_truncate_amount,
    a cut on a page boundary is the service's own token, wrapped the same way."""
    prefix, _ = jobs
    b3, ours = both(boto3_client, bc_client, prefix, {"MaxItems": 5, "PageSize": 3})
    assert_parity(pages_of(b3), pages_of(ours))
    token = json.loads(base64.b64decode(ours.resume_token))
    assert list(token) == ["nextToken", "boto_truncate_amount"]
    assert token["boto_truncate_amount"] == 2 and token["nextToken"]
    assert ours.resume_token == b3.resume_token

    b3, ours = both(boto3_client, bc_client, prefix, {"MaxItems": 5})
    assert_parity(pages_of(b3), pages_of(ours))
    assert json.loads(base64.b64decode(ours.resume_token)) == {
        "nextToken": None,
        "boto_truncate_amount": 5,
    }
    assert ours.resume_token == b3.resume_token

    b3, ours = both(boto3_client, bc_client, prefix, {"MaxItems": 6, "PageSize": 3})
    assert_parity(pages_of(b3), pages_of(ours))
    token = json.loads(base64.b64decode(ours.resume_token))
    assert list(token) == ["nextToken"] and token["nextToken"]
    assert ours.resume_token == b3.resume_token


@pytest.mark.parametrize("page_size", [None, 2, 3])
def test_resume_with_starting_token(jobs, boto3_client, bc_client, page_size):
    """MaxItems 5 then the rest from the token, with and without PageSize."""
    prefix, names = jobs
    first = {"MaxItems": 5}
    if page_size:
        first["PageSize"] = page_size
    b3, ours = both(boto3_client, bc_client, prefix, first, sortOrder="Ascending")
    assert_parity(pages_of(b3), pages_of(ours))
    token = ours.resume_token
    assert token == b3.resume_token

    rest = {"StartingToken": token}
    if page_size:
        rest["PageSize"] = page_size
    b3, ours = both(boto3_client, bc_client, prefix, rest, sortOrder="Ascending")
    expected, got = pages_of(b3), pages_of(ours)
    assert_parity(expected, got)
    assert job_names(got) == names[5:]
    assert ours.resume_token is b3.resume_token is None


def test_walk_in_steps_of_two(jobs, boto3_client, bc_client):
    """MaxItems 2 again and again from the last token visits every job once;
    each step of bc starts from the token boto3 gave, and the other way round."""
    prefix, names = jobs
    b3_token = bc_token = None
    seen = []
    for step in range(10):
        b3_config = {"MaxItems": 2, "PageSize": 3}
        bc_config = dict(b3_config)
        if step:
            # bc resumes from boto3's token and boto3 from bc's: they are one format.
            b3_config["StartingToken"], bc_config["StartingToken"] = bc_token, b3_token
        b3 = boto3_client.get_paginator(OP).paginate(
            nameContains=prefix, sortOrder="Ascending", PaginationConfig=b3_config
        )
        ours = bc_paginator(bc_client).paginate(nameContains=prefix, sortOrder="Ascending", PaginationConfig=bc_config)
        expected, got = pages_of(b3), pages_of(ours)
        assert_parity(expected, got)
        seen += job_names(got)
        b3_token, bc_token = b3.resume_token, ours.resume_token
        assert bc_token == b3_token
        if bc_token is None:
            break
    assert seen == names


def test_build_full_result(jobs, boto3_client, bc_client):
    prefix, names = jobs
    for config in ({}, {"PageSize": 2}, {"MaxItems": 5}, {"MaxItems": 5, "PageSize": 3}, {"MaxItems": 6, "PageSize": 3}):
        b3, ours = both(boto3_client, bc_client, prefix, config, sortOrder="Ascending")
        expected, got = b3.build_full_result(), ours.build_full_result()
        assert_parity(expected, got)
        assert set(got) <= {"modelCustomizationJobSummaries", "NextToken"}
        assert [s["jobName"] for s in got["modelCustomizationJobSummaries"]] == names[: config.get("MaxItems", 7)]
        assert ("NextToken" in got) == ("MaxItems" in config)
        if "NextToken" in got:
            assert got["NextToken"] == ours.resume_token == b3.resume_token
            rest_b3, rest_bc = both(
                boto3_client, bc_client, prefix, {"StartingToken": got["NextToken"]}, sortOrder="Ascending"
            )
            rest_expected, rest_got = rest_b3.build_full_result(), rest_bc.build_full_result()
            assert_parity(rest_expected, rest_got)
            assert [s["jobName"] for s in rest_got["modelCustomizationJobSummaries"]] == names[config["MaxItems"] :]


def test_search(jobs, boto3_client, bc_client):
    prefix, names = jobs
    for config in ({}, {"PageSize": 3}, {"MaxItems": 5, "PageSize": 2}):
        b3, ours = both(boto3_client, bc_client, prefix, config, sortOrder="Ascending")
        expected, got = list(b3.search(NAMES)), list(ours.search(NAMES))
        assert got == expected == names[: config.get("MaxItems", 7)]
        assert ours.resume_token == b3.resume_token
    # A non-list result is yielded once per page; a list result element by element.
    b3, ours = both(boto3_client, bc_client, prefix, {"PageSize": 3})
    assert list(ours.search("length(modelCustomizationJobSummaries)")) == list(
        b3.search("length(modelCustomizationJobSummaries)")
    ) == [3, 3, 1]
    b3, ours = both(boto3_client, bc_client, prefix, {"PageSize": 3})
    assert list(ours.search("nextToken")) == list(b3.search("nextToken"))


def test_search_needs_jmespath(jobs, bc_client, monkeypatch):
    monkeypatch.setitem(sys.modules, "jmespath", None)
    page_iterator = bc_paginator(bc_client).paginate(nameContains=jobs[0])
    with pytest.raises(ImportError, match="pip install jmespath"):
        page_iterator.search(NAMES)
    # Everything else works without jmespath.
    assert len(page_iterator.build_full_result()["modelCustomizationJobSummaries"]) == JOB_COUNT


def test_result_key_iters(jobs, boto3_client, bc_client):
    prefix, names = jobs
    b3, ours = both(boto3_client, bc_client, prefix, {"PageSize": 3}, sortOrder="Ascending")
    (b3_iter,), (bc_iter,) = b3.result_key_iters(), ours.result_key_iters()
    assert bc_iter.result_key.expression == b3_iter.result_key.expression
    assert list(bc_iter) == list(b3_iter)
    assert [s["jobName"] for s in bc_iter] == []  # consumed, as in botocore


def test_operation_parameters_pass_through(jobs, boto3_client, bc_client):
    prefix, names = jobs
    b3, ours = both(boto3_client, bc_client, prefix, {"PageSize": 2}, sortOrder="Descending", sortBy="CreationTime")
    expected, got = pages_of(b3), pages_of(ours)
    assert_parity(expected, got)
    assert set(job_names(got)) == set(names)


def test_page_iterator_is_reiterable_like_botocore(jobs, boto3_client, bc_client):
    """botocore keeps the kwargs dict across iterations; a second iteration
    therefore starts from the last request's token.  bc does the same."""
    prefix, _ = jobs
    b3, ours = both(boto3_client, bc_client, prefix, {"PageSize": 2})
    assert_parity(pages_of(b3), pages_of(ours))
    assert_parity(pages_of(b3), pages_of(ours))


def test_invalid_parameters_raise_like_boto3(jobs, boto3_client, bc_client):
    prefix, _ = jobs
    for config, params in (
        ({"PageSize": 0}, {}),
        ({"PageSize": 2}, {"noSuchParameter": 1}),
    ):
        b3, ours = both(boto3_client, bc_client, prefix, config, **params)
        expected, got = capture(lambda: list(b3)), capture(lambda: list(ours))
        assert type(got).__name__ == type(expected).__name__ == "ParamValidationError"
        assert isinstance(got, botocore.exceptions.ParamValidationError)
        assert str(got) == str(expected)
    # PageSize is converted with int() when paginate() is called, as in botocore.
    expected = capture(lambda: boto3_client.get_paginator(OP).paginate(PaginationConfig={"PageSize": "x"}))
    got = capture(lambda: bc_paginator(bc_client).paginate(PaginationConfig={"PageSize": "x"}))
    assert type(got) is type(expected) is ValueError and str(got) == str(expected)


def test_service_token_as_starting_token(jobs, boto3_client, bc_client):
    """A service's own nextToken given as StartingToken: botocore tries to read it as
    a boto token (base64 JSON); whatever botocore then does, bc does the same."""
    prefix, _ = jobs
    raw = bc_client.list_model_customization_jobs(nameContains=prefix, maxResults=3, sortOrder="Ascending")
    b3, ours = both(boto3_client, bc_client, prefix, {"StartingToken": raw["nextToken"]}, sortOrder="Ascending")

    def outcome(iterator):
        try:
            return ["pages", pages_of(iterator)]
        except Exception as e:  # noqa: BLE001 - the exception is the outcome
            return ["error", type(e).__name__, str(e)]

    expected, got = outcome(b3), outcome(ours)
    assert got[0] == expected[0]
    if got[0] == "error":
        assert got[1:] == expected[1:]
    else:
        assert_parity(expected[1], got[1])


# ---------------------------------------------------------------------------
# Scripted server: what moto does not produce
# ---------------------------------------------------------------------------


def summary(i):
    return {"jobArn": f"arn:aws:bedrock:us-east-1:123456789012:model-customization-job/m/{i:012d}",
            "jobName": f"job-{i}", "status": "InProgress", "creationTime": 1700000000 + i}


def run_scripted(recorder, replies, call):
    """Run call(client) for boto3 then for bc against the same scripted replies;
    returns ((boto3 result or exception, requests), (bc result or exception, requests))."""
    out = []
    for client in (make_boto3_client(recorder.url), make_bc_client(recorder.url)):
        recorder.clear()
        recorder.always(Reply(body={"modelCustomizationJobSummaries": []}))
        recorder.script(*replies)
        try:
            result = call(client)
        except Exception as e:  # noqa: BLE001 - compared below
            result = e
        out.append((result, [(r.method, r.path, r.query) for r in recorder.requests]))
    return out


def test_same_token_twice_raises_pagination_error(recorder):
    replies = [
        Reply(body={"modelCustomizationJobSummaries": [summary(1)], "nextToken": "again"}),
        Reply(body={"modelCustomizationJobSummaries": [summary(2)], "nextToken": "again"}),
        Reply(body={"modelCustomizationJobSummaries": [summary(3)], "nextToken": "again"}),
    ]
    seen = {}

    def call(client):
        pages = []
        seen[type(client).__module__.split(".")[0]] = pages
        for page in (client.get_paginator(OP) if hasattr(client, "get_paginator") else Paginator(client, OP)).paginate():
            pages.append(strip_volatile(page))
        return pages

    (expected, b3_requests), (got, bc_requests) = run_scripted(recorder, replies, call)
    assert type(got).__name__ == type(expected).__name__ == "PaginationError"
    assert isinstance(got, botocore.exceptions.PaginationError)
    assert str(got) == str(expected) == "Error during pagination: The same next token was received twice: {'nextToken': 'again'}"
    assert bc_requests == b3_requests and len(bc_requests) == 2
    b3_pages, bc_pages = seen.values()
    assert_parity(b3_pages, bc_pages)
    assert len(bc_pages) == 2  # the second page is handed out before the error


def test_requests_and_edge_pages(recorder):
    """An empty token ends the pagination; a page without the result key counts
    as empty; the requests carry maxResults and nextToken as boto3's do."""
    replies = [
        Reply(body={"modelCustomizationJobSummaries": [summary(1), summary(2)], "nextToken": "t1"}),
        Reply(body={"nextToken": "t2"}),
        Reply(body={"modelCustomizationJobSummaries": [summary(3), summary(4)], "nextToken": ""}),
    ]

    def call(client):
        paginator = client.get_paginator(OP) if hasattr(client, "get_paginator") else Paginator(client, OP)
        it = paginator.paginate(statusEquals="InProgress", PaginationConfig={"PageSize": 2, "MaxItems": 3})
        return [strip_volatile(p) for p in it], it.resume_token, it.build_full_result()

    (expected, b3_requests), (got, bc_requests) = run_scripted(recorder, replies * 2, call)
    assert not isinstance(got, Exception), got
    assert_parity(expected, got)
    assert bc_requests == b3_requests
    assert [r[2] for r in bc_requests[:3]] == [
        {"maxResults": ["2"], "statusEquals": ["InProgress"]},
        {"maxResults": ["2"], "statusEquals": ["InProgress"], "nextToken": ["t1"]},
        {"maxResults": ["2"], "statusEquals": ["InProgress"], "nextToken": ["t2"]},
    ]
    pages, token, full = got
    assert [len(p.get("modelCustomizationJobSummaries", [])) for p in pages] == [2, 0, 1]
    assert token == full["NextToken"]


def test_truncated_start_in_a_page(recorder):
    """Resuming inside a page skips the items already returned."""
    token = base64.b64encode(json.dumps({"nextToken": "t1", "boto_truncate_amount": 1}).encode()).decode()
    replies = [
        Reply(body={"modelCustomizationJobSummaries": [summary(1), summary(2), summary(3)], "nextToken": "t2"}),
        Reply(body={"modelCustomizationJobSummaries": [summary(4), summary(5)]}),
    ]

    def call(client):
        paginator = client.get_paginator(OP) if hasattr(client, "get_paginator") else Paginator(client, OP)
        it = paginator.paginate(PaginationConfig={"StartingToken": token, "MaxItems": 3})
        return [strip_volatile(p) for p in it], it.resume_token

    (expected, b3_requests), (got, bc_requests) = run_scripted(recorder, replies, call)
    assert_parity(expected, got)
    assert bc_requests == b3_requests
    pages, resume = got
    assert [s["jobName"] for p in pages for s in p["modelCustomizationJobSummaries"]] == ["job-2", "job-3", "job-4"]
    # The new position counts the skipped item too: 1 of page "t2" was returned.
    assert json.loads(base64.b64decode(resume)) == {"nextToken": "t2", "boto_truncate_amount": 1}


@pytest.mark.parametrize(
    "token, skipped",
    [
        ("opaque-service-token", 0),  # not a boto token: sent as the service's own token
        ("t1___2", 2),  # the format of old botocore versions: token___index
        ("None___1", 1),
        ("a___b___c", None),  # more parts than input tokens: ValueError
    ],
)
def test_other_starting_tokens(recorder, token, skipped):
    replies = [Reply(body={"modelCustomizationJobSummaries": [summary(1), summary(2), summary(3)]})]

    def call(client):
        paginator = client.get_paginator(OP) if hasattr(client, "get_paginator") else Paginator(client, OP)
        it = paginator.paginate(PaginationConfig={"StartingToken": token})
        return [strip_volatile(p) for p in it], it.resume_token

    (expected, b3_requests), (got, bc_requests) = run_scripted(recorder, replies, call)
    assert bc_requests == b3_requests
    if skipped is None:
        assert type(got) is type(expected) is ValueError
        assert str(got) == str(expected) == f"Bad starting token: {token}"
        return
    assert not isinstance(got, Exception), got
    assert_parity(expected, got)
    pages, _ = got
    assert len(pages[0]["modelCustomizationJobSummaries"]) == 3 - skipped


# ---------------------------------------------------------------------------
# Async
# ---------------------------------------------------------------------------


class _AsyncOverSync:
    """A stand-in async client: the sync client's calls in a thread."""

    def __init__(self, client):
        self._client = client

    async def list_model_customization_jobs(self, **kwargs):
        return await asyncio.to_thread(self._client.list_model_customization_jobs, **kwargs)


async def _collect_async(paginator, prefix, config):
    it = paginator.paginate(nameContains=prefix, sortOrder="Ascending", PaginationConfig=dict(config))
    pages = [strip_volatile(p) async for p in it]
    full_it = paginator.paginate(nameContains=prefix, sortOrder="Ascending", PaginationConfig=dict(config))
    full = await full_it.build_full_result()
    search_it = paginator.paginate(nameContains=prefix, sortOrder="Ascending", PaginationConfig=dict(config))
    found = [name async for name in search_it.search(NAMES)]
    return pages, it.resume_token, full, found


def _collect_sync(paginator, prefix, config):
    it = paginator.paginate(nameContains=prefix, sortOrder="Ascending", PaginationConfig=dict(config))
    pages = pages_of(it)
    full = paginator.paginate(nameContains=prefix, sortOrder="Ascending", PaginationConfig=dict(config)).build_full_result()
    found = list(paginator.paginate(nameContains=prefix, sortOrder="Ascending", PaginationConfig=dict(config)).search(NAMES))
    return pages, it.resume_token, full, found


ASYNC_CONFIGS = [{}, {"PageSize": 2}, {"MaxItems": 5, "PageSize": 3}, {"MaxItems": 6, "PageSize": 3}]


def test_async_paginator_matches_sync(jobs, bc_client):
    prefix, names = jobs
    paginator = AsyncPaginator(_AsyncOverSync(bc_client), OP)
    for config in ASYNC_CONFIGS:
        expected = _collect_sync(bc_paginator(bc_client), prefix, config)
        got = asyncio.run(_collect_async(paginator, prefix, config))
        assert_parity(expected, got)
    with pytest.raises(TypeError):
        iter(paginator.paginate())  # async only


def test_async_client_paginator(jobs, local_url, bc_client, boto3_client):
    """The async client (bc.async_client): async for, build_full_result and
    search give what the sync paginator and boto3 give."""
    prefix, names = jobs

    async def run(config):
        client = bc.async_client("bedrock", region_name=REGION, endpoint_url=local_url, **CREDENTIALS)
        if hasattr(client, "__aenter__"):
            async with client as entered:
                return await _collect_async(bc_paginator(entered), prefix, config)
        return await _collect_async(bc_paginator(client), prefix, config)

    for config in ASYNC_CONFIGS:
        got = asyncio.run(run(config))
        assert_parity(_collect_sync(bc_paginator(bc_client), prefix, config), got)
        assert_parity(_collect_sync(boto3_client.get_paginator(OP), prefix, config), got)
        assert got[3] == names[: config.get("MaxItems", 7)]


# ---------------------------------------------------------------------------
# Without botocore
# ---------------------------------------------------------------------------


def test_without_botocore():
    """Paginators need neither botocore nor jmespath; the errors keep botocore's messages."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["botocore"] = None
        sys.modules["jmespath"] = None
        import bedrock_customization as bc
        from bedrock_customization.paginate import Paginator, PaginationError

        class Fake:
            def __init__(self):
                self.calls = []
            def list_model_customization_jobs(self, **kwargs):
                self.calls.append(dict(kwargs))
                token = kwargs.get("nextToken")
                start = int(token) if token else 0
                items = [{"jobName": f"j{i}"} for i in range(start, min(start + kwargs["maxResults"], 5))]
                page = {"modelCustomizationJobSummaries": items}
                if start + len(items) < 5:
                    page["nextToken"] = str(start + len(items))
                return page

        fake = Fake()
        it = Paginator(fake, "list_model_customization_jobs").paginate(PaginationConfig={"PageSize": 2, "MaxItems": 3})
        full = it.build_full_result()
        assert [s["jobName"] for s in full["modelCustomizationJobSummaries"]] == ["j0", "j1", "j2"], full
        rest = Paginator(fake, "list_model_customization_jobs").paginate(
            PaginationConfig={"PageSize": 2, "StartingToken": full["NextToken"]})
        assert [s["jobName"] for p in rest for s in p["modelCustomizationJobSummaries"]] == ["j3", "j4"]
        try:
            Paginator(fake, "get_model_customization_job")
        except bc.exceptions.BotoCoreError as e:
            assert type(e).__name__ == "OperationNotPageableError"
            assert str(e) == "Operation cannot be paginated: get_model_customization_job", str(e)
        else:
            raise AssertionError("no error")
        assert str(PaginationError(message="x")) == "Error during pagination: x"
        try:
            it.search("modelCustomizationJobSummaries[].jobName")
        except ImportError as e:
            assert "pip install jmespath" in str(e)
        else:
            raise AssertionError("no ImportError")
        assert "botocore.exceptions" not in sys.modules or sys.modules["botocore.exceptions"] is None
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_import_is_lazy():
    """Importing paginate imports neither botocore, jmespath nor bc.exceptions."""
    code = textwrap.dedent(
        """
        import sys, json
        import bedrock_customization.paginate
        print(json.dumps(sorted(m for m in sys.modules
                                if m.split(".")[0] in ("botocore", "jmespath")
                                or m == "bedrock_customization.exceptions")))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


# -- Every paginator of paginators-1.json, sync and async, against scripted pages ------

SERVICE = pinned_json("service-2.json")
PAGINATION = pinned_json("paginators-1.json")["pagination"]


def _item(shape_name: str, i: int):
    """A list item of the result key's member shape: a structure with its string members set."""
    shape = SERVICE["shapes"][shape_name]
    if shape["type"] == "structure":
        return {m: f"{m}-{i}" for m, ref in shape.get("members", {}).items()
                if SERVICE["shapes"][ref["shape"]]["type"] == "string"
                and "enum" not in SERVICE["shapes"][ref["shape"]]}
    return f"item-{i}"


def _scripted_pages(op_name: str):
    config = PAGINATION[op_name]
    output = SERVICE["shapes"][SERVICE["operations"][op_name]["output"]["shape"]]
    result_key = config["result_key"]
    member = SERVICE["shapes"][output["members"][result_key]["shape"]]["member"]["shape"]
    token = config["output_token"]
    return [
        Reply(body={result_key: [_item(member, 1), _item(member, 2)], token: "t1"}),
        Reply(body={result_key: [_item(member, 3)], token: "t2"}),
        Reply(body={result_key: [_item(member, 4), _item(member, 5)]}),
    ], result_key


def _required_params(op_name: str):
    shape = SERVICE["shapes"][SERVICE["operations"][op_name]["input"]["shape"]]
    return {m: f"x-{m}" for m in shape.get("required", [])}


@pytest.mark.parametrize("op_name", sorted(PAGINATION))
@pytest.mark.parametrize("config", [{}, {"MaxItems": 3}, {"MaxItems": 2, "PageSize": 2}], ids=["all", "max3", "page2"])
def test_every_paginator_matches_boto3(recorder, op_name, config):
    """Pages, requests, resume token and build_full_result() equal boto3's, for the sync
    and the async client (validation off: any value fills the required members)."""
    name = xform_name(op_name)
    replies, result_key = _scripted_pages(op_name)
    params = _required_params(op_name)
    if "PageSize" in config and "limit_key" not in PAGINATION[op_name]:
        config = {"MaxItems": config["MaxItems"]}
    no_validation = {"parameter_validation": False}
    results = []
    for client in (make_boto3_client(recorder.url, config=botocore.config.Config(**no_validation)),
                   make_bc_client(recorder.url, config=bc.Config(**no_validation))):
        recorder.clear()
        recorder.always(Reply(body={result_key: []}))
        recorder.script(*replies, *replies)
        it = client.get_paginator(name).paginate(**params, PaginationConfig=config)
        pages = [strip_volatile(p) for p in it]
        full = client.get_paginator(name).paginate(**params, PaginationConfig=config).build_full_result()
        results.append((pages, it.resume_token, full, [(r.method, r.path, r.query) for r in recorder.requests]))
    assert_parity(results[0], results[1])

    async def run_async():
        async with bc.Session().async_client("bedrock", endpoint_url=recorder.url, region_name=REGION,
                                            config=bc.Config(**no_validation), **CREDENTIALS) as client:
            it = client.get_paginator(name).paginate(**params, PaginationConfig=config)
            return [strip_volatile(p) async for p in it], it.resume_token

    recorder.clear()
    recorder.always(Reply(body={result_key: []}))
    recorder.script(*replies)
    assert_parity(results[0][:2], asyncio.run(run_async()))
