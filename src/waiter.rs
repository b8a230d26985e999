//! Waiters: the polling loop runs on the runtime, not in a Python thread. It holds
//! the GIL only to build each request and to read each response; between polls it
//! is a sleeping tokio timer, so a thousand waiters cost a thousand timers.
//!
//! The acceptors come from `codegen/model/waiters-2.json` (botocore's waiter-model
//! format, generated into `_model.WAITERS` and passed by `waiter.py`); messages
//! follow botocore's `Waiter.wait`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::config::ClientInner;
use crate::errors;
use crate::generated::shapes::OPERATIONS;
use crate::operation::Reply;

/// `(state, matcher, argument, expected)` as given by the Python layer.
#[derive(FromPyObject)]
pub struct Acceptor(String, String, String, Py<PyAny>);

enum State {
    Success,
    Failure,
    Retry,
}

enum Matcher {
    /// A dotted key path into the response, compared with `==`.
    Path(String),
    Error,
    Status,
}

struct Rule {
    state: State,
    matcher: Matcher,
    argument: String,
    expected: Py<PyAny>,
}

pub struct Spec {
    name: String,
    /// Index of the polled operation in `shapes::OPERATIONS`.
    operation: usize,
    rules: Vec<Rule>,
    delay: Duration,
    max_attempts: u32,
    max_wait: Option<Duration>,
}

fn seconds(value: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be a non-negative number of seconds, got {value}"
        ))
    })
}

impl Spec {
    pub fn new(
        name: String,
        operation: String,
        acceptors: Vec<Acceptor>,
        delay: f64,
        max_attempts: u32,
        max_wait: Option<f64>,
    ) -> PyResult<Spec> {
        let mut rules = Vec::with_capacity(acceptors.len());
        for Acceptor(state, matcher, argument, expected) in acceptors {
            let state = match state.as_str() {
                "success" => State::Success,
                "failure" => State::Failure,
                "retry" => State::Retry,
                other => {
                    return Err(PyValueError::new_err(format!(
                        "unknown acceptor state {other:?}"
                    )))
                }
            };
            let matcher = match matcher.as_str() {
                "path" => Matcher::Path(argument.clone()),
                "error" => Matcher::Error,
                "status" => Matcher::Status,
                other => {
                    return Err(PyValueError::new_err(format!(
                        "unsupported acceptor matcher {other:?}"
                    )))
                }
            };
            rules.push(Rule {
                state,
                matcher,
                argument,
                expected,
            });
        }
        let operation = crate::operation::index(&operation)?;
        Ok(Spec {
            name,
            operation,
            rules,
            delay: seconds(delay, "Delay")?,
            max_attempts: max_attempts.max(1),
            max_wait: max_wait.map(|w| seconds(w, "max_wait")).transpose()?,
        })
    }
}

fn explanation(py: Python<'_>, rule: &Rule) -> String {
    let expected = rule
        .expected
        .bind(py)
        .str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "<unprintable>".into());
    match rule.matcher {
        Matcher::Path(_) => format!(
            "For expression \"{}\" we matched expected path: \"{expected}\"",
            rule.argument
        ),
        Matcher::Error => format!("Matched expected service error code: {expected}"),
        Matcher::Status => format!("Matched expected HTTP status code: {expected}"),
    }
}

fn lookup<'py>(response: &Bound<'py, PyDict>, path: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let mut node = response.clone().into_any();
    for key in path.split('.') {
        let Ok(dict) = node.cast::<PyDict>() else {
            return Ok(None);
        };
        match dict.get_item(key)? {
            Some(v) => node = v,
            None => return Ok(None),
        }
    }
    Ok(Some(node))
}

fn matches(py: Python<'_>, rule: &Rule, response: &Bound<'_, PyDict>) -> PyResult<bool> {
    let expected = rule.expected.bind(py);
    match &rule.matcher {
        Matcher::Path(path) => match lookup(response, path)? {
            Some(value) => value.eq(expected),
            None => Ok(false),
        },
        Matcher::Error => match lookup(response, "Error.Code")? {
            Some(code) => code.eq(expected),
            None => Ok(false),
        },
        Matcher::Status => match lookup(response, "ResponseMetadata.HTTPStatusCode")? {
            Some(status) => status.eq(expected),
            None => Ok(false),
        },
    }
}

enum Step {
    Done,
    Again,
}

/// What a wait has seen so far.
struct Tally {
    polls: u32,
    started: Instant,
    /// Whether any poll matched an acceptor (botocore's `last_matched_acceptor`).
    matched_before: bool,
}

fn waiter_error(
    py: Python<'_>,
    name: &str,
    reason: &str,
    last_response: &Bound<'_, PyDict>,
) -> PyErr {
    errors::waiter_error(py, name, reason, last_response)
}

