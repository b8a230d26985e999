//! Builds boto3-shaped Python results from raw HTTP responses, walking the
//! generated shape tables the way botocore's rest-json parser walks its model.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use serde_json::{Map, Value};

use crate::capture::RawResponse;
use crate::errors::ParseError;
use crate::generated::shapes::{ERROR_SHAPES, SHAPES};
use crate::model::{Kind, Location, ShapeId};

mod fast;

type PResult<T> = Result<T, ParseError>;

/// Python helpers for the rare inputs whose exact botocore semantics live in
/// Python (dateutil's parser, `int("12")`, local-time epochs).
fn helpers(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("bedrock_customization._parsing")?.unbind())
        })
        .map(|m| m.bind(py))
}

fn datetime_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static CLS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    CLS.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("datetime")?.getattr("datetime")?.unbind())
    })
    .map(|c| c.bind(py))
}

fn utc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    UTC.get_or_try_init(py, || Ok::<_, PyErr>(helpers(py)?.getattr("UTC")?.unbind()))
        .map(|c| c.bind(py))
}

/// `ResponseMetadata` exactly as botocore fills it for rest-json.
pub fn response_metadata<'py>(
    py: Python<'py>,
    raw: &RawResponse,
    attempts: u32,
) -> PyResult<Bound<'py, PyDict>> {
    let meta = PyDict::new(py);
    if let Some(id) = raw.header("x-amzn-requestid") {
        meta.set_item("RequestId", id)?;
    } else if let Some(id) = raw.header("x-amz-request-id") {
        meta.set_item("RequestId", id)?;
        meta.set_item("HostId", raw.header("x-amz-id-2").unwrap_or(""))?;
    }
    meta.set_item("HTTPStatusCode", raw.status)?;
    let headers = PyDict::new(py);
    for (k, v) in &raw.headers {
        headers.set_item(k, v)?;
    }
    meta.set_item("HTTPHeaders", headers)?;
    meta.set_item("RetryAttempts", attempts.saturating_sub(1))?;
    Ok(meta)
}

fn body_text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// Parses a successful response into the operation's output dict.
/// `max_attempts_reached`: the response came from the last attempt the client allows,
/// under botocore's standard (or adaptive) retries, which then mark even a success.
pub fn parse_output<'py>(
    py: Python<'py>,
    output: ShapeId,
    raw: &RawResponse,
    attempts: u32,
    max_attempts_reached: bool,
) -> PResult<Bound<'py, PyDict>> {
    parse_output_with(py, output, raw, attempts, max_attempts_reached, true)
}

