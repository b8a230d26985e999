"""The `bedrock-customization` command line, side by side with the real AWS CLI v1.

Both run as child processes against the same local Bedrock (moto, in this
process); for the same job they must print the same stdout in json, text and
table output (with and without --query), and the same stderr and exit code for
service errors and usage errors. The AWS CLI is the one tests/requirements.txt
installs, at the version constraints.txt pins. It reads its own copy of the bedrock
model (awscli vendors botocore), which may lag the pinned one: the tests compare the
two where the models agree (AWSCLI_GAPS below names where they do not).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from unittest import mock

import pytest

import bedrock_customization as bc

ROLE = "arn:aws:iam::123456789012:role/bedrock-ft"
BASE = "amazon.titan-text-express-v1"


@pytest.fixture(scope="session")
def aws():
    """The pinned AWS CLI v1 of this environment (never a test skipped without it)."""
    import importlib.metadata

    path = os.path.join(os.path.dirname(sys.executable), "aws")
    assert os.path.exists(path), "awscli is a test dependency: python -m pip install -r tests/requirements.txt"
    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "constraints.txt")) as f:
        pinned = next(line.split("==")[1].strip() for line in f if line.startswith("awscli=="))
    assert importlib.metadata.version("awscli") == pinned, "awscli is not the version constraints.txt pins"
    return path


@pytest.fixture(scope="module")
def local():
    # the clock stands still (realtime=False): both CLIs must read the same state, so
    # nothing advances between their two calls unless a test says so
    with bc.testing.local_bedrock(realtime=False) as server:
        yield server


def _env(**extra):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("AWS_"):
            del env[key]
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        COLUMNS="80",
    )
    env.update(extra)
    return env


def ours(*args, endpoint=None):
    extra = ["--endpoint-url", endpoint] if endpoint else []
    return subprocess.run(
        [sys.executable, "-m", "bedrock_customization", *args, *extra],
        env=_env(), capture_output=True, text=True, timeout=60,
    )


def theirs(aws, *args, endpoint=None):
    extra = ["--endpoint-url", endpoint] if endpoint else []
    return subprocess.run(
        [aws, "bedrock", *args, *extra], env=_env(), capture_output=True, text=True, timeout=120,
    )


def _create_args(name):
    return [
        "create-model-customization-job",
        "--job-name", name,
        "--custom-model-name", f"{name}-model",
        "--role-arn", ROLE,
        "--base-model-identifier", BASE,
        "--training-data-config", "s3Uri=s3://my-bucket/train.jsonl",
        "--validation-data-config", "validators=[{s3Uri=s3://my-bucket/v1.jsonl},{s3Uri=s3://my-bucket/v2.jsonl}]",
        "--output-data-config", "s3Uri=s3://my-bucket/out/",
        "--hyper-parameters", "epochCount=2,batchSize=1,learningRate=0.0001",
        "--vpc-config", "subnetIds=subnet-1,subnet-2,securityGroupIds=sg-1,sg-2",
        "--job-tags", "key=team,value=ml", "key=env,value=test",
    ]


@pytest.fixture(scope="module")
def jobs(local, aws):
    """One job created by this CLI (shorthand) and one by the AWS CLI (JSON)."""
    mine = f"cli-{uuid.uuid4().hex[:8]}"
    p = ours(*_create_args(mine), endpoint=local)
    assert p.returncode == 0, p.stderr
    created = json.loads(p.stdout)
    assert list(created) == ["jobArn"] and p.stdout == json.dumps(created, indent=4) + "\n"

    other = f"aws-{uuid.uuid4().hex[:8]}"
    p = theirs(
        aws, "create-model-customization-job", "--job-name", other, "--custom-model-name", f"{other}-model",
        "--role-arn", ROLE, "--base-model-identifier", BASE,
        "--training-data-config", '{"s3Uri": "s3://my-bucket/train.jsonl"}',
        "--output-data-config", '{"s3Uri": "s3://my-bucket/out/"}',
        "--hyper-parameters", '{"epochCount": "1"}', endpoint=local,
    )
    assert p.returncode == 0, p.stderr
    local.complete_job(other, training_metrics={"trainingLoss": 0.125}, validation_metrics=[{"validationLoss": 0.25}])
    return {"mine": mine, "mine_arn": created["jobArn"], "other": other}


def test_create_parses_shorthand_like_the_aws_cli(local, jobs):
    client = bc.client("bedrock", region_name="us-east-1", endpoint_url=local,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    job = client.get_model_customization_job(jobIdentifier=jobs["mine"])
    assert job["trainingDataConfig"]["s3Uri"] == "s3://my-bucket/train.jsonl"
    assert job["validationDataConfig"] == {
        "validators": [{"s3Uri": "s3://my-bucket/v1.jsonl"}, {"s3Uri": "s3://my-bucket/v2.jsonl"}]
    }
    assert job["hyperParameters"] == {"epochCount": "2", "batchSize": "1", "learningRate": "0.0001"}
    assert job["vpcConfig"] == {"subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1", "sg-2"]}


@pytest.mark.parametrize("output", ["json", "text", "table"])
@pytest.mark.parametrize("who", ["mine", "other"])
def test_get_same_stdout(aws, local, jobs, output, who):
    args = ["get-model-customization-job", "--job-identifier", jobs[who], "--output", output]
    a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
    assert (a.returncode, b.returncode) == (0, 0), (a.stderr, b.stderr)
    assert a.stdout == b.stdout
    assert a.stderr == b.stderr == ""


@pytest.mark.parametrize("output", ["json", "text", "table"])
@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--query", "modelCustomizationJobSummaries[].[jobName,status]"],
        ["--query", "modelCustomizationJobSummaries[?status=='Completed'].{n:jobName,t:creationTime}"],
        ["--max-items", "1"],
        ["--page-size", "1"],
        ["--no-paginate", "--max-results", "1"],
        ["--sort-order", "Ascending", "--status-equals", "Completed"],
    ],
)
def test_list_same_stdout(aws, local, jobs, output, extra):
    args = ["list-model-customization-jobs", "--output", output, *extra]
    a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
    assert (a.returncode, b.returncode) == (0, 0), (a.stderr, b.stderr)
    assert a.stdout == b.stdout


@pytest.mark.parametrize("output", ["json", "text", "table"])
def test_get_with_query(aws, local, jobs, output):
    for query in ("jobName", "[status,trainingMetrics.trainingLoss]", "{name:jobName,vpc:vpcConfig}", "validationMetrics"):
        args = ["get-model-customization-job", "--job-identifier", jobs["mine"], "--output", output, "--query", query]
        a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
        assert a.stdout == b.stdout, query


def test_cli_input_json_and_override(aws, local, jobs):
    doc = json.dumps({"jobIdentifier": "no-such-job"})
    args = ["get-model-customization-job", "--cli-input-json", doc, "--job-identifier", jobs["other"]]
    a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_stop_same_output(aws, local, jobs):
    names = [f"stop-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    for name in names:
        assert ours(*_create_args(name), endpoint=local).returncode == 0
    a = ours("stop-model-customization-job", "--job-identifier", names[0], endpoint=local)
    b = theirs(aws, "stop-model-customization-job", "--job-identifier", names[1], endpoint=local)
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr) == (0, "", "")
    for name in names:
        p = ours("get-model-customization-job", "--job-identifier", name, "--query", "status", endpoint=local)
        assert p.stdout == '"Stopping"\n'
    # stopping a job that is already stopping: the same ConflictException, exit code and wording
    a = ours("stop-model-customization-job", "--job-identifier", names[0], endpoint=local)
    b = theirs(aws, "stop-model-customization-job", "--job-identifier", names[0], endpoint=local)
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)
    assert a.returncode == 255 and "(ConflictException)" in a.stderr and names[0] in a.stderr
    local.advance(3600)
    p = ours("get-model-customization-job", "--job-identifier", names[0], "--query", "status", endpoint=local)
    assert p.stdout == '"Stopped"\n'


def test_missing_job_same_stderr_and_exit_code(aws, local):
    for command in ("get-model-customization-job", "stop-model-customization-job"):
        args = [command, "--job-identifier", "no-such-job"]
        a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
        assert b.returncode == 255
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)
        assert a.stderr.startswith("\nAn error occurred (ResourceNotFoundException) when calling the ")


def _error_line(stderr, prog):
    lines = [line for line in stderr.splitlines() if line.startswith(prog + ": error:")]
    return lines[-1][len(prog):] if lines else stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "args",
    [
        ["get-model-customization-job"],
        ["create-model-customization-job", "--job-name", "x"],
        ["get-model-customization-job", "--job-identifier"],
        ["get-model-customization-job", "--job-identifier", "x", "--output", "yaml"],
    ],
)
def test_usage_errors_like_the_aws_cli(aws, local, args):
    a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
    assert a.returncode == b.returncode == 2, (a.stderr, b.stderr)
    assert a.stdout == b.stdout == ""
    assert _error_line(a.stderr, "bedrock-customization") == _error_line(b.stderr, "aws")


def test_unknown_option_like_the_aws_cli(aws, local):
    args = ["list-model-customization-jobs", "--bogus", "1"]
    a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
    assert a.returncode == b.returncode == 255
    assert a.stderr.splitlines()[-1] == b.stderr.splitlines()[-1] == "Unknown options: --bogus, 1"


@pytest.mark.parametrize(
    "option,value",
    [
        ("--training-data-config", "s3Uri=[a"),
        ("--training-data-config", "foo"),
        ("--training-data-config", "{bad json"),
        ("--vpc-config", "subnetIds=[a,b"),
        ("--hyper-parameters", "a=1,a=2"),
    ],
)
def test_bad_shorthand_like_the_aws_cli(aws, local, option, value):
    base = {
        "--job-name": "x", "--custom-model-name": "m", "--role-arn": ROLE, "--base-model-identifier": BASE,
        "--training-data-config": "s3Uri=s3://my-bucket/t", "--output-data-config": "s3Uri=s3://my-bucket/o",
        "--hyper-parameters": "a=1",
    }
    base[option] = value
    args = ["create-model-customization-job"] + [x for kv in base.items() for x in kv]
    a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
    assert b.returncode == 255
    # (awscli 1.45 printed the error location as the literal "{self._error_location()}";
    # since 1.46 it prints the input and a caret under the failing position, as ours does)
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def test_bad_cli_input_json_like_the_aws_cli(aws, local):
    for doc in ("{bad", '{"jobIdentifier": "x", "extra": 1}'):
        args = ["get-model-customization-job", "--cli-input-json", doc]
        a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
        assert (a.returncode, a.stderr) == (b.returncode, b.stderr), doc


def test_skeleton_input_round_trips(aws):
    for command in ("get-model-customization-job", "stop-model-customization-job"):
        a, b = ours(command, "--generate-cli-skeleton"), theirs(aws, command, "--generate-cli-skeleton")
        assert a.stdout == b.stdout
    p = ours("create-model-customization-job", "--generate-cli-skeleton", "input")
    skeleton = json.loads(p.stdout)
    assert skeleton["trainingDataConfig"]["s3Uri"] == "" and skeleton["hyperParameters"] == {"KeyName": ""}
    p = ours(*_create_args("skeleton"), "--generate-cli-skeleton", "output")
    assert json.loads(p.stdout) == {"jobArn": "jobArn"}
    args = ["get-model-customization-job", "--generate-cli-skeleton", "output"]
    a, b = ours(*args), theirs(aws, *args)
    assert a.returncode == b.returncode == 2
    assert _error_line(a.stderr, "bedrock-customization") == _error_line(b.stderr, "aws")


def test_file_cli_input_json(local, jobs, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"jobIdentifier": jobs["other"]}))
    p = ours("get-model-customization-job", "--cli-input-json", f"file://{path}", "--query", "jobName", "--output", "text",
             endpoint=local)
    assert (p.returncode, p.stdout) == (0, jobs["other"] + "\n")


def test_wait_commands(local, jobs):
    p = ours("wait", "model-customization-job-completed", "--job-identifier", jobs["other"], "--delay", "0.05",
             endpoint=local)
    progress, rest = _wait_progress(p.stderr)
    assert (p.returncode, p.stdout, rest) == (0, "", "")
    assert [line.split(" | ")[0] for line in progress] == [f"{jobs['other']}: Completed"], p.stderr
    name = f"wait-{uuid.uuid4().hex[:8]}"
    assert ours(*_create_args(name), endpoint=local).returncode == 0
    local.fail_job(name, "boom")
    p = ours("wait", "model-customization-job-completed", "--job-identifier", name, "--delay", "0.05", endpoint=local)
    progress, rest = _wait_progress(p.stderr)
    assert p.returncode == 255 and [line.split(" | ")[0] for line in progress] == [f"{name}: Failed"], p.stderr
    failed = "\nWaiter ModelCustomizationJobCompleted failed: Waiter encountered a terminal failure state"
    assert rest.startswith(failed), p.stderr
    p = ours("wait", "model-customization-job-stopped", "--job-identifier", name, "--delay", "0.05",
             "--max-attempts", "2", endpoint=local)
    assert p.returncode == 255 and "ModelCustomizationJobStopped failed" in p.stderr


def test_help_for_every_command():
    for command in ("create-model-customization-job", "get-model-customization-job",
                    "list-model-customization-jobs", "stop-model-customization-job"):
        p = ours(command, "--help")
        assert p.returncode == 0 and command in p.stdout and "--cli-input-json" in p.stdout
    p = ours("create-model-customization-job", "--help")
    for text in ("s3Uri=string", "key=string,value=string", "validators=[{s3Uri=string},{s3Uri=string}]",
                 "KeyName1=string,KeyName2=string", "subnetIds=string,string,securityGroupIds=string,string"):
        assert text in p.stdout
    for args in (["wait", "--help"], ["--help"], ["help"]):
        p = ours(*args)
        assert p.returncode == 0 and p.stdout
    p = ours("--version")
    assert p.returncode == 0 and p.stdout.startswith("bedrock-customization/")


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_lists_commands_and_options(shell):
    p = ours("completion", shell)
    assert p.returncode == 0
    for word in ("create-model-customization-job", "get-model-customization-job", "list-model-customization-jobs",
                 "stop-model-customization-job", "wait", "model-customization-job-completed",
                 "--job-identifier", "--training-data-config", "--max-items", "--output", "--query",
                 "local-bedrock", "--port"):
        assert word in p.stdout, word
    if shell == "bash":
        assert subprocess.run(["bash", "-n"], input=p.stdout, text=True).returncode == 0


def test_no_botocore_imported():
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bedrock_customization", "get-model-customization-job", "--help"],
        env=_env(), capture_output=True, text=True,
    )
    assert p.returncode == 0
    imported = {line.split("|")[-1].strip() for line in p.stderr.splitlines() if "|" in line}
    assert not {m for m in imported if m.split(".")[0] in ("botocore", "awscli", "boto3", "moto", "jmespath")}


def test_no_sign_request_sends_no_signature_like_aws(aws):
    """Both tools, with --no-sign-request and no credentials anywhere, against a
    recording server: the same output, and neither request carries a signature."""
    from conftest import RecordingServer, Reply

    body = json.dumps({"jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/abc",
                       "jobName": "open", "status": "InProgress"}).encode()
    server = RecordingServer()
    server.default = Reply(body=body)
    env = _env()
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    try:
        results = []
        for cmd in ([sys.executable, "-m", "bedrock_customization"], [aws, "bedrock"]):
            server.requests.clear()
            p = subprocess.run([*cmd, "get-model-customization-job", "--job-identifier", "open", "--no-sign-request",
                                "--endpoint-url", server.url], env=env, capture_output=True, text=True, timeout=120)
            assert p.returncode == 0, p.stderr
            (request,) = server.requests
            assert "authorization" not in request.headers and "x-amz-date" not in request.headers, request.headers
            results.append(p.stdout)
        assert results[0] == results[1]
        # Without the option and without credentials, both refuse to send.
        p = subprocess.run([sys.executable, "-m", "bedrock_customization", "get-model-customization-job",
                            "--job-identifier", "open", "--endpoint-url", server.url],
                           env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 255 and "Unable to locate credentials" in p.stderr
    finally:
        server.close()


def test_config_file_output_and_iso_timestamps(aws, local, jobs, tmp_path):
    config = tmp_path / "config"
    config.write_text("[default]\noutput = text\ncli_timestamp_format = iso8601\n"
                      "[profile tbl]\noutput = table\n")
    for extra in ([], ["--profile", "tbl"], ["--output", "json"]):
        args = ["get-model-customization-job", "--job-identifier", jobs["other"], *extra, "--endpoint-url", local]
        env = _env(AWS_CONFIG_FILE=str(config))
        a = subprocess.run([sys.executable, "-m", "bedrock_customization", *args], env=env, capture_output=True, text=True)
        b = subprocess.run([aws, "bedrock", *args], env=env, capture_output=True, text=True)
        assert (a.returncode, a.stdout) == (b.returncode, b.stdout), extra


def test_environment_errors_like_the_aws_cli(aws, local):
    cases = [
        (["get-model-customization-job", "--job-identifier", "x"], {"AWS_DEFAULT_REGION": None}),
        (["get-model-customization-job", "--job-identifier", "x"], {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}),
        (["list-model-customization-jobs", "--no-paginate", "--max-items", "3"], {}),
        (["get-model-customization-job", "--job-identifier", "x", "--profile", "nope"], {}),
    ]
    for args, changes in cases:
        env = _env()
        for key, value in changes.items():
            env.pop(key, None)
        a = subprocess.run([sys.executable, "-m", "bedrock_customization", *args, "--endpoint-url", local], env=env,
                           capture_output=True, text=True)
        b = subprocess.run([aws, "bedrock", *args, "--endpoint-url", local], env=env, capture_output=True, text=True)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args


def test_table_with_color_on(aws, local, jobs):
    for args in (["get-model-customization-job", "--job-identifier", jobs["mine"]], ["list-model-customization-jobs"]):
        args = [*args, "--output", "table", "--color", "on"]
        a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
        assert a.returncode == b.returncode == 0
        assert "\x1b[" in a.stdout and a.stdout == b.stdout


def test_bedrock_prefix_and_leading_global_options(local, jobs):
    a = ours("--output", "text", "bedrock", "get-model-customization-job", "--job-identifier", jobs["other"],
             "--query", "jobName", endpoint=local)
    assert (a.returncode, a.stdout) == (0, jobs["other"] + "\n")


def test_bad_query_like_the_aws_cli(aws, local):
    args = ["list-model-customization-jobs", "--query", "[["]
    a, b = ours(*args, endpoint=local), theirs(aws, *args, endpoint=local)
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def test_same_shorthand_creates_the_same_job(aws, local):
    """Both tools given the same shorthand arguments store the same job."""
    names = {"ours": f"sh-{uuid.uuid4().hex[:8]}", "aws": f"sh-{uuid.uuid4().hex[:8]}"}
    a = ours(*_create_args(names["ours"]), "--customization-type", "FINE_TUNING", endpoint=local)
    b = theirs(aws, *_create_args(names["aws"]), "--customization-type", "FINE_TUNING", endpoint=local)
    assert a.returncode == b.returncode == 0, (a.stderr, b.stderr)
    query = "{t:trainingDataConfig,v:validationDataConfig,o:outputDataConfig,h:hyperParameters,vpc:vpcConfig,s:status}"
    got = [ours("get-model-customization-job", "--job-identifier", n, "--query", query, endpoint=local).stdout
           for n in names.values()]
    # (compared as data: the order of a map's keys in the request body is the core's business)
    assert json.loads(got[0]) == json.loads(got[1]) and '"s3://my-bucket/v2.jsonl"' in got[0]


def test_json_output_is_json_dumps():
    from bedrock_customization.cli._jsonout import format_json

    class Int(int):
        pass

    class Str(str):
        pass

    cases = [
        {"a": 1, "b": [1, 2.5, float("nan"), float("inf"), -float("inf"), True, False, None],
         "c": {}, "d": [], "e": {"f": [[], {}, [{}], ()]}, "g": (1, "x")},
        {"s": "é \u2028 \" \\ \n \t \x00 \x1f \ud800 日本", Str("k"): Str("v"), "i": Int(3), "big": 10**30,
         "f": [-0.0, 1e300, 5e-324, 1e-07, 0.1]},
        {1: "int key", None: "none key", 1.5: "float key", False: "bool key"},
        "text", 12, 1.5, None, [], [{"a": []}], {"a": {1, 2}},
    ]
    for data in cases:
        try:
            expected = json.dumps(data, indent=4, ensure_ascii=False) + "\n"
        except TypeError as e:
            with pytest.raises(TypeError, match=str(e)):
                format_json(data)
            continue
        assert format_json(data) == expected
    assert format_json({}) == ""


def test_plain_call_imports_only_what_it_needs(local, jobs):
    """A get (json output) loads neither the shape table, help, text/table output,
    the shorthand parser, the model's type definitions, the json module,
    dateutil nor botocore."""
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bedrock_customization", "get-model-customization-job",
         "--job-identifier", jobs["other"], "--endpoint-url", local],
        env=_env(), capture_output=True, text=True,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["jobName"] == jobs["other"]
    imported = {line.split("|")[-1].strip() for line in p.stderr.splitlines() if "|" in line}
    unwanted = {"json", "configparser", "logging", "dateutil", "botocore", "jmespath", "bedrock_customization.cli._shapes",
                "bedrock_customization.cli._docs", "bedrock_customization.cli._formats",
                "bedrock_customization.cli._shorthand", "bedrock_customization.type_defs", "bedrock_customization.paginate",
                "bedrock_customization.exceptions", "bedrock_customization._parsing"}
    assert not {m for m in imported if m in unwanted or m.split(".")[0] in unwanted}


# ---------------------------------------------------------------------------
# Every operation of the pinned model, side by side with the AWS CLI
# ---------------------------------------------------------------------------
#
# The operations, their members and shapes come from the pinned service model
# (conftest.pinned_json), never from the CLI's generated tables, and the AWS CLI's
# side from the AWS CLI itself (its argument tables, its parsed parameters, its
# output), so that a wrong generator fails here.

from conftest import MODEL_DIR, RecordingServer, Reply, pinned_json  # noqa: E402

SERVICE = pinned_json("service-2.json")
SHAPES = SERVICE["shapes"]
PAGINATION = pinned_json("paginators-1.json")["pagination"]
OPERATIONS = sorted(SERVICE["operations"])


def _awscli_service():
    """The bedrock model the AWS CLI reads: its own copy of botocore's data
    (awscli/botocore/data/), found without importing awscli."""
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("awscli")
    assert spec is not None and spec.submodule_search_locations, "awscli is a test dependency"
    directory = os.path.join(list(spec.submodule_search_locations)[0], "botocore", "data", "bedrock",
                             SERVICE["metadata"]["apiVersion"])
    for name, opener in (("service-2.json", open), ("service-2.json.gz", gzip.open)):
        if os.path.exists(os.path.join(directory, name)):
            with opener(os.path.join(directory, name), "rt", encoding="utf-8") as f:
                return json.load(f)
    raise AssertionError(f"no bedrock service-2.json under {directory}")


AWSCLI_SERVICE = _awscli_service()
#: (shape, member) of the pinned model's structures that the AWS CLI's model lacks (the
#: shapes it lacks whole are reached through these only): the side-by-side tests leave
#: them out (an AWS CLI that lags cannot print or skeleton them).
AWSCLI_GAPS = {
    (name, member)
    for name, shape in SHAPES.items() if shape["type"] == "structure" and name in AWSCLI_SERVICE["shapes"]
    for member in shape.get("members", {})
    if member not in AWSCLI_SERVICE["shapes"][name].get("members", {})
}


def test_the_aws_clis_model_gaps_are_the_known_ones():
    """The pinned awscli (1.46.3) carries a bedrock model older than the pinned botocore's
    (1.44.5): the same operations, but not the guardrails' contextual-grounding tier (nor
    DataRetentionMode's aws_review and a few patterns and maximums, which neither CLI
    checks). A new pin re-examines this list: an empty one means the models agree."""
    assert sorted(AWSCLI_SERVICE["operations"]) == OPERATIONS
    assert AWSCLI_GAPS == {("GuardrailContextualGroundingPolicy", "tier"),
                           ("GuardrailContextualGroundingPolicyConfig", "tierConfig")}


def _without_awscli_gaps(shape_name, value):
    """``value`` (of the pinned model's shape) without the members the AWS CLI's model lacks."""
    shape = SHAPES[shape_name]
    if shape["type"] == "structure" and isinstance(value, dict) and not shape.get("document"):
        return {k: _without_awscli_gaps(shape["members"][k]["shape"], v) if k in shape.get("members", {}) else v
                for k, v in value.items() if (shape_name, k) not in AWSCLI_GAPS}
    if shape["type"] == "list" and isinstance(value, list):
        return [_without_awscli_gaps(shape["member"]["shape"], v) for v in value]
    if shape["type"] == "map" and isinstance(value, dict):
        return {k: _without_awscli_gaps(shape["value"]["shape"], v) for k, v in value.items()}
    return value


def kebab(name):
    import botocore

    return botocore.xform_name(name, "-")


def _parallel(fn, items, workers=8):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(items, pool.map(fn, items)))


@pytest.fixture(scope="module")
def aws_arg_tables():
    """The AWS CLI's argument table of every bedrock command (built in this process)."""
    from awscli.clidriver import create_clidriver

    # awscli sets AWS_DATA_PATH in os.environ, which changes boto3's later behaviour
    # (with it set, a Session no longer reads the config file when created).
    with mock.patch.dict(os.environ):
        commands = create_clidriver()._get_command_table()["bedrock"]._get_command_table()
        return {name: commands[name].arg_table for name in commands if name not in ("help", "wait")}


def test_every_operation_is_a_command(aws_arg_tables):
    from bedrock_customization.cli._argv import commands

    assert sorted(commands()) == sorted(kebab(op) for op in OPERATIONS) == sorted(aws_arg_tables)
    p = ours("--help")
    listed = set(p.stdout.split())
    assert p.returncode == 0 and {kebab(op) for op in OPERATIONS} <= listed


@pytest.mark.parametrize("operation", OPERATIONS)
def test_options_are_the_aws_clis(aws_arg_tables, operation):
    """Names and order, types, required, list (several values), booleans
    (--flag/--no-flag), hidden paging members and the paging options."""
    from bedrock_customization.cli._argv import LIST, TRUE, FALSE, command

    theirs = [
        ("--" + name, arg.cli_type_name, bool(arg.required), not getattr(arg, "_UNDOCUMENTED", False),
         type(arg).__name__ == "ListArgument", getattr(arg, "_action", None))
        for name, arg in aws_arg_tables[kebab(operation)].items()
    ]
    mine = [
        (name, option.kind if option.kind != "document" else "structure", option.required, option.documented,
         option.action == LIST, {TRUE: "store_true", FALSE: "store_false"}.get(option.action))
        for name, option in command(kebab(operation)).options.items()
    ]
    # (the AWS CLI's own options are typed as strings: --page-size and --max-items parse with int)
    theirs = [t if t[0] not in ("--page-size", "--max-items") else t[:1] + (mine_kind(mine, t[0]),) + t[2:]
              for t in theirs]
    assert mine == theirs


def mine_kind(mine, name):
    return next(m[1] for m in mine if m[0] == name)


@pytest.fixture(scope="module")
def aws_skeletons(aws):
    return _parallel(lambda op: theirs(aws, kebab(op), "--generate-cli-skeleton", "input"), OPERATIONS)


def _enum_positions(shape_name, value, path=(), stack=()):
    """(path, enum values) of each enum string in a skeleton, walking the model."""
    shape = SHAPES[shape_name]
    if shape["type"] == "string" and "enum" in shape:
        yield path, shape["enum"]
    elif shape["type"] == "structure" and isinstance(value, dict):
        for name, ref in shape.get("members", {}).items():
            if name in value:
                yield from _enum_positions(ref["shape"], value[name], path + (name,))
    elif shape["type"] == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _enum_positions(shape["member"]["shape"], item, path + (i,))
    elif shape["type"] == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _enum_positions(shape["value"]["shape"], item, path + (key,))


@pytest.mark.parametrize("operation", OPERATIONS)
def test_skeleton_input_is_the_aws_clis(aws_skeletons, operation):
    """Byte for byte, except that the AWS CLI picks enum values at random: there
    ours is the first value and theirs must be one of the enum's."""
    from collections import OrderedDict

    b = aws_skeletons[operation]
    a = ours(kebab(operation), "--generate-cli-skeleton")
    assert (a.returncode, b.returncode) == (0, 0), (a.stderr, b.stderr)
    mine = json.loads(a.stdout, object_pairs_hook=OrderedDict)
    other = json.loads(b.stdout, object_pairs_hook=OrderedDict)
    assert json.dumps(other, indent=4) + "\n" == b.stdout  # (so comparing the re-dumped text is comparing bytes)
    assert json.dumps(mine, indent=4) + "\n" == a.stdout
    root = SERVICE["operations"][operation]["input"]["shape"]
    mine = _without_awscli_gaps(root, mine)  # (where the AWS CLI's model lags, it has no skeleton)
    for path, enum in _enum_positions(root, other):
        holder_a, holder_b = mine, other
        for key in path[:-1]:
            holder_a, holder_b = holder_a[key], holder_b[key]
        assert holder_b[path[-1]] in enum and holder_a[path[-1]] == enum[0], path
        holder_b[path[-1]] = holder_a[path[-1]]
    assert json.dumps(mine, indent=4) == json.dumps(other, indent=4)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_help_documents_every_option(aws_arg_tables, operation):
    p = ours(kebab(operation), "--help")
    assert p.returncode == 0, p.stderr
    synopsis = p.stdout.split("SYNOPSIS\n", 1)[1].split("\n\n", 1)[0]
    shown = [line.strip() for line in synopsis.splitlines()[1:]]
    expected = []
    for name, arg in aws_arg_tables[kebab(operation)].items():
        if getattr(arg, "_UNDOCUMENTED", False) or name.startswith("no-") and getattr(arg, "_action", "") == "store_false":
            continue
        if type(arg).__name__ == "BooleanArgument":
            expected.append(f"[--{name} | --no-{name}]")
        else:
            expected.append(f"--{name} <value>" if arg.required else f"[--{name} <value>]")
    assert shown == expected + ["[global options]"]
    for name, arg in aws_arg_tables[kebab(operation)].items():
        if getattr(arg, "_UNDOCUMENTED", False):
            continue
        shape = getattr(arg, "argument_model", None)
        if shape is not None and getattr(shape, "enum", None) and type(arg).__name__ == "CLIArgument":
            for value in shape.enum:
                assert f"o {value}\n" in p.stdout, (name, value)


# -- option values -> parameters, against the AWS CLI's own parsing ---------


def _sample(shape_name, depth=0, shorthand=False):
    """A value for a shape: every member (one for a union), two list elements,
    two map entries; structures deeper than 3 are left empty. With
    ``shorthand``, documents are left out (shorthand cannot carry them)."""
    shape = SHAPES[shape_name]
    t = shape["type"]
    if shape.get("document"):
        return {"doc": [1, "two", {"three": None}]}
    if t == "structure":
        if depth > 3:
            return {}
        out = {}
        for name, ref in shape.get("members", {}).items():
            if shorthand and _has_document(ref["shape"]):
                continue
            out[name] = _sample(ref["shape"], depth + 1, shorthand)
            if shape.get("union"):
                break
        return out
    if t == "list":
        member = shape["member"]["shape"]
        return [_sample(member, depth + 1, shorthand), _second(member, depth + 1, shorthand)]
    if t == "map":
        return {"k1": _sample(shape["value"]["shape"], depth + 1, shorthand),
                "k2": _second(shape["value"]["shape"], depth + 1, shorthand)}
    if t == "string":
        return shape["enum"][-1] if "enum" in shape else "v-" + shape_name[:12]
    return {"integer": 3, "long": 4, "float": 2.5, "double": 0.125, "boolean": True,
            "timestamp": "2024-01-02T03:04:05Z", "blob": "YmxvYg=="}[t]


def _second(shape_name, depth, shorthand):
    shape = SHAPES[shape_name]
    if shape["type"] == "string" and "enum" not in shape:
        return "w-" + shape_name[:12]
    if shape["type"] == "boolean":
        return False
    return _sample(shape_name, depth, shorthand)


def _has_document(shape_name, seen=()):
    shape = SHAPES[shape_name]
    if shape.get("document"):
        return True
    if shape_name in seen:
        return False
    refs = [r["shape"] for r in shape.get("members", {}).values()]
    refs += [shape[k]["shape"] for k in ("member", "value") if k in shape]
    return any(_has_document(r, seen + (shape_name,)) for r in refs)


def _shorthand(value, top=True):
    if isinstance(value, dict):
        inner = ",".join(f"{k}={_shorthand(v, False)}" for k, v in value.items())
        return inner if top else "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ",".join(_shorthand(v, False) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _supports_shorthand(shape_name):
    shape = SHAPES[shape_name]
    if shape.get("document") or _has_document(shape_name):
        return False
    if shape["type"] == "list":
        return SHAPES[shape["member"]["shape"]]["type"] in ("structure", "list", "map")
    return shape["type"] in ("structure", "map")


def _arguments(operation, style):
    """Command-line arguments setting every input member of an operation."""
    shape = SHAPES[SERVICE["operations"][operation]["input"]["shape"]]
    args = []
    for name, ref in shape.get("members", {}).items():
        option = "--" + kebab(name)
        target = SHAPES[ref["shape"]]
        t = "document" if target.get("document") else target["type"]
        if t == "boolean":
            args.append(option if style == "json" else "--no-" + kebab(name))
            continue
        value = _sample(ref["shape"], 1, shorthand=style == "shorthand" and _supports_shorthand(ref["shape"]))
        if t == "list" and not _supports_shorthand(ref["shape"]) and not _has_document(ref["shape"]):
            if style == "json":
                args += [option, json.dumps(value)]
            else:
                args += [option, *(_shorthand(v, False) for v in value)]
        elif t in ("structure", "map", "list", "document"):
            if style == "shorthand" and _supports_shorthand(ref["shape"]):
                if t == "list":
                    args += [option, *(_shorthand(v) for v in value)]
                else:
                    args += [option, _shorthand(value)]
            else:
                args += [option, json.dumps(value)]
        else:
            args += [option, _shorthand(value)]
    return args


def _aws_params(argv):
    """The parameters the AWS CLI would send for ``aws bedrock <argv>`` (its call
    replaced by a recorder), or its exit code and stderr."""
    import contextlib
    import io

    from awscli.clidriver import CLIOperationCaller, create_clidriver

    seen = {}

    def invoke(self, service_name, operation_name, parameters, parsed_globals):
        seen["params"] = parameters
        return 0

    err = io.StringIO()
    with mock.patch.object(CLIOperationCaller, "invoke", invoke), contextlib.redirect_stderr(err), \
            mock.patch.dict(os.environ):  # awscli sets AWS_DATA_PATH
        rc = create_clidriver().main(["bedrock", *argv])
    assert rc == 0 and "params" in seen, err.getvalue()
    return seen["params"]


def _our_params(argv):
    from bedrock_customization.cli._argv import build_params, command, parse

    cmd = command(argv[0])
    glob, values, unknown = parse(argv[1:], cmd.options)
    assert not unknown
    return build_params(cmd, values)


def _typed(value):
    """A value with its types spelled out (1 and 1.0, True and 1 differ)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


@pytest.mark.parametrize("style", ["json", "shorthand"])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_options_give_the_aws_clis_parameters(operation, style):
    argv = [kebab(operation), *_arguments(operation, style)]
    mine = _our_params(argv)
    assert _typed(mine) == _typed(json.loads(json.dumps(_aws_params(argv))))
    # every member was given
    assert set(mine) == set(SHAPES[SERVICE["operations"][operation]["input"]["shape"]].get("members", {}))


def test_file_values_and_cli_input_json_give_the_aws_clis_parameters(tmp_path):
    """file:// and fileb:// values, and --cli-input-json under options, for every
    operation with a structure member."""
    count = 0
    for operation in OPERATIONS:
        shape = SHAPES[SERVICE["operations"][operation]["input"]["shape"]]
        members = shape.get("members", {})
        name = next((m for m, r in members.items() if SHAPES[r["shape"]]["type"] == "structure"), None)
        if name is None:
            continue
        path = tmp_path / f"{operation}.json"
        path.write_text(json.dumps(_sample(members[name]["shape"], 1)))
        doc = json.dumps({m: _sample(r["shape"], 1) for m, r in members.items()})
        argv = [kebab(operation), "--" + kebab(name), f"file://{path}", "--cli-input-json", doc]
        mine = _our_params(argv)
        assert _typed(mine) == _typed(json.loads(json.dumps(_aws_params(argv)))), operation
        count += 1
    assert count > 10


# -- output, side by side on a scripted loopback server ---------------------


def _output_body(shape_name, depth=0, seen=()):
    """A response body for an output shape: every member (one for a union),
    two list elements, two map entries, the output token left out (a single page)."""
    shape = SHAPES[shape_name]
    t = shape["type"]
    if shape.get("document"):
        return {"doc": [1, 2.5, "three", {"four": None, "five": True}]}
    if t == "structure":
        if depth > 5 or seen.count(shape_name) > 1:
            return {}
        out = {}
        for name, ref in shape.get("members", {}).items():
            if "location" in ref or name == "nextToken" or (shape_name, name) in AWSCLI_GAPS:
                continue
            out[name] = _output_body(ref["shape"], depth + 1, seen + (shape_name,))
            if shape.get("union"):
                break
        return out
    if t == "list":
        member = shape["member"]["shape"]
        return [_output_body(member, depth + 1, seen), _output_body(member, depth + 1, seen + ("2",))]
    if t == "map":
        value = shape["value"]["shape"]
        return {"key-b": _output_body(value, depth + 1, seen), "key-a": _output_body(value, depth + 1, seen)}
    if t == "string":
        if "enum" in shape:
            return shape["enum"][len(seen) % len(shape["enum"])]
        return f"{shape_name[:10]}-{len(seen)}"
    return {"integer": 3 + len(seen), "long": 1234567890123, "float": 0.25, "double": 1e-07, "boolean": len(seen) % 2 == 0,
            "timestamp": "2024-01-02T03:04:05.678Z", "blob": "aGVsbG8gd29ybGQ="}[t]


def _features(shape_name, seen=()):
    shape = SHAPES[shape_name]
    if shape_name in seen:
        return set()
    found = set()
    if shape.get("document"):
        found.add("document")
    t = shape["type"]
    if t == "structure":
        if shape.get("union"):
            found.add("union")
        for ref in shape.get("members", {}).values():
            found |= _features(ref["shape"], seen + (shape_name,))
    elif t == "list":
        member = SHAPES[shape["member"]["shape"]]
        found.add("list of structures" if member["type"] == "structure" else "list of scalars")
        found |= _features(shape["member"]["shape"], seen + (shape_name,))
    elif t == "map":
        found.add("map")
        found |= _features(shape["value"]["shape"], seen + (shape_name,))
    elif t in ("timestamp", "blob", "float", "double", "boolean"):
        found.add(t)
    return found


_CANDIDATES = ("abc", "a1b2c3d4e5f6", "arn:aws:bedrock:us-east-1:123456789012:custom-model/abc", "1")


def _simple_required(operation):
    """Arguments for the required members, when each is a string some candidate
    satisfies (pattern and length); else None."""
    import re

    shape = SHAPES[SERVICE["operations"][operation]["input"]["shape"]]
    args = []
    for name in shape.get("required", ()):
        target = SHAPES[shape["members"][name]["shape"]]
        if target["type"] != "string":
            return None
        if "enum" in target:
            args += ["--" + kebab(name), target["enum"][0]]
            continue
        for candidate in _CANDIDATES:
            if (len(candidate) >= target.get("min", 0) and len(candidate) <= target.get("max", 10**6)
                    and re.search(target.get("pattern", ""), candidate)):
                args += ["--" + kebab(name), candidate]
                break
        else:
            return None
    return args


def _output_sample():
    """Operations covering each output feature (two each where there are), an
    empty output and a paginated one, chosen from the model."""
    chosen = {}
    per_feature = {}
    for operation in OPERATIONS:
        args = _simple_required(operation)
        if args is None:
            continue
        output = SERVICE["operations"][operation]["output"]["shape"]
        features = _features(output) or {"empty"}
        if not SHAPES[output].get("members"):
            features.add("empty")
        if operation in PAGINATION:
            features.add("paginated")
        for feature in sorted(features):
            if per_feature.get(feature, 0) < 2:
                per_feature[feature] = per_feature.get(feature, 0) + 1
                chosen[operation] = args
    assert {"list of structures", "list of scalars", "map", "union", "timestamp", "empty", "paginated",
            "document", "float", "boolean"} <= set(per_feature), per_feature
    return chosen


OUTPUT_SAMPLE = _output_sample()


@pytest.fixture(scope="module")
def scripted():
    server = RecordingServer()
    yield server
    server.close()


def _without_tokens(operation, body):
    """A request body with the idempotency tokens (random UUIDs each tool fills in) masked."""
    shape = SHAPES[SERVICE["operations"][operation]["input"]["shape"]]
    for name, ref in shape.get("members", {}).items():
        if ref.get("idempotencyToken") and body and name in body:
            body[name] = "<token>"
    return body


def _body_for(operation):
    output = SERVICE["operations"][operation]["output"]["shape"]
    shape = SHAPES[output]
    body = _output_body(output)
    if "payload" in shape:
        body = body.get(shape["payload"], {})
    return body


@pytest.mark.parametrize("output", ["json", "text", "table"])
@pytest.mark.parametrize("operation", sorted(OUTPUT_SAMPLE))
def test_output_is_the_aws_clis(aws, scripted, operation, output):
    """The same model-shaped response printed by both tools, byte for byte;
    with a --query too, and the request both send is the same."""
    body = json.dumps(_body_for(operation)).encode()
    code = SERVICE["operations"][operation].get("http", {}).get("responseCode", 200)
    results = []
    for run in (lambda *a: ours(*a, endpoint=scripted.url), lambda *a: theirs(aws, *a, endpoint=scripted.url)):
        scripted.always(Reply(status=code, body=body))
        scripted.clear()
        p = run(kebab(operation), *OUTPUT_SAMPLE[operation], "--output", output)
        (request,) = scripted.requests
        results.append((p.returncode, p.stdout, p.stderr, request.method, request.path, request.query,
                        _without_tokens(operation, request.json() if request.body else None)))
    assert results[0] == results[1]
    # (the AWS CLI's text and table formatters fail on a list holding a document's
    # scalars and objects together; so does this CLI, the same way)
    crash = output != "json" and "document" in _features(SERVICE["operations"][operation]["output"]["shape"])
    assert results[0][0] == 0 or crash and results[0][0] == 255, results[0][2]
    assert results[0][1] or crash or not json.loads(body)


@pytest.mark.parametrize("output", ["json", "text", "table"])
def test_output_with_query_is_the_aws_clis(aws, scripted, output):
    for operation in sorted(OUTPUT_SAMPLE):
        body = _body_for(operation)
        if not body:
            continue
        first = next(iter(body))
        query = f"{{a:{first},b:keys(@)}}"
        scripted.always(Reply(body=json.dumps(body).encode()))
        args = [kebab(operation), *OUTPUT_SAMPLE[operation], "--output", output, "--query", query]
        a, b = ours(*args, endpoint=scripted.url), theirs(aws, *args, endpoint=scripted.url)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), operation


def test_pagination_options_on_every_paginated_operation(aws, scripted):
    """--max-items/--page-size/--starting-token and --no-paginate as the AWS CLI
    applies them: the same requests, the same output (with a NextToken)."""
    count = 0
    for operation in sorted(PAGINATION):
        args = _simple_required(operation)
        if args is None:
            continue
        config = PAGINATION[operation]
        body = _output_body(SERVICE["operations"][operation]["output"]["shape"])
        page = dict(body, **{config["output_token"]: "token-2"})
        for extra in (["--max-items", "1"], ["--page-size", "1"] if "limit_key" in config else ["--no-paginate"],
                      ["--no-paginate", "--max-items", "1"]):
            results = []
            for run in (lambda *a: ours(*a, endpoint=scripted.url), lambda *a: theirs(aws, *a, endpoint=scripted.url)):
                scripted.always(Reply(body=json.dumps(body).encode()))
                scripted.script(Reply(body=json.dumps(page).encode()))
                scripted.clear()
                p = run(kebab(operation), *args, *extra)
                results.append((p.returncode, p.stdout, p.stderr,
                                [(r.path, r.query) for r in scripted.requests]))
            assert results[0] == results[1], (operation, extra)
        count += 1
    assert count >= 10


# -- wait: every waiter of codegen/model/waiters-2.json, side by side with the AWS CLI
# (given the same definitions: botocore's own bedrock waiters-2.json is empty, so the
# AWS CLI reads ours from AWS_DATA_PATH, as it reads any service's waiters)

WAITERS = pinned_json("waiters-2.json")["waiters"]


@pytest.fixture(scope="module")
def waiter_data_path(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("aws-data")
    target = root / "bedrock" / SERVICE["metadata"]["apiVersion"]
    target.mkdir(parents=True)
    shutil.copy(os.path.join(MODEL_DIR, "waiters-2.json"), target / "waiters-2.json")
    return str(root)


def _waiter_arguments(name):
    """The polled operation's required options, with values its patterns accept."""
    import re

    request = SHAPES[SERVICE["operations"][WAITERS[name]["operation"]]["input"]["shape"]]
    args = []
    for member in request["required"]:
        pattern = SHAPES[request["members"][member]["shape"]].get("pattern", "")
        kinds = re.findall(r"\[0-9\]\{12\}:([a-z-]+)/", pattern)
        candidates = ["abc123def456"] + [f"arn:aws:bedrock:us-east-1:123456789012:{k}/abc123def456" for k in kinds]
        args += ["--" + kebab(member), next(c for c in candidates if re.search(pattern, c))]
    return args


def _waiter_error(code):
    status = SHAPES[code]["error"]["httpStatusCode"]
    return Reply(status=status, body={"message": "scripted"}, headers={"x-amzn-ErrorType": code})


_PROGRESS_LINE = re.compile(r"[^\n]+: [^\n]* \| \d+:\d\d:\d\d\n")


def _wait_progress(stderr):
    """This CLI's wait reports progress on stderr, where the AWS CLI writes nothing
    until an error: stderr not being a terminal here, a line per change of status
    ("<identifier>: <status> | <sub-steps> | <time waited>"), before the rest. Returns
    (those lines, the rest), the rest being what the AWS CLI writes on stderr."""
    lines, pos = [], 0
    while True:
        match = _PROGRESS_LINE.match(stderr, pos)
        if match is None:
            return lines, stderr[pos:]
        lines.append(match.group()[:-1])
        pos = match.end()


def _terminal(name, state):
    """A reply that ends the waiter's first poll in ``state`` (success, or failure: its
    first failure acceptor, else an error no acceptor names)."""
    acceptor = next((a for a in WAITERS[name]["acceptors"] if a["state"] == state), None)
    if acceptor is None:
        return _waiter_error("ValidationException")
    if acceptor["matcher"] == "path":
        return Reply(body={acceptor["argument"]: acceptor["expected"]})
    return _waiter_error(acceptor["expected"])


@pytest.mark.parametrize("name", sorted(WAITERS))
def test_wait_like_the_aws_cli(aws, recorder, waiter_data_path, name):
    """Nothing on stdout and exit code 0 on success; 'Waiter <Name> failed: ...' on
    stderr and 255 on failure. Beyond the AWS CLI (silent until then): the progress
    lines on stderr, one here (one poll)."""
    args = ["wait", kebab(name), *_waiter_arguments(name)]
    env = _env(AWS_DATA_PATH=waiter_data_path)
    for state in ("success", "failure"):
        results = []
        for argv in ([sys.executable, "-m", "bedrock_customization", *args],
                     [aws, "bedrock", *args]):
            recorder.always(_terminal(name, state))
            recorder.clear()
            p = subprocess.run([*argv, "--endpoint-url", recorder.url], env=env, capture_output=True, text=True,
                               timeout=120)
            results.append((p.returncode, p.stdout, p.stderr, [r.path for r in recorder.requests]))
        progress, rest = _wait_progress(results[0][2])
        label = " ".join(_waiter_arguments(name)[1::2])
        assert len(progress) == 1 and progress[0].startswith(f"{label}: "), (state, results)
        assert _wait_progress(results[1][2])[0] == []
        results[0] = (results[0][0], results[0][1], rest, results[0][3])
        assert results[0] == results[1], (state, results)
        code, stdout, stderr, requests = results[0]
        assert len(requests) == 1 and stdout == ""
        if state == "success":
            assert (code, stderr) == (0, "")
        else:
            assert code == 255 and stderr.startswith(f"\nWaiter {name} failed: "), stderr


@pytest.mark.parametrize("name", sorted(WAITERS))
def test_wait_delay_and_max_attempts(recorder, name):
    """This CLI's --delay and --max-attempts (the AWS CLI v1 has neither): the WaiterConfig."""
    retry = next((a for a in WAITERS[name]["acceptors"] if a["state"] == "retry" and a["matcher"] == "path"), None)
    recorder.always(Reply(body={retry["argument"]: retry["expected"]} if retry else {}))
    p = ours("wait", kebab(name), *_waiter_arguments(name), "--delay", "0", "--max-attempts", "3",
             endpoint=recorder.url)
    assert p.returncode == 255 and p.stdout == ""
    progress, rest = _wait_progress(p.stderr)
    assert len(progress) == 1, p.stderr  # three polls, one status: one line
    assert rest.startswith(f"\nWaiter {name} failed: Max attempts exceeded"), p.stderr
    assert len(recorder.requests) == 3


def _job_reply(status, validation, data_processing, training):
    return Reply(body={"status": status, "statusDetails": {
        "validationDetails": {"status": validation}, "dataProcessingDetails": {"status": data_processing},
        "trainingDetails": {"status": training}}})


_JOB_POLLS = [
    ("InProgress", "InProgress", "NotStarted", "NotStarted"),
    ("InProgress", "InProgress", "NotStarted", "NotStarted"),
    ("InProgress", "Completed", "InProgress", "NotStarted"),
    ("InProgress", "Completed", "Completed", "InProgress"),
    ("InProgress", "Completed", "Completed", "InProgress"),
    ("Completed", "Completed", "Completed", "Completed"),
]


def test_wait_progress_in_a_log_is_a_line_per_change(recorder):
    """stderr a pipe (a CI log, a file): a line per change of the status or of a
    sub-step, each with the time waited, no \\r; stdout stays empty."""
    recorder.script(*[_job_reply(*poll) for poll in _JOB_POLLS])
    p = ours("wait", "model-customization-job-completed", "--job-identifier", "log-job", "--delay", "0",
             endpoint=recorder.url)
    assert (p.returncode, p.stdout) == (0, ""), p.stderr
    assert "\r" not in p.stderr
    progress, rest = _wait_progress(p.stderr)
    assert rest == "" and len(recorder.requests) == len(_JOB_POLLS)
    assert [line.rsplit(" | ", 1)[0] for line in progress] == [
        f"log-job: {status} | validation {v} | data processing {d} | training {t}"
        for status, v, d, t in (_JOB_POLLS[0], _JOB_POLLS[2], _JOB_POLLS[3], _JOB_POLLS[5])
    ]


def test_wait_progress_on_a_terminal_is_a_live_line(recorder):
    """stderr a terminal: the one line, rewritten at every poll, ended at the end."""
    recorder.script(*[_job_reply(*poll) for poll in _JOB_POLLS])
    leader, follower = os.openpty()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "bedrock_customization", "wait", "model-customization-job-completed",
             "--job-identifier", "tty-job", "--delay", "0", "--endpoint-url", recorder.url],
            env=_env(), stdout=subprocess.PIPE, stderr=follower, text=True, timeout=60,
        )
        os.close(follower)
        follower = -1
        err = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            err += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    text = err.decode().replace("\r\n", "\n")  # (the terminal turns "\n" into "\r\n")
    assert (p.returncode, p.stdout) == (0, ""), text
    assert text.startswith("\r") and text.endswith("\n") and "\n" not in text[:-1], repr(text)
    shown = [t.rstrip() for t in text.split("\r")[1:]]
    assert [t.rsplit(" | ", 1)[0] for t in shown] == [
        f"tty-job: {status} | validation {v} | data processing {d} | training {t}" for status, v, d, t in _JOB_POLLS
    ]


