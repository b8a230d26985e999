//! bedrock-customization: a boto3-compatible client for Amazon Bedrock
//! model-customization jobs. This file only registers the module.

use pyo3::prelude::*;

mod admission;
mod body_patch;
mod capture;
mod client;
mod completions;
mod config;
mod convert;
mod errors;
mod generated;
mod insecure;
mod logging;
mod model;
mod operation;
mod param_path;
mod response;
mod retry;
mod runtime;
mod timestamp;
mod validate;
mod waiter;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::Client>()?;
    m.add_function(wrap_pyfunction!(response::_parse_output, m)?)?;
    m.add_function(wrap_pyfunction!(validate::_validate_shape, m)?)?;
    m.add_function(wrap_pyfunction!(validate::_validate_output, m)?)?;
    m.add_function(wrap_pyfunction!(validate::_match_pattern, m)?)?;
    Ok(())
}