/// `parse_output`; with `one_pass` false only the walker runs (tests compare the two).
pub fn parse_output_with<'py>(
    py: Python<'py>,
    output: ShapeId,
    raw: &RawResponse,
    attempts: u32,
    max_attempts_reached: bool,
    one_pass: bool,
) -> PResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let meta = response_metadata(py, raw, attempts)?;
    if max_attempts_reached {
        meta.set_item("MaxAttemptsReached", true)?;
    }
    out.set_item("ResponseMetadata", meta)?;
    let blank = raw.body.iter().all(u8::is_ascii_whitespace);
    let payload = SHAPES[output]
        .payload
        .and_then(|p| SHAPES[output].members.iter().find(|m| m.name == p));
    // The one-pass reader first; what it gives up on goes to the walker below.
    if one_pass && !blank {
        match payload {
            Some(m) => {
                if let Some(v) = fast::whole(py, m.shape, &raw.body) {
                    out.set_item(m.name, v)?;
                    return Ok(out);
                }
            }
            None => {
                if let Some((slots, keys)) = fast::object_slots(py, output, &raw.body) {
                    let walker = Walker { py };
                    for ((m, slot), key) in SHAPES[output].members.iter().zip(slots).zip(keys) {
                        match m.location {
                            Location::Header => {
                                walker.header_into(m, raw, &out, SHAPES[output].name)?
                            }
                            Location::Body => {
                                if let Some(v) = slot {
                                    out.set_item(key.bind(py), v)?;
                                }
                            }
                            Location::Uri | Location::Query => {}
                        }
                    }
                    return Ok(out);
                }
            }
        }
    }
    let body: Value = if blank {
        // boto3 returns a bare ResponseMetadata here; an output that must carry
        // members (a job's ARN, name, status ...) cannot be empty, so say so.
        let required: Vec<&str> = SHAPES[output]
            .members
            .iter()
            .filter(|m| m.required)
            .map(|m| m.name)
            .collect();
        if !required.is_empty() {
            return Err(ParseError(format!(
                "Invalid service response: the body is empty, but {} requires {}",
                SHAPES[output].name,
                required.join(", ")
            )));
        }
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(&raw.body).map_err(|e| {
            let text = body_text(&raw.body);
            let shown: String = text.chars().take(200).collect();
            ParseError(format!(
                "Unable to parse response ({e}), invalid JSON received:\n{shown}"
            ))
        })?
    };
    let obj = match &body {
        Value::Object(map) => map,
        other => {
            return Err(ParseError(format!(
                "Invalid service response: expected a JSON object, got {}",
                json_type(other)
            )))
        }
    };
    let walker = Walker { py };
    match payload {
        // The payload member (a structure) is the whole body, as botocore parses it.
        Some(m) => {
            out.set_item(
                m.name,
                walker.value(
                    m.shape,
                    &body,
                    &crate::param_path::member(SHAPES[output].name, m.name),
                )?,
            )?;
        }
        None => walker.members_into(output, obj, raw, &out, SHAPES[output].name)?,
    }
    Ok(out)
}

/// botocore's rest-json error parse plus its `_add_modeled_error_fields`. `standard`:
/// botocore's standard (or adaptive) retries, which mark the last allowed attempt's
/// error whatever it is; legacy marks only an error retried until the attempts ran out.
pub fn parse_error<'py>(
    py: Python<'py>,
    raw: &RawResponse,
    attempts: u32,
    max_attempts: u32,
    standard: bool,
) -> PResult<Bound<'py, PyDict>> {
    let trimmed: &[u8] = trim_ascii(&raw.body);
    let generic = raw.status >= 500 && (trimmed.is_empty() || trimmed.starts_with(b"<html>"));
    let error = PyDict::new(py);
    let out = PyDict::new(py);
    let mut code_for_shape: Option<String> = None;
    let body_json = parse_error_body(&raw.body);
    if generic {
        let reason = py
            .import("http.client")?
            .getattr("responses")?
            .call_method1("get", (raw.status, ""))?;
        error.set_item("Message", reason)?;
        error.set_item("Code", raw.status.to_string())?;
    } else {
        let walker = Walker { py };
        let empty = Map::new();
        let body = match &body_json {
            Value::Object(m) => m,
            _ => &empty,
        };
        let message = body.get("message").or_else(|| body.get("Message"));
        match message {
            Some(v) => error.set_item("Message", walker.plain(v)?)?,
            None => error.set_item("Message", "")?,
        }
        // Code: body `__type` (or the status), then the x-amzn-errortype header or body `code`.
        let mut code: Option<Bound<'py, PyAny>> = None;
        let mut code_str: Option<String> = None;
        match body.get("__type") {
            Some(Value::String(s)) => code_str = Some(clean_type(s)),
            Some(Value::Null) | None => code_str = Some(raw.status.to_string()),
            Some(other) => code = Some(walker.plain(other)?),
        }
        if let Some(h) = raw.header("x-amzn-errortype") {
            code = None;
            code_str = Some(clean_code(h));
        } else if body.contains_key("code") || body.contains_key("Code") {
            let v = body.get("code").or_else(|| body.get("Code"));
            match v {
                Some(Value::String(s)) => {
                    code = None;
                    code_str = Some(clean_code(s));
                }
                Some(other) => {
                    code_str = None;
                    code = Some(walker.plain(other)?);
                }
                None => {}
            }
        }
        match (code, &code_str) {
            (Some(c), _) => error.set_item("Code", c)?,
            (None, Some(s)) => {
                error.set_item("Code", s)?;
                code_for_shape = Some(s.clone());
            }
            (None, None) => error.set_item("Code", "")?,
        }
    }
    out.set_item("Error", error)?;
    let meta = response_metadata(py, raw, attempts)?;
    // botocore marks an error that was retried until the attempts ran out (standard
    // retries: any error of the last attempt allowed).
    if attempts >= max_attempts && (standard || is_retryable(raw.status, code_for_shape.as_deref()))
    {
        meta.set_item("MaxAttemptsReached", true)?;
    }
    out.set_item("ResponseMetadata", meta)?;
    if let Some(code) = code_for_shape {
        if let Some((_, shape)) = ERROR_SHAPES.iter().find(|(name, _)| *name == code) {
            // botocore parses the body again with the error's shape; a body that is
            // not JSON becomes {"message": <text>} there.
            let modeled_body = match body_json {
                Value::Object(m) => m,
                _ => {
                    let mut m = Map::new();
                    if !raw.body.is_empty() {
                        m.insert("message".into(), Value::String(body_text(&raw.body)));
                    }
                    m
                }
            };
            let walker = Walker { py };
            walker.members_into(*shape, &modeled_body, raw, &out, &code)?;
        }
    }
    Ok(out)
}

