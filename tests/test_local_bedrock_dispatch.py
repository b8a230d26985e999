"""The local Bedrock's dispatch table (testing/_dispatch.py, written by codegen/generate.py).

Every operation of the pinned model has an entry; every entry names an action the runtime
implements, on a resource the runtime has; the resources' statuses are the model's and
the waiters' (codegen/model/waiters-2.json)."""

import ast
import json
import os

import pytest

from conftest import pinned_json

from bedrock_customization.testing import _backend, _engine, _resources
from bedrock_customization.testing._dispatch import ACTIONS, OPERATIONS, RESOURCES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTING = os.path.join(ROOT, "python", "bedrock_customization", "testing")
SERVICE = pinned_json("service-2.json")
MODEL_OPERATIONS = tuple(sorted(SERVICE["operations"]))
with open(os.path.join(ROOT, "codegen", "model", "waiters-2.json"), encoding="utf-8") as _f:
    WAITERS = json.load(_f)["waiters"]

# the actions the engine serves itself / the generic Resource serves / only some resource classes serve
ENGINE_ACTIONS = {"tag", "untag", "list_tags", "generic"}
GENERIC_ACTIONS = {"create", "get", "list", "update", "delete", "stop"}
CLASS_ACTIONS = {"put", "batch_delete"}


def backend():
    return _backend.State().backend(_engine.DEFAULT_ACCOUNT, "us-east-1")


def uri_labels(operation):
    shape = SERVICE["shapes"][SERVICE["operations"][operation]["input"]["shape"]]
    return tuple(m for m, ref in shape.get("members", {}).items() if ref.get("location") == "uri")


@pytest.mark.parametrize("operation", MODEL_OPERATIONS)
def test_every_model_operation_has_an_entry(operation):
    assert operation in OPERATIONS, f"{operation} has no entry in testing/_dispatch.py (run codegen/generate.py)"


def test_the_table_has_only_model_operations():
    assert sorted(OPERATIONS) == list(MODEL_OPERATIONS)


def test_the_actions_are_the_runtimes():
    assert set(ACTIONS) == ENGINE_ACTIONS | GENERIC_ACTIONS | CLASS_ACTIONS


@pytest.mark.parametrize("operation", MODEL_OPERATIONS)
def test_each_entry_is_an_action_the_runtime_implements(operation):
    entry = OPERATIONS[operation]
    assert entry.action in ACTIONS
    labels = uri_labels(operation)
    if entry.action in ENGINE_ACTIONS:
        assert entry.resource is None and entry.identifier is None and entry.parents == ()
        return
    assert entry.resource in RESOURCES
    assert RESOURCES[entry.resource].operations[entry.action] == operation
    resource = _resources.make(backend(), entry.resource)  # every resource of the table can be made
    cls = type(resource)
    if entry.action in CLASS_ACTIONS:  # overridden: the base Resource refuses
        assert getattr(cls, entry.action) is not getattr(_resources.Resource, entry.action), (cls, entry.action)
    # the identifier and the parents are the operation's URI labels
    if entry.action in ("get", "update", "delete", "stop"):
        assert entry.identifier == (labels[-1] if labels else None)
    else:
        assert entry.identifier is None
    assert entry.parents == (labels if entry.action == "list" else ())


@pytest.mark.parametrize("action", sorted(CLASS_ACTIONS))
def test_a_class_that_serves_an_action_has_it_in_the_table(action):
    # the other way round: a put/batch_delete the runtime implements is not left to the generic handler
    for noun, cls in _resources.CLASSES.items():
        if getattr(cls, action) is not getattr(_resources.Resource, action):
            assert action in RESOURCES[noun].operations, (noun, action)


def test_resource_classes_are_resources_of_the_table():
    assert set(_resources.CLASSES) <= set(RESOURCES)
    with pytest.raises(LookupError, match="not a resource"):
        _resources.make(backend(), "NoSuchThing")


def test_an_operation_the_table_lacks_is_an_error_not_a_fallback():
    with pytest.raises(LookupError, match="dispatch table has no operation 'NoSuchOperation'"):
        backend().call("NoSuchOperation", {}, {})


def _path_states(waiter, state, member):
    return {a["expected"] for a in waiter["acceptors"]
            if a["matcher"] == "path" and a["state"] == state and a["argument"] == member}


@pytest.mark.parametrize("noun", sorted(RESOURCES))
def test_statuses_are_the_models_and_the_waiters(noun):
    spec = RESOURCES[noun]
    get = spec.operations.get("get")
    output = SERVICE["shapes"][SERVICE["operations"][get]["output"]["shape"]] if get else {"members": {}}
    if spec.status is not None:
        assert spec.status in output["members"]
    polling = {name: w for name, w in WAITERS.items() if w["operation"] == get}
    read = {a["argument"] for w in polling.values() for a in w["acceptors"] if a["matcher"] == "path"}
    if read:  # the status member is the one the waiters read
        assert read == {spec.status}
    for name, (success, failure) in spec.waiters.items():
        assert set(success) == _path_states(WAITERS[name], "success", spec.status)
        assert set(failure) == _path_states(WAITERS[name], "failure", spec.status)
    stops = [set(s) | set(f) for s, f in spec.waiters.values()]
    assert set(spec.terminal) == (set.intersection(*stops) if stops else set())
    resource = _resources.make(backend(), noun)
    assert resource.status_member == spec.status
    assert set(resource.terminal) == set(spec.terminal) - set(resource.passing)


def test_the_terminal_statuses_the_resources_had():
    # before the table, the classes wrote these down; the table and waiters-2.json now give them
    had = {
        "ModelCustomizationJob": {"Completed", "Failed", "Stopped"},
        "ModelImportJob": {"Completed", "Failed"},
        "ModelCopyJob": {"Completed", "Failed"},
        "EvaluationJob": {"Completed", "Failed", "Stopped"},
        "ModelInvocationJob": {"Completed", "Failed", "Stopped", "PartiallyCompleted", "Expired"},
    }
    for noun, terminal in had.items():
        assert set(_resources.make(backend(), noun).terminal) == terminal, noun


def _imports(module):
    with open(os.path.join(TESTING, module + ".py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def test_the_engine_does_not_import_the_resources():
    assert "_resources" not in _imports("_engine") and "_backend" not in _imports("_engine")
    assert "_backend" not in _imports("_resources")
    assert _imports("_dispatch") == set()


def test_the_runtime_reads_no_operation_name_as_verb_and_noun():
    for module in ("_engine", "_resources", "_backend"):
        with open(os.path.join(TESTING, module + ".py"), encoding="utf-8") as f:
            text = f.read()
        assert '"Create" +' not in text and '"Get" +' not in text and "_VERBS" not in text, module

