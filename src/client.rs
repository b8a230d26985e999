//! The `_core.Client` Python class: its constructor reads boto3's arguments into
//! `config::Settings`; every operation goes through `_make_api_call` (sync) or
//! `_make_api_call_async` (awaitable) to the one call path in `operation.rs`, and
//! the waiters' loops through `_wait` / `_wait_async` to `waiter.rs`.

use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::config::{
    attr, check_header_value, env_nonempty, resolve_region, retries, seconds, ClientInner, Level,
    Settings, Verify,
};
use crate::errors;

/// The environment variable that sets the validation level of a client made without
/// `Config(parameter_validation=...)` (and so of the command line): `strict`, `true`, `false`.
const VALIDATION_ENV: &str = "BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION";

/// `Config(parameter_validation=...)` when the caller set it (this package's and botocore's
/// `Config` both record what was given in `_user_provided_options`): `"strict"` (any case)
/// is `Level::Strict`, anything else counts by its truth as in botocore (`True`: botocore's
/// checks, `False`: none beyond what the request cannot be built without). Otherwise the
/// environment variable, otherwise botocore's checks.
fn validation_level(config: Option<&Bound<'_, PyAny>>) -> PyResult<Level> {
    let given = match config {
        None => None,
        Some(c) => match c.getattr_opt("_user_provided_options")? {
            Some(options) => match options.cast::<PyDict>() {
                Ok(options) => options
                    .get_item("parameter_validation")?
                    .filter(|v| !v.is_none()),
                Err(_) => attr(config, "parameter_validation")?,
            },
            None => attr(config, "parameter_validation")?,
        },
    };
    if let Some(value) = given {
        if let Ok(text) = value.extract::<String>() {
            if text.trim().eq_ignore_ascii_case("strict") {
                return Ok(Level::Strict);
            }
        }
        return Ok(if value.is_truthy()? {
            Level::Botocore
        } else {
            Level::Types
        });
    }
    match env_nonempty(VALIDATION_ENV) {
        None => Ok(Level::Botocore),
        Some(text) => Level::parse(&text).ok_or_else(|| {
            PyValueError::new_err(format!(
                "{VALIDATION_ENV} must be strict, true or false, got {text:?}"
            ))
        }),
    }
}

#[pyclass(subclass, frozen, module = "bedrock_customization._core")]
pub struct Client {
    pub inner: Arc<ClientInner>,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (*, region_name=None, endpoint_url=None, aws_access_key_id=None, aws_secret_access_key=None,
                        aws_session_token=None, profile_name=None, verify=None, config=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        region_name: Option<String>,
        endpoint_url: Option<String>,
        aws_access_key_id: Option<String>,
        aws_secret_access_key: Option<String>,
        aws_session_token: Option<String>,
        profile_name: Option<String>,
        verify: Option<&Bound<'_, PyAny>>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = config.filter(|c| !c.is_none());
        match (&aws_access_key_id, &aws_secret_access_key) {
            (Some(_), None) => {
                return Err(errors::raise(
                    py,
                    "PartialCredentialsError",
                    &[
                        ("provider", "explicit"),
                        ("cred_var", "aws_secret_access_key"),
                    ],
                ))
            }
            (None, Some(_)) => {
                return Err(errors::raise(
                    py,
                    "PartialCredentialsError",
                    &[("provider", "explicit"), ("cred_var", "aws_access_key_id")],
                ))
            }
            _ => {}
        }
        check_header_value("aws_access_key_id", aws_access_key_id.as_deref())?;
        check_header_value("aws_session_token", aws_session_token.as_deref())?;
        let config_region: Option<String> = match attr(config, "region_name")? {
            Some(v) => Some(v.extract()?),
            None => None,
        };
        let region = resolve_region(py, region_name.or(config_region), profile_name.clone())?;
        let verify = match verify {
            None => match env_nonempty("AWS_CA_BUNDLE") {
                Some(path) => Verify::Bundle(path),
                None => Verify::Default,
            },
            Some(v) if v.is_none() => Verify::Default,
            Some(v) => {
                if let Ok(b) = v.extract::<bool>() {
                    if b {
                        Verify::Default
                    } else {
                        Verify::Off
                    }
                } else if let Ok(path) = v.extract::<std::path::PathBuf>() {
                    Verify::Bundle(path.to_string_lossy().into_owned())
                } else {
                    return Err(PyTypeError::new_err(
                        "verify must be None, a bool, or the path of a CA bundle",
                    ));
                }
            }
        };
        let (retry_mode, max_attempts) = retries(config)?;
        let max_pool_connections = match attr(config, "max_pool_connections")? {
            Some(v) => v.extract::<usize>().map_err(|_| {
                PyValueError::new_err("max_pool_connections must be a positive int")
            })?,
            None => 10,
        };
        let user_agent_extra: Option<Arc<str>> = match attr(config, "user_agent_extra")? {
            Some(v) => Some(Arc::from(v.extract::<String>()?.as_str())),
            None => None,
        };
        check_header_value("user_agent_extra", user_agent_extra.as_deref())?;
        let parameter_validation = validation_level(config)?;
        let unsigned = match attr(config, "signature_version")? {
            None => false,
            Some(v) if v.is_none() => false,
            Some(v) => {
                let kind = v.get_type();
                let name: String = kind.getattr("__name__")?.extract()?;
                let module: String = kind.getattr("__module__")?.extract()?;
                if name == "UNSIGNED"
                    && matches!(module.as_str(), "botocore" | "bedrock_customization.config")
                {
                    true
                } else if matches!(v.extract::<String>().as_deref(), Ok("v4" | "s3v4")) {
                    false // a botocore Config naming SigV4: what every request gets
                } else {
                    return Err(PyTypeError::new_err(format!(
                        "signature_version: only UNSIGNED is supported (requests are otherwise signed with SigV4), got {}",
                        v.repr()?
                    )));
                }
            }
        };
        let settings = Settings {
            region,
            endpoint_url: endpoint_url.filter(|u| !u.is_empty()),
            access_key: aws_access_key_id,
            secret_key: aws_secret_access_key,
            session_token: aws_session_token,
            profile: profile_name,
            verify,
            connect_timeout: seconds(attr(config, "connect_timeout")?, "connect_timeout")?,
            read_timeout: seconds(attr(config, "read_timeout")?, "read_timeout")?,
            retry_mode,
            max_attempts,
            max_pool_connections,
            user_agent_extra,
            parameter_validation,
            unsigned,
        };
        let inner = Arc::new(ClientInner::new(settings));
        inner.sdk(py)?;
        Ok(Client { inner })
    }