/// What botocore's retry handlers retry: 5xx, 429 and the throttling codes.
fn is_retryable(status: u16, code: Option<&str>) -> bool {
    const THROTTLING: &[&str] = &[
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "RequestTimeout",
        "RequestTimeoutException",
    ];
    matches!(status, 429 | 500 | 502 | 503 | 504) || code.is_some_and(|c| THROTTLING.contains(&c))
}

fn parse_error_body(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Object(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => v,
        Err(_) => {
            let mut m = Map::new();
            m.insert("message".into(), Value::String(body_text(body)));
            Value::Object(m)
        }
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end.max(start)]
}

/// `__type` values: "aws.protocol#Code:http://..." -> "Code".
fn clean_type(s: &str) -> String {
    let s = s.split(':').next().unwrap_or(s);
    match s.rsplit_once('#') {
        Some((_, code)) => code.to_string(),
        None => s.to_string(),
    }
}

fn clean_code(s: &str) -> String {
    let s = s.split(':').next().unwrap_or(s);
    s.rsplit('#').next().unwrap_or(s).to_string()
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The extended ISO 8601 form with seconds, `T` or a space and an upper-case `Z`
/// (what services send), as a `datetime`; `None` for any other text, which goes to
/// botocore's rules in Python. dateutil keeps six digits of the fraction.
fn native_datetime<'py>(py: Python<'py>, s: &str) -> Option<PyResult<Bound<'py, PyAny>>> {
    let b = s.as_bytes();
    let native = b.len() >= 19
        && b[4] == b'-'
        && b[13] == b':'
        && matches!(b[10], b'T' | b' ')
        && !s.ends_with('z');
    if !native {
        return None;
    }
    let ts = crate::timestamp::parse(s)?;
    let make = || {
        let tz: Bound<'py, PyAny> = match ts.offset {
            None => py.None().into_bound(py),
            Some(0) => utc(py)?.clone(),
            Some(secs) => helpers(py)?.getattr("tz_offset")?.call1((secs,))?,
        };
        datetime_class(py)?.call1((
            ts.year,
            ts.month,
            ts.day,
            ts.hour,
            ts.minute,
            ts.second,
            ts.nanos / 1000,
            tz,
        ))
    };
    Some(make())
}

