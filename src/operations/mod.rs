//! One file per operation. Each has one async core (`call::drive` over the SDK's
//! send future); the sync entry point runs it with the GIL released, and the async
//! entry point (issue 3) hands the same core to asyncio. What they share is here.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::call::{Failure, Outcome};
use crate::client::ClientInner;
use crate::errors;
use crate::generated::shapes::{OPERATIONS, SHAPES};
use crate::model::{Location, Operation};
use crate::response;
use crate::validate;

pub mod create_model_customization_job;
pub mod get_model_customization_job;
pub mod list_model_customization_jobs;
pub mod stop_model_customization_job;

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
fn uri_too_long(params: &Bound<'_, PyDict>, op: &Operation, client: &ClientInner) -> Option<String> {
    let encoded = |s: &str| -> usize {
        s.bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { 1 } else { 3 })
            .sum()
    };
    let mut length = op.request_uri.len();
    let mut names = Vec::new();
    for member in SHAPES[op.input].members {
        if !matches!(member.location, Location::Uri | Location::Query) {
            continue;
        }
        let Ok(Some(value)) = params.get_item(member.name) else { continue };
        let size = match value.extract::<String>() {
            Ok(text) => encoded(&text),
            Err(_) => value.str().map(|t| encoded(&t.to_string_lossy())).unwrap_or(0),
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

/// Turns the outcome of the async core into the Python result or exception.
pub fn finish(
    py: Python<'_>,
    client: &ClientInner,
    op: &Operation,
    outcome: Outcome,
) -> PyResult<Py<PyAny>> {
    crate::logging::call(py, op.name, &outcome);
    match outcome.result {
        Ok(raw) => Ok(
            response::parse_output(py, op.output, &raw, outcome.attempts)?
                .into_any()
                .unbind(),
        ),
        Err(Failure::Service(raw)) => {
            Err(errors::client_error(py, op.name, &raw, outcome.attempts, client.settings.max_attempts))
        }
        Err(Failure::Transport { kind, message }) => Err(errors::transport(
            py,
            kind,
            &message,
            outcome.url.as_deref(),
            &client.endpoint(),
        )),
    }
}

pub fn operation(index: usize) -> &'static Operation {
    &OPERATIONS[index]
}

/// A prepared request for the operation named as in the model (`GetModelCustomizationJob`).
pub fn prepare_by_name(
    py: Python<'_>,
    client: &ClientInner,
    name: &str,
    params: Option<&Bound<'_, PyDict>>,
) -> PyResult<std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + Send>>> {
    Ok(match name {
        "CreateModelCustomizationJob" => Box::pin(create_model_customization_job::prepare(py, client, params)?),
        "GetModelCustomizationJob" => Box::pin(get_model_customization_job::prepare(py, client, params)?),
        "ListModelCustomizationJobs" => Box::pin(list_model_customization_jobs::prepare(py, client, params)?),
        "StopModelCustomizationJob" => Box::pin(stop_model_customization_job::prepare(py, client, params)?),
        other => return Err(pyo3::exceptions::PyValueError::new_err(format!("unknown operation {other:?}"))),
    })
}

/// The async core of a call whose request was prepared: its outcome as a Python result.
pub async fn complete(
    client: std::sync::Arc<ClientInner>,
    op: &'static Operation,
    outcome: impl std::future::Future<Output = Outcome>,
) -> PyResult<Py<PyAny>> {
    let outcome = outcome.await;
    crate::runtime::attach(|py| finish(py, &client, op, outcome))
}

/// Expands to an operation's entry points:
/// - `prepare`: validate, convert to SDK types and build the request future (GIL held);
/// - `call`: the sync entry point — runs the core with the GIL released;
/// - `call_async`: the async entry point — hands the same core to asyncio.
macro_rules! operation_entry_points {
    ($op_index:path, $builder:path) => {
        use std::sync::Arc;

        use pyo3::prelude::*;
        use pyo3::types::PyDict;

        use crate::client::ClientInner;

        /// Validates and converts `params`; nothing is sent until the future is polled.
        pub fn prepare(
            py: Python<'_>,
            client: &ClientInner,
            params: Option<&Bound<'_, PyDict>>,
        ) -> PyResult<impl std::future::Future<Output = crate::call::Outcome> + Send + 'static> {
            let op = crate::operations::operation($op_index);
            let params = crate::operations::checked_params(py, client, op, params)?;
            let sdk = client.sdk(py)?;
            let capture = client.capture().with_exact_values(crate::exact::collect(&params, op.input));
            let send = $builder(&sdk, &params)?.customize().interceptor(capture.clone()).send();
            Ok(crate::call::drive(send, capture))
        }

        pub fn call(py: Python<'_>, client: &Arc<ClientInner>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
            let op = crate::operations::operation($op_index);
            // The request runs on the runtime; the result is built here, on the
            // calling thread, which holds the GIL again (no thread state to make).
            let outcome = crate::runtime::block_on(py, prepare(py, client, kwargs)?)?;
            crate::operations::finish(py, client, op, outcome)
        }

        pub fn call_async<'py>(
            py: Python<'py>,
            client: &Arc<ClientInner>,
            kwargs: Option<&Bound<'py, PyDict>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let op = crate::operations::operation($op_index);
            match prepare(py, client, kwargs) {
                Ok(outcome) => crate::runtime::future_into_py(py, crate::operations::complete(client.clone(), op, outcome)),
                // A bad call fails when awaited, like any coroutine.
                Err(err) => crate::runtime::future_into_py(py, async move { Err::<Py<PyAny>, _>(err) }),
            }
        }
    };
}
pub(crate) use operation_entry_points;