    #[getter]
    fn region_name(&self) -> String {
        self.inner.settings.region.clone()
    }

    #[getter]
    fn endpoint_url(&self) -> String {
        self.inner.endpoint()
    }

    /// botocore's `_make_api_call`: the one sync entry point behind every operation
    /// method (`operation_name` as in the model, `GetModelCustomizationJob`).
    #[pyo3(signature = (operation_name, api_params=None))]
    fn _make_api_call(
        &self,
        py: Python<'_>,
        operation_name: &str,
        api_params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let index = crate::operation::index(operation_name)?;
        crate::operation::call(py, &self.inner, index, api_params)
    }

    /// The awaitable form of `_make_api_call` (the async client's methods await it).
    #[pyo3(signature = (operation_name, api_params=None))]
    fn _make_api_call_async<'py>(
        &self,
        py: Python<'py>,
        operation_name: &str,
        api_params: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let index = crate::operation::index(operation_name)?;
        crate::operation::call_async(py, &self.inner, index, api_params)
    }

    /// `api_params` as a call of `operation_name` would send them: the idempotency
    /// tokens left out filled in, validated as the client validates (raising
    /// `ParamValidationError`). For test doubles that answer without sending
    /// (`testing.Stubber`).
    #[pyo3(signature = (operation_name, api_params=None))]
    fn _check_params<'py>(
        &self,
        py: Python<'py>,
        operation_name: &str,
        api_params: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let index = crate::operation::index(operation_name)?;
        crate::operation::checked_params(
            py,
            &self.inner,
            &crate::generated::shapes::OPERATIONS[index],
            api_params,
        )
    }

    /// Runs a waiter to its end (see `waiter.rs`); the sync form.
    #[pyo3(signature = (name, operation, params, acceptors, delay, max_attempts, max_wait=None, on_poll=None, poll=None))]
    #[allow(clippy::too_many_arguments)]
    fn _wait(
        &self,
        py: Python<'_>,
        name: String,
        operation: String,
        params: Py<PyDict>,
        acceptors: Vec<crate::waiter::Acceptor>,
        delay: f64,
        max_attempts: u32,
        max_wait: Option<f64>,
        on_poll: Option<Py<PyAny>>,
        poll: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let spec =
            crate::waiter::Spec::new(name, operation, acceptors, delay, max_attempts, max_wait)?;
        let core = crate::waiter::wait(self.inner.clone(), spec, params, on_poll, poll);
        crate::runtime::block_on(py, core)?
    }

    /// Runs a waiter to its end; the awaitable form.
    #[pyo3(signature = (name, operation, params, acceptors, delay, max_attempts, max_wait=None, on_poll=None, poll=None))]
    #[allow(clippy::too_many_arguments)]
    fn _wait_async<'py>(
        &self,
        py: Python<'py>,
        name: String,
        operation: String,
        params: Py<PyDict>,
        acceptors: Vec<crate::waiter::Acceptor>,
        delay: f64,
        max_attempts: u32,
        max_wait: Option<f64>,
        on_poll: Option<Py<PyAny>>,
        poll: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let spec =
            crate::waiter::Spec::new(name, operation, acceptors, delay, max_attempts, max_wait)?;
        crate::runtime::future_into_py(
            py,
            crate::waiter::wait(self.inner.clone(), spec, params, on_poll, poll),
        )
    }
}