def test_wait_commands_and_options_are_the_aws_clis(waiter_data_path):
    """The AWS CLI given the same waiters-2.json has the same wait subcommands, with
    the polled operation's options; `wait --help`, `wait <waiter> --help` and the
    completion scripts name every one."""
    from awscli.clidriver import create_clidriver

    from bedrock_customization.cli._docs import waiters

    with mock.patch.dict(os.environ, AWS_DATA_PATH=waiter_data_path + os.pathsep + os.environ.get("AWS_DATA_PATH", "")):
        wait = create_clidriver()._get_command_table()["bedrock"]._get_command_table()["wait"]
        table = {name: cmd.arg_table for name, cmd in wait.subcommand_table.items()}
    assert sorted(table) == sorted(waiters()) == sorted(kebab(n) for n in WAITERS)
    from bedrock_customization.cli._argv import command

    listing = ours("wait", "--help").stdout
    completion = {shell: ours("completion", shell).stdout for shell in ("bash", "zsh")}
    for name, arg_table in table.items():
        snake, operation = waiters()[name]
        # (the AWS CLI lists --generate-cli-skeleton for wait too; this CLI's wait leaves it out)
        mine = {o[2:] for o in command(operation).options} - {"generate-cli-skeleton"}
        assert set(arg_table) - {"generate-cli-skeleton"} == mine, name
        required = [f"--{a}" for a, arg in arg_table.items() if getattr(arg, "required", False)]
        line = next(line for line in listing.splitlines() if line.strip().startswith(name + " "))
        assert required and all(r in line for r in required), (name, line)
        definition = WAITERS[next(n for n in WAITERS if kebab(n) == name)]
        p = ours("wait", name, "--help")
        assert p.returncode == 0
        text = " ".join(p.stdout.split())
        assert " ".join(definition["description"].split()) in text
        assert f"(default {definition['delay']})" in text and f"(default {definition['maxAttempts']})" in text
        for r in required:
            assert f"{r} <value>" in p.stdout and f"{r} (string) [required]" in p.stdout
        for shell, script in completion.items():
            assert name in script and all(r in script for r in required), shell
