"""Secrets stay secret (reprs, exceptions, DEBUG logs); logging goes through Python's
`logging`; TLS is verified unless turned off, and a custom CA bundle works."""

import http.server
import json
import logging
import ssl
import threading

import pytest
import trustme

import bedrock_customization as bc
from conftest import Reply, make_bc_client

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY"
TOKEN = "FwoGZXIvYXdzEJr-SESSION-TOKEN-VALUE-123"
KEY_ID = "AKIDSECURITYTEST"


def secret_client(url, **kwargs):
    return bc.client(
        "bedrock", region_name="us-east-1", endpoint_url=url,
        aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, aws_session_token=TOKEN, **kwargs,
    )


def no_secrets(text):
    assert SECRET not in text and TOKEN not in text, text


def test_reprs_and_exceptions_never_show_secrets(recorder):
    client = secret_client(recorder.url)
    session = bc.Session(aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, aws_session_token=TOKEN, region_name="us-east-1")
    for obj in (client, client.meta, session, bc.Config(), session.client("bedrock", endpoint_url=recorder.url)):
        no_secrets(repr(obj))
        no_secrets(str(obj))
    recorder.always(Reply(status=403, body={"message": "denied"}, headers={"x-amzn-ErrorType": "AccessDeniedException"}))
    with pytest.raises(bc.exceptions.AccessDeniedException) as info:
        client.get_model_customization_job(jobIdentifier="j")
    no_secrets(str(info.value))
    no_secrets(repr(info.value))
    no_secrets(json.dumps(info.value.response, default=str))
    # The caller's own value may be echoed by validation (as botocore does); credentials never
    # are: a value botocore's check refuses (a wrong type, echoed), and one only a strict
    # client refuses (over the max length; the default client sends it, as boto3 does).
    strict = secret_client(recorder.url, config=bc.Config(parameter_validation="strict"))
    for checking, value, says in ((client, [SECRET * 100], "Invalid type for parameter jobIdentifier"),
                                  (strict, SECRET * 100, "valid max length: 1011")):
        with pytest.raises(bc.exceptions.ParamValidationError) as info:
            checking.get_model_customization_job(jobIdentifier=value)
        assert says in str(info.value)
        no_secrets(str(info.value).replace(SECRET * 100, "<value>"))
    # ...while the credentials did reach the server, signed.
    recorder.always(Reply(body={"jobName": "j"}))
    client.get_model_customization_job(jobIdentifier="j")
    sent = recorder.requests[-1].headers
    assert sent["x-amz-security-token"] == TOKEN
    assert KEY_ID in sent["authorization"] and SECRET not in sent["authorization"]


def test_debug_logs_go_through_logging_and_hold_no_secrets(recorder, caplog):
    recorder.script(Reply(status=500, body={"message": "boom"}), Reply(body={"jobName": "j"}))
    client = secret_client(recorder.url, config=bc.Config(retries={"max_attempts": 2, "mode": "standard"}))
    with caplog.at_level(logging.DEBUG):  # every logger, as a user debugging would set it
        client.get_model_customization_job(jobIdentifier="j")
    ours = [r for r in caplog.records if r.name.startswith("bedrock_customization")]
    messages = [r.getMessage() for r in ours]
    assert any("GetModelCustomizationJob attempt 1" in m and "HTTP 500" in m and "retrying" in m for m in messages), messages
    assert any(m.startswith("GetModelCustomizationJob ") and "HTTP 200" in m and "2 attempt(s)" in m for m in messages), messages
    assert all(r.levelno == logging.DEBUG for r in ours)
    everything = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    no_secrets(everything)


def test_nothing_is_logged_above_debug_by_default(recorder, caplog):
    recorder.always(Reply(body={"jobName": "j"}))
    with caplog.at_level(logging.INFO):
        make_bc_client(recorder.url).get_model_customization_job(jobIdentifier="j")
    assert [r for r in caplog.records if r.name.startswith("bedrock_customization")] == []


# ---------------------------------------------------------------------------
# TLS with a CA generated for the test
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = json.dumps({"jobName": "over-tls"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", str(bundle)
    finally:
        server.shutdown()
        server.server_close()


NO_RETRY = bc.Config(retries={"max_attempts": 0})


def test_tls_is_verified_by_default(tls_server, monkeypatch):
    url, _ = tls_server
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    with pytest.raises(bc.exceptions.SSLError) as info:
        make_bc_client(url, config=NO_RETRY).get_model_customization_job(jobIdentifier="j")
    assert url in str(info.value)


def test_a_custom_ca_bundle_is_trusted(tls_server, monkeypatch):
    url, bundle = tls_server
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    got = make_bc_client(url, verify=bundle, config=NO_RETRY).get_model_customization_job(jobIdentifier="j")
    assert got["jobName"] == "over-tls"


def test_aws_ca_bundle_environment_variable(tls_server, monkeypatch):
    url, bundle = tls_server
    monkeypatch.setenv("AWS_CA_BUNDLE", bundle)
    got = make_bc_client(url, config=NO_RETRY).get_model_customization_job(jobIdentifier="j")
    assert got["jobName"] == "over-tls"


def test_verify_false_skips_verification(tls_server, monkeypatch):
    url, _ = tls_server
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    got = make_bc_client(url, verify=False, config=NO_RETRY).get_model_customization_job(jobIdentifier="j")
    assert got["jobName"] == "over-tls"


def test_a_missing_ca_bundle_is_a_clear_error(tls_server, tmp_path):
    url, _ = tls_server
    with pytest.raises(ValueError, match="cannot read the CA bundle"):
        make_bc_client(url, verify=str(tmp_path / "missing.pem"))