impl Spec {
    /// Reads one poll's outcome: success, a raised error, or another round.
    fn evaluate(
        &self,
        py: Python<'_>,
        reply: Reply<'_>,
        on_poll: Option<&Py<PyAny>>,
        tally: &mut Tally,
    ) -> PyResult<Step> {
        let (response, is_error) = match reply {
            Reply::Output(out) => (out, false),
            Reply::Error(parsed) => (parsed, true),
        };
        if let Some(callback) = on_poll {
            callback.call1(py, (response.clone(),))?;
        }
        let mut matched = None;
        for rule in &self.rules {
            if matches(py, rule, &response)? {
                matched = Some(rule);
                break;
            }
        }
        tally.matched_before |= matched.is_some();
        match matched {
            Some(rule) => match rule.state {
                State::Success => return Ok(Step::Done),
                State::Failure => {
                    let reason = format!(
                        "Waiter encountered a terminal failure state: {}",
                        explanation(py, rule)
                    );
                    return Err(waiter_error(py, &self.name, &reason, &response));
                }
                State::Retry => {}
            },
            None if is_error => {
                let text = |key: &str| -> String {
                    lookup(&response, key)
                        .ok()
                        .flatten()
                        .and_then(|v| v.str().ok().map(|s| s.to_string()))
                        .unwrap_or_else(|| "Unknown".into())
                };
                let reason = format!(
                    "An error occurred ({}): {}",
                    text("Error.Code"),
                    text("Error.Message")
                );
                return Err(waiter_error(py, &self.name, &reason, &response));
            }
            None => {}
        }
        if tally.polls >= self.max_attempts {
            // botocore names the acceptor its loop ended on: the one this poll
            // matched, else (when an earlier poll matched one) the last in the
            // list, where its `for acceptor in acceptors` loop left the variable.
            let rule = matched.or(if tally.matched_before {
                self.rules.last()
            } else {
                None
            });
            let reason = match rule {
                Some(rule) => format!(
                    "Max attempts exceeded. Previously accepted state: {}",
                    explanation(py, rule)
                ),
                None => "Max attempts exceeded".to_string(),
            };
            return Err(waiter_error(py, &self.name, &reason, &response));
        }
        if let Some(max_wait) = self.max_wait {
            if tally.started.elapsed() + self.delay > max_wait {
                let reason = format!(
                    "Max wait time exceeded ({} seconds)",
                    max_wait.as_secs_f64()
                );
                return Err(waiter_error(py, &self.name, &reason, &response));
            }
        }
        Ok(Step::Again)
    }
}

/// One poll answered by `poll(operation_name, params)` instead of the network: a
/// Stubber attached to the client (`testing.Stubber`) returns `(response, is_error)`,
/// an error response being what `ClientError.response` holds.
fn answered<'py>(
    py: Python<'py>,
    poll: &Py<PyAny>,
    operation: &str,
    params: &Py<PyDict>,
) -> PyResult<Reply<'py>> {
    let (response, is_error): (Bound<'py, PyDict>, bool) = poll
        .bind(py)
        .call1((operation, params.bind(py)))?
        .extract()?;
    Ok(if is_error {
        Reply::Error(response)
    } else {
        Reply::Output(response)
    })
}

/// The waiter's async core, shared by the sync and async entry points. With `poll`,
/// each poll is answered by it (see `answered`) and nothing is sent.
pub async fn wait(
    client: Arc<ClientInner>,
    spec: Spec,
    params: Py<PyDict>,
    on_poll: Option<Py<PyAny>>,
    poll: Option<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    let mut tally = Tally {
        polls: 0,
        started: Instant::now(),
        matched_before: false,
    };
    let op = &OPERATIONS[spec.operation];
    loop {
        let step = match poll.as_ref() {
            Some(poll) => crate::runtime::attach(|py| {
                tally.polls += 1;
                let reply = answered(py, poll, op.name, &params)?;
                spec.evaluate(py, reply, on_poll.as_ref(), &mut tally)
            })?,
            None => {
                let request = crate::runtime::attach(|py| {
                    crate::operation::prepare(py, &client, spec.operation, Some(params.bind(py)))
                })?;
                let outcome = request.await;
                tally.polls += 1;
                crate::runtime::attach(|py| {
                    let reply = crate::operation::reply(py, &client, op, outcome)?;
                    spec.evaluate(py, reply, on_poll.as_ref(), &mut tally)
                })?
            }
        };
        match step {
            Step::Done => return Ok(crate::runtime::attach(|py| py.None())),
            Step::Again => tokio::time::sleep(spec.delay).await,
        }
    }
}
