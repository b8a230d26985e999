//! Turns failures into the Python exceptions defined in `bedrock_customization.exceptions`
//! (botocore's classes, or subclasses of them, when botocore is importable).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

use crate::capture::TransportKind;

fn exceptions(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("bedrock_customization.exceptions")?.unbind())
        })
        .map(|m| m.bind(py))
}

/// Instantiates `exceptions.<class_name>(**kwargs)` as a PyErr.
pub fn raise(py: Python<'_>, class_name: &str, kwargs: &[(&str, &str)]) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = exceptions(py)?.getattr(class_name)?;
        let kw = PyDict::new(py);
        for (k, v) in kwargs {
            kw.set_item(*k, *v)?;
        }
        Ok(PyErr::from_value(cls.call((), Some(&kw))?))
    };
    build().unwrap_or_else(|e| e)
}

/// A response that cannot be turned into a result (botocore's ResponseParserError).
#[derive(Debug)]
pub struct ParseError(pub String);

impl From<PyErr> for ParseError {
    fn from(err: PyErr) -> Self {
        ParseError(err.to_string())
    }
}

impl From<ParseError> for PyErr {
    fn from(e: ParseError) -> PyErr {
        response_parser_error(&e.0)
    }
}

pub fn response_parser_error(message: &str) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let cls = exceptions(py)?.getattr("ResponseParserError")?;
            Ok(PyErr::from_value(cls.call1((PyString::new(py, message),))?))
        };
        build().unwrap_or_else(|e| e)
    })
}

/// `ParamValidationError` listing every problem, botocore's report format.
pub fn param_validation(py: Python<'_>, problems: &[String]) -> PyErr {
    raise(
        py,
        "ParamValidationError",
        &[("report", &problems.join("\n"))],
    )
}

/// The modeled error class (or ClientError) for a parsed error response.
pub fn client_error(py: Python<'_>, operation_name: &str, parsed: &Bound<'_, PyDict>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let exc = exceptions(py)?.call_method1("make_client_error", (parsed, operation_name))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

pub fn transport(
    py: Python<'_>,
    kind: TransportKind,
    message: &str,
    url: Option<&str>,
    endpoint: &str,
) -> PyErr {
    let url = url.unwrap_or(endpoint);
    match kind {
        TransportKind::Connect => raise(
            py,
            "EndpointConnectionError",
            &[("endpoint_url", url), ("error", message)],
        ),
        TransportKind::ConnectTimeout => raise(
            py,
            "ConnectTimeoutError",
            &[("endpoint_url", url), ("error", message)],
        ),
        TransportKind::ReadTimeout => raise(
            py,
            "ReadTimeoutError",
            &[("endpoint_url", url), ("error", message)],
        ),
        TransportKind::ConnectionClosed => {
            raise(py, "ConnectionClosedError", &[("endpoint_url", url)])
        }
        TransportKind::Tls => raise(py, "SSLError", &[("endpoint_url", url), ("error", message)]),
        TransportKind::Credentials => {
            if message.contains("no providers in chain provided credentials")
                || message.contains("no credentials")
                || message.contains("No credentials")
            {
                raise(py, "NoCredentialsError", &[])
            } else {
                raise(py, "HTTPClientError", &[("error", message)])
            }
        }
        TransportKind::Other => raise(py, "HTTPClientError", &[("error", message)]),
    }
}

/// `WaiterError(name=..., reason=..., last_response=...)`, botocore's when available.
pub fn waiter_error(
    py: Python<'_>,
    name: &str,
    reason: &str,
    last_response: &Bound<'_, PyDict>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = exceptions(py)?.getattr("WaiterError")?;
        let kw = PyDict::new(py);
        kw.set_item("name", name)?;
        kw.set_item("reason", reason)?;
        kw.set_item("last_response", last_response)?;
        Ok(PyErr::from_value(cls.call((), Some(&kw))?))
    };
    build().unwrap_or_else(|e| e)
}