struct Walker<'py> {
    py: Python<'py>,
}

impl<'py> Walker<'py> {
    /// Sets each member of structure `shape` found in `obj` (or a header) on `out`.
    fn members_into(
        &self,
        shape: ShapeId,
        obj: &Map<String, Value>,
        raw: &RawResponse,
        out: &Bound<'py, PyDict>,
        path: &str,
    ) -> PResult<()> {
        for m in SHAPES[shape].members {
            match m.location {
                Location::Header => self.header_into(m, raw, out, path)?,
                Location::Uri | Location::Query => {}
                Location::Body => match obj.get(m.wire_name) {
                    None | Some(Value::Null) => {}
                    Some(v) => {
                        let child = crate::param_path::member(path, m.name);
                        out.set_item(m.name, self.value(m.shape, v, &child)?)?;
                    }
                },
            }
        }
        Ok(())
    }

    /// A member bound to a response header, if the header came.
    fn header_into(
        &self,
        m: &crate::model::Member,
        raw: &RawResponse,
        out: &Bound<'py, PyDict>,
        path: &str,
    ) -> PResult<()> {
        let name = m.wire_name.to_ascii_lowercase();
        if let Some(v) = raw.header(&name) {
            let value = self.value(m.shape, &Value::String(v.to_string()), path)?;
            out.set_item(m.name, value)?;
        }
        Ok(())
    }

