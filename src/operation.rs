//! The one call path behind every operation. An operation is an index into the
//! generated tables (`shapes::OPERATIONS` for the model, `builders::SENDERS` for the
//! SDK request); `prepare` validates and builds the request (GIL held), and the one
//! async core (`capture::drive` over the SDK's send future) is either run with the GIL
//! released (`call`, the sync entry point) or handed to asyncio
//! (`completions::call_async`, the async one).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::capture::{Failure, Outcome, Pending};
use crate::config::ClientInner;
use crate::errors;
use crate::generated::builders::SENDERS;
use crate::generated::shapes::{OPERATIONS, SHAPES};
use crate::model::{Location, Operation};
use crate::response;
use crate::validate;

/// The index of the operation named as in the model (`GetModelCustomizationJob`).
pub fn index(name: &str) -> PyResult<usize> {
    // OPERATIONS is sorted by name (the generator writes it so).
    OPERATIONS
        .binary_search_by(|op| op.name.cmp(name))
        .map_err(|_| {
            PyValueError::new_err(format!(
                "Unknown operation {name:?} for the bedrock service"
            ))
        })
}

/// The keyword arguments, validated against the operation's input shape.
/// Nothing is sent when this fails.
pub fn checked_params<'py>(
    py: Python<'py>,
    client: &ClientInner,
    op: &Operation,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut params = match kwargs {
        Some(k) => k.clone(),
        None => PyDict::new(py),
    };
    let input = &SHAPES[op.input];
    // As botocore does, a member with the idempotencyToken trait that the caller left
    // out gets a fresh `str(uuid.uuid4())`, generated once per call: every retry of
    // the request then carries the same token. (The caller's dict is not changed.)
    for member in input.members.iter().filter(|m| m.idempotency_token) {
        if !params.contains(member.name)? {
            if kwargs.is_some() {
                params = params.copy()?;
            }
            params.set_item(member.name, uuid::Uuid::new_v4().to_string())?;
        }
    }
    let mut problems = validate::validate(&params, op.input, client.settings.parameter_validation);
    if problems.is_empty() {
        problems.extend(uri_too_long(&params, op, client));
    }
    if problems.is_empty() {
        Ok(params)
    } else {
        Err(errors::param_validation(py, &problems))
    }
}

/// The longest request target the HTTP layer accepts (http's `Uri` limit).
const MAX_URI_BYTES: usize = 65_534;

/// With `parameter_validation=False` nothing bounds the path and query members, and
/// a request whose URI exceeds the HTTP limit cannot be built at all: refuse it here,
/// naming the members, instead of failing inside the SDK.
fn uri_too_long(
    params: &Bound<'_, PyDict>,
    op: &Operation,
    client: &ClientInner,
) -> Option<String> {
    let encoded = |s: &str| -> usize {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    1
                } else {
                    3
                }
            })
            .sum()
    };
    let mut length = op.request_uri.len();
    let mut names = Vec::new();
    for member in SHAPES[op.input].members {
        if !matches!(member.location, Location::Uri | Location::Query) {
            continue;
        }
        let Ok(Some(value)) = params.get_item(member.name) else {
            continue;
        };
        let size = match value.extract::<String>() {
            Ok(text) => encoded(&text),
            Err(_) => value
                .str()
                .map(|t| encoded(&t.to_string_lossy()))
                .unwrap_or(0),
        };
        length += member.wire_name.len() + 2 + size;
        names.push(member.name);
    }
    if length + 4096 > MAX_URI_BYTES {
        length += client.endpoint().len(); // only near the limit: it reads the environment
    }
    (length > MAX_URI_BYTES).then(|| {
        format!(
            "Invalid length for parameter {}, the request URI would be about {length} bytes, over the HTTP limit of {MAX_URI_BYTES}",
            names.join(", ")
        )
    })
}

/// A call's response as boto3 shows it: the output dict, or the parsed error
/// response (`e.response`) of a service error.
pub enum Reply<'py> {
    Output(Bound<'py, PyDict>),
    Error(Bound<'py, PyDict>),
}

/// Reads the outcome of the async core (logging it); a transport failure is raised.
/// Shared by every call and by the waiters' polls.
pub fn reply<'py>(
    py: Python<'py>,
    client: &ClientInner,
    op: &Operation,
    outcome: Outcome,
) -> PyResult<Reply<'py>> {
    crate::logging::call(py, op.name, &outcome);
    let standard = client.settings.standard_retries();
    match outcome.result {
        Ok(raw) => Ok(Reply::Output(response::parse_output(
            py,
            op.output,
            &raw,
            outcome.attempts,
            standard && outcome.attempts >= client.settings.max_attempts,
        )?)),
        Err(Failure::Service(raw)) => Ok(Reply::Error(response::parse_error(
            py,
            &raw,
            outcome.attempts,
            client.settings.max_attempts,
            standard,
        )?)),
        Err(Failure::Transport { kind, message }) => Err(errors::transport(
            py,
            kind,
            &message,
            outcome.url.as_deref(),
            &client.endpoint(),
        )),
    }
}

/// Turns the outcome of the async core into the Python result or exception.
pub fn finish(
    py: Python<'_>,
    client: &ClientInner,
    op: &Operation,
    outcome: Outcome,
) -> PyResult<Py<PyAny>> {
    match reply(py, client, op, outcome)? {
        Reply::Output(out) => Ok(out.into_any().unbind()),
        Reply::Error(parsed) => Err(errors::client_error(py, op.name, &parsed)),
    }
}

/// Validates and converts `params` for operation `index`; nothing is sent until
/// the returned future is polled.
pub fn prepare(
    py: Python<'_>,
    client: &ClientInner,
    index: usize,
    params: Option<&Bound<'_, PyDict>>,
) -> PyResult<Pending> {
    let op = &OPERATIONS[index];
    let params = checked_params(py, client, op, params)?;
    let sdk = client.sdk(py)?;
    let capture = client
        .capture()
        .with_exact_values(crate::body_patch::collect(&params, op.input));
    SENDERS[index](&sdk, &params, capture)
}

/// The sync entry point: the request runs on the calling thread with the GIL
/// released (on the shared runtime when this thread is one of its own); its
/// connection is the client's, driven on the shared runtime (`config::http_client`).
/// The result is built here too, once the thread holds the GIL again.
pub fn call(
    py: Python<'_>,
    client: &ClientInner,
    index: usize,
    params: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let pending = prepare(py, client, index, params)?;
    let outcome = if crate::runtime::can_block_here() {
        crate::runtime::block_on_here(py, pending)?
    } else {
        crate::runtime::block_on(py, pending)?
    };
    finish(py, client, &OPERATIONS[index], outcome)
}
