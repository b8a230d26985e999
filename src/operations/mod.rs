//! One file per operation. Each has one async core (`call::drive` over the SDK's
//! send future); the sync entry point runs it with the GIL released, and the async
//! entry point (issue 3) hands the same core to asyncio. What they share is here.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::call::{Failure, Outcome};
use crate::client::ClientInner;
use crate::errors;
use crate::generated::shapes::OPERATIONS;
use crate::model::Operation;
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
    let params = match kwargs {
        Some(k) => k.clone(),
        None => PyDict::new(py),
    };
    let problems = validate::validate(&params, op.input, client.settings.parameter_validation);
    if problems.is_empty() {
        Ok(params)
    } else {
        Err(errors::param_validation(py, &problems))
    }
}

/// Turns the outcome of the async core into the Python result or exception.
pub fn finish(
    py: Python<'_>,
    client: &ClientInner,
    op: &Operation,
    outcome: Outcome,
) -> PyResult<Py<PyAny>> {
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

/// Expands to an operation's `call` (sync) entry point.
macro_rules! sync_operation {
    ($op_index:path, $builder:path) => {
        pub fn call(
            py: pyo3::Python<'_>,
            client: &std::sync::Arc<crate::client::ClientInner>,
            kwargs: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
        ) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
            let op = crate::operations::operation($op_index);
            let params = crate::operations::checked_params(py, client, op, kwargs)?;
            let sdk = client.sdk(py)?;
            let capture = client
                .capture()
                .with_exact_values(crate::exact::collect(&params, op.input));
            let send = $builder(&sdk, &params)?
                .customize()
                .interceptor(capture.clone())
                .send();
            let outcome = crate::runtime::block_on(py, crate::call::drive(send, capture))?;
            crate::operations::finish(py, client, op, outcome)
        }
    };
}
pub(crate) use sync_operation;