    fn value(&self, shape: ShapeId, v: &Value, path: &str) -> PResult<Bound<'py, PyAny>> {
        let py = self.py;
        let s = &SHAPES[shape];
        if v.is_null() {
            return Ok(py.None().into_bound(py));
        }
        match s.kind {
            Kind::Structure | Kind::Union => {
                let obj = match v {
                    Value::Object(m) => m,
                    other => {
                        return Err(ParseError(format!(
                            "Invalid service response: {path} should be an object ({}), got {}",
                            s.name,
                            json_type(other)
                        )))
                    }
                };
                if s.kind == Kind::Union {
                    let set: Vec<&String> = obj
                        .iter()
                        .filter(|(k, v)| k.as_str() != "__type" && !v.is_null())
                        .map(|(k, _)| k)
                        .collect();
                    if set.len() != 1 {
                        return Err(ParseError(format!(
                            "Invalid service response: {} must have one and only one member set.",
                            s.name
                        )));
                    }
                    let tag = set[0];
                    if !s.members.iter().any(|m| m.wire_name == tag.as_str()) {
                        // botocore names the object's first key here, as sent (a null
                        // or `__type` one included), not the member found set.
                        let first = obj.keys().next().unwrap_or(tag);
                        let inner = PyDict::new(py);
                        inner.set_item("name", first)?;
                        let d = PyDict::new(py);
                        d.set_item("SDK_UNKNOWN_MEMBER", inner)?;
                        return Ok(d.into_any());
                    }
                }
                let d = PyDict::new(py);
                for m in s.members {
                    if let Some(child) = obj.get(m.wire_name) {
                        if !child.is_null() {
                            let p = crate::param_path::member(path, m.name);
                            d.set_item(m.name, self.value(m.shape, child, &p)?)?;
                        }
                    }
                }
                Ok(d.into_any())
            }
            Kind::List => {
                let items = match v {
                    Value::Array(a) => a,
                    other => {
                        return Err(ParseError(format!(
                            "Invalid service response: {path} should be a list, got {}",
                            json_type(other)
                        )))
                    }
                };
                let member = s
                    .member
                    .ok_or_else(|| ParseError(format!("list shape {} has no member", s.name)))?;
                let list = PyList::empty(py);
                for (i, item) in items.iter().enumerate() {
                    if item.is_null() {
                        list.append(py.None())?;
                    } else {
                        list.append(self.value(
                            member,
                            item,
                            &crate::param_path::index(path, i),
                        )?)?;
                    }
                }
                Ok(list.into_any())
            }
            Kind::Map => {
                let obj = match v {
                    Value::Object(m) => m,
                    other => {
                        return Err(ParseError(format!(
                            "Invalid service response: {path} should be a map, got {}",
                            json_type(other)
                        )))
                    }
                };
                let value_shape = s
                    .value
                    .ok_or_else(|| ParseError(format!("map shape {} has no value", s.name)))?;
                let d = PyDict::new(py);
                for (k, item) in obj {
                    let value = if item.is_null() {
                        py.None().into_bound(py)
                    } else {
                        self.value(value_shape, item, &crate::param_path::member(path, k))?
                    };
                    d.set_item(k, value)?;
                }
                Ok(d.into_any())
            }
            Kind::Integer | Kind::Long => match v {
                Value::Number(n) if n.is_i64() || n.is_u64() => self.plain(v),
                Value::Number(n) => {
                    let f = n.as_f64().unwrap_or(0.0);
                    Ok(helpers(py)?.getattr("to_int")?.call1((f,))?)
                }
                other => Ok(helpers(py)?
                    .getattr("to_int")?
                    .call1((self.plain(other)?,))?),
            },
            Kind::Float | Kind::Double => match v {
                Value::Number(n) => match n.as_f64() {
                    Some(f) => Ok(PyFloat::new(py, f).into_any()),
                    None => Ok(helpers(py)?.getattr("to_float")?.call1((self.plain(v)?,))?),
                },
                other => Ok(helpers(py)?
                    .getattr("to_float")?
                    .call1((self.plain(other)?,))?),
            },
            Kind::Boolean => match v {
                Value::Bool(b) => Ok(PyBool::new(py, *b).to_owned().into_any()),
                Value::String(s) => Ok(PyBool::new(py, s.to_lowercase() == "true")
                    .to_owned()
                    .into_any()),
                other => Ok(PyBool::new(py, self.plain(other)?.is_truthy()?)
                    .to_owned()
                    .into_any()),
            },
            Kind::Timestamp => self.timestamp(v, path),
            Kind::Blob => match v {
                Value::String(s) => Ok(helpers(py)?.getattr("b64decode")?.call1((s.as_str(),))?),
                other => self.plain(other),
            },
            Kind::String | Kind::Document => self.plain(v),
        }
    }

    /// A JSON value as Python's `json` module would give it.
    fn plain(&self, v: &Value) -> PResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match v {
            Value::Null => py.None().into_bound(py),
            Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    i.into_pyobject(py).map_err(PyErr::from)?.into_any()
                } else if let Some(u) = n.as_u64() {
                    u.into_pyobject(py).map_err(PyErr::from)?.into_any()
                } else {
                    PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
                }
            }
            Value::String(s) => PyString::new(py, s).into_any(),
            Value::Array(a) => {
                let list = PyList::empty(py);
                for item in a {
                    list.append(self.plain(item)?)?;
                }
                list.into_any()
            }
            Value::Object(m) => {
                let d = PyDict::new(py);
                for (k, item) in m {
                    d.set_item(k, self.plain(item)?)?;
                }
                d.into_any()
            }
        })
    }

    /// botocore's `parse_timestamp`: ISO-8601 strings natively, anything else
    /// (epoch numbers, RFC-822, odd formats) through the Python helper.
    fn timestamp(&self, v: &Value, path: &str) -> PResult<Bound<'py, PyAny>> {
        let py = self.py;
        if let Some(s) = v.as_str() {
            if let Some(dt) = native_datetime(py, s) {
                return dt
                    .map_err(|e| ParseError(format!("Invalid timestamp \"{s}\" at {path}: {e}")));
            }
        }
        let value = self.plain(v)?;
        helpers(py)?
            .getattr("parse_timestamp")?
            .call1((value,))
            .map_err(|e| ParseError(format!("Invalid timestamp at {path}: {e}")))
    }
}
