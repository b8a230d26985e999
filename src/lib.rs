//! bedrock-customization: a boto3-compatible client for the Amazon Bedrock control
//! plane. This file only registers the module.

use pyo3::prelude::*;

mod admission;
mod body_patch;
mod capture;
mod client;
mod completions;
mod config;
mod convert;
mod errors;
mod fork_slot;
mod generated;
mod hooks;
mod insecure;
mod logging;
mod model;
mod model_view;
#[cfg(test)]
mod module_graph;
mod operation;
mod param_path;
mod response;
mod retry;
mod runtime;
mod timestamp;
mod training_data;
mod validate;
mod waiter;
mod waker;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The package's one version: Cargo.toml's (pyproject.toml takes it, `dynamic`).
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<training_data::JsonlScanner>()?;
    m.add_function(wrap_pyfunction!(hooks::_parse_output, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::_validate_shape, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::_validate_output, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::_match_pattern, m)?)?;
    m.add_function(wrap_pyfunction!(model_view::_operation, m)?)?;
    m.add_function(wrap_pyfunction!(model_view::_shape, m)?)?;
    m.add_function(wrap_pyfunction!(model_view::_shape_names, m)?)?;
    Ok(())
}
