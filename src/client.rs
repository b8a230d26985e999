//! The `_core.Client` Python class: its constructor makes `config::Settings` of
//! boto3's arguments (`Settings::from_args`); every operation goes through
//! `_make_api_call` (sync) or `_make_api_call_async` (awaitable, by way of
//! `completions.rs`) to the one call path in `operation.rs`, and the waiters' loops
//! through `_wait` / `_wait_async` to `waiter.rs`.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::config::{ClientInner, Settings};

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
        let settings = Settings::from_args(
            py,
            region_name,
            endpoint_url,
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            profile_name,
            verify,
            config,
        )?;
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
        crate::completions::call_async(py, &self.inner, index, api_params)
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
