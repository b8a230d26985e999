//! The test hooks `_core` exports beside `Client`: the response walker and the
//! validator on their own, for what answers without sending (the Stubber, the local
//! Bedrock), benchmarks and tests.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::capture::RawResponse;
use crate::errors;
use crate::generated::shapes::OPERATIONS;
use crate::response;
use crate::validate::{self, Level};

/// `_core._parse_output(operation, status, headers, body)`: the walker on its own,
/// for a raw 2xx response that came from elsewhere (the benchmark's bare-hyper
/// contender measures the SDK path against it). Headers are (name, value) pairs;
/// `one_pass=False` skips the one-pass reader (tests compare it with the walker).
#[pyfunction]
#[pyo3(signature = (operation, status, headers, body, attempts = 1, one_pass = true))]
pub fn _parse_output<'py>(
    py: Python<'py>,
    operation: &str,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    attempts: u32,
    one_pass: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let op = &OPERATIONS[crate::operation::index(operation)?];
    let raw = RawResponse {
        status,
        headers: headers
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect(),
        body: body.into(),
    };
    Ok(response::parse_output_with(
        py, op.output, &raw, attempts, false, one_pass,
    )?)
}

/// `_core._match_pattern(shape_name, value)`: whether `value` matches the pattern of the
/// model's shape `shape_name` as the service matches it (the whole value, Java's regex
/// language): the one reading of the model's patterns, shared by the strict check and the
/// local Bedrock. Raises `ValueError` when the shape has no pattern, or one this package
/// cannot use (the reason says why).
#[pyfunction]
pub fn _match_pattern(shape_name: &str, value: &str) -> PyResult<bool> {
    let id = validate::shape_named(shape_name)?;
    match validate::pattern(id) {
        None => Err(PyValueError::new_err(format!(
            "The shape {shape_name} has no pattern"
        ))),
        Some(Ok(re)) => Ok(re.is_match(value)),
        Some(Err(reason)) => Err(PyValueError::new_err(format!(
            "The pattern of {shape_name} cannot be used: {reason}"
        ))),
    }
}

/// `_core._validate_shape(shape_name, value)`: checks `value` against the model's shape
/// of that name as botocore's `validate_parameters` does (`Level::Botocore`), raising
/// `ParamValidationError`. The Stubber validates stubbed error fields with it.
#[pyfunction]
pub fn _validate_shape(py: Python<'_>, shape_name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let id = validate::shape_named(shape_name)?;
    raise_problems(py, validate::validate_value(value, id, Level::Botocore))
}

/// `_core._validate_output(operation_name, value)`: as `_validate_shape`, against the
/// operation's output shape (the Stubber's check of a stubbed response).
#[pyfunction]
pub fn _validate_output(
    py: Python<'_>,
    operation_name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let index = crate::operation::index(operation_name)?;
    let output = OPERATIONS[index].output;
    raise_problems(py, validate::validate_value(value, output, Level::Botocore))
}

fn raise_problems(py: Python<'_>, problems: Vec<String>) -> PyResult<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(errors::param_validation(py, &problems))
    }
}
