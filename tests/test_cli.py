"""The `bedrock-customization` command line, side by side with the real AWS CLI v1.

Both run as child processes against the same local Bedrock (moto, in this
process); for the same job they must print the same stdout in json, text and
table output (with and without --query), and the same stderr and exit code for
service errors and usage errors. The AWS CLI is the one tests/requirements.txt
installs, at the version constraints.txt pins (it requires the same botocore
release as the pinned boto3).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

import bedrock_customization as bc

# awscli 1.45.x (the release of the pinned botocore) prints the error location of a
# shorthand syntax error as the literal text below (a string that lost its f-prefix);
# later releases print the input and a caret, as this package does.
AWSCLI_UNFORMATTED = "{self._error_location()}"
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
    with bc.testing.local_bedrock() as server:
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
    name = f"stop-{uuid.uuid4().hex[:8]}"
    assert ours(*_create_args(name), endpoint=local).returncode == 0
    a = ours("stop-model-customization-job", "--job-identifier", name, endpoint=local)
    b = theirs(aws, "stop-model-customization-job", "--job-identifier", name, endpoint=local)
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr) == (0, "", "")
    a = ours("get-model-customization-job", "--job-identifier", name, "--query", "status", endpoint=local)
    assert a.stdout in ('"Stopping"\n', '"Stopped"\n')


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
    assert (a.returncode, a.stdout) == (b.returncode, b.stdout)
    if AWSCLI_UNFORMATTED in b.stderr:
        # The pinned AWS CLI prints one f-string unformatted; ours prints what it means:
        # the same message with the input and a caret under the failing position.
        before, after = b.stderr.split(AWSCLI_UNFORMATTED)
        assert a.stderr.startswith(before) and a.stderr.endswith(after), a.stderr
        shown, caret = a.stderr[len(before): len(a.stderr) - len(after)].split("\n")
        assert shown == value and caret.strip() == "^" and len(caret) <= len(value) + 1, a.stderr
    else:
        assert a.stderr == b.stderr


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
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    name = f"wait-{uuid.uuid4().hex[:8]}"
    assert ours(*_create_args(name), endpoint=local).returncode == 0
    local.fail_job(name, "boom")
    p = ours("wait", "model-customization-job-completed", "--job-identifier", name, "--delay", "0.05", endpoint=local)
    assert p.returncode == 255
    assert p.stderr.startswith("\nWaiter ModelCustomizationJobCompleted failed: Waiter encountered a terminal failure state")
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
                 "--job-identifier", "--training-data-config", "--max-items", "--output", "--query"):
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


def test_option_tables_match_the_model():
    """cli.OPTIONS (what a plain call parses with, so that it need not import
    type_defs) is the model's input members: names, order, kinds, required."""
    from bedrock_customization import _cli_extra, cli

    assert set(cli.OPTIONS) == set(cli.commands())
    for command, (py, api) in cli.commands().items():
        shape = _cli_extra.input_shape(api)
        expected = {"--" + cli._kebab(name): (name, member.kind, name in shape.required)
                    for name, member in shape.members.items()}
        assert list(cli.OPTIONS[command].items()) == list(expected.items()), (
            f"update cli.OPTIONS[{command!r}] to {expected!r}"
        )
    assert cli.ShorthandParser is _cli_extra.ShorthandParser  # moved names stay reachable


def test_json_output_is_json_dumps():
    from bedrock_customization.cli import format_json

    class Int(int):
        pass

    class Str(str):
        pass

    cases = [
        {"a": 1, "b": [1, 2.5, float("nan"), float("inf"), -float("inf"), True, False, None],
         "c": {}, "d": [], "e": {"f": [[], {}, [{}], ()]}, "g": (1, "x")},
        {"s": "é \u2028 \" \\ \n \t \x00 \x1f \ud800 日本", Str("k"): Str("v"), "i": Int(3), "big": 10**30,
         "f": [-0.0, 1e300, 5e-324, 1e-07, 0.1]},
        {1: "int key", None: "none key", 1.5: "float key", True: "bool key"},
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
    """A get (json output) loads neither the CLI's other half, the model's type
    definitions, the json module, dateutil nor botocore."""
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bedrock_customization", "get-model-customization-job",
         "--job-identifier", jobs["other"], "--endpoint-url", local],
        env=_env(), capture_output=True, text=True,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["jobName"] == jobs["other"]
    imported = {line.split("|")[-1].strip() for line in p.stderr.splitlines() if "|" in line}
    unwanted = {"json", "configparser", "logging", "dateutil", "botocore", "jmespath", "bedrock_customization._cli_extra",
                "bedrock_customization.type_defs", "bedrock_customization.paginate",
                "bedrock_customization.exceptions", "bedrock_customization._parsing"}
    assert not {m for m in imported if m in unwanted or m.split(".")[0] in unwanted}
