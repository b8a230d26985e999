//! Generic conversions from Python values to the Rust values the SDK builders take.
//!
//! Used by the generated `generated::builders`. Every function reports a problem as a
//! Python `TypeError` (wrong type) or `ValueError` (right type, unusable value) naming
//! the parameter path; none of them panics.

use std::borrow::Cow;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::{Blob, DateTime};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType,
};

use crate::param_path::{index as index_path, member as member_path, shown};

/// `path (key: key)` for a map key given as a Python object.
pub fn key_path(path: &str, key: &Bound<'_, PyAny>) -> String {
    crate::param_path::key(path, &display(key))
}

/// `str(value)`, or a fallback text when `str()` raises or returns something unusable.
pub fn display(value: &Bound<'_, PyAny>) -> String {
    match value.str() {
        Ok(s) => text_of(&s),
        Err(_) => format!("<unprintable {} object>", type_name(value)),
    }
}

/// A Python string as Rust text for matching: each lone surrogate (not representable in
/// Rust) becomes one U+FFFD, so lengths and quantifiers see the same number of characters.
pub fn text_for_matching<'a>(s: &'a Bound<'_, PyString>) -> Cow<'a, str> {
    if let Ok(text) = s.to_cow() {
        return text;
    }
    let units: Option<Vec<u16>> = s
        .call_method1("encode", ("utf-16-le", "surrogatepass"))
        .ok()
        .and_then(|b| b.cast_into::<PyBytes>().ok())
        .map(|b| {
            b.as_bytes()
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect()
        });
    match units {
        Some(units) => Cow::Owned(
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        ),
        None => s.to_string_lossy(),
    }
}

/// A Python string as Rust text; lone surrogates (not representable) become `\udXXX`
/// escapes, as Python's `backslashreplace` error handler writes them.
pub fn text_of(s: &Bound<'_, PyString>) -> String {
    if let Ok(text) = s.to_cow() {
        return text.into_owned();
    }
    s.call_method1("encode", ("utf-8", "backslashreplace"))
        .ok()
        .and_then(|b| b.cast_into::<PyBytes>().ok())
        .map(|b| String::from_utf8_lossy(b.as_bytes()).into_owned())
        .unwrap_or_else(|| s.to_string_lossy().into_owned())
}

/// The name of a value's class, for messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "object".to_owned())
}

fn type_error(path: &str, value: &Bound<'_, PyAny>, expected: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "Invalid type for parameter {}, value: {}, type: {}, valid types: {}",
        shown(path),
        display(value),
        class_text(value),
        expected
    ))
}

fn value_error(path: &str, value: &Bound<'_, PyAny>, problem: &str) -> PyErr {
    PyValueError::new_err(format!(
        "Invalid value for parameter {}, value: {}: {}",
        shown(path),
        display(value),
        problem
    ))
}

/// `str(type(value))`, e.g. `<class 'int'>`, with a fallback.
pub fn class_text(value: &Bound<'_, PyAny>) -> String {
    match value.get_type().str() {
        Ok(s) => s.to_string_lossy().into_owned(),
        Err(_) => format!("<class '{}'>", type_name(value)),
    }
}

/// The value of `key` in `dict`; a missing key and a value of `None` are both `None`.
pub fn field<'py>(dict: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(dict.get_item(key)?.filter(|v| !v.is_none()))
}

/// A `dict` (or subclass) parameter.
pub fn to_dict<'py>(value: &Bound<'py, PyAny>, path: &str) -> PyResult<Bound<'py, PyDict>> {
    value
        .cast::<PyDict>()
        .cloned()
        .map_err(|_| type_error(path, value, "<class 'dict'>"))
}

/// The items of a dict, as a snapshot (safe against mutation while converting).
/// Keys and values of `None` are kept; callers decide.
pub fn dict_items<'py>(
    dict: &Bound<'py, PyDict>,
) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    let items = dict.items();
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        let pair = item.cast_into::<PyTuple>().map_err(PyErr::from)?;
        out.push((pair.get_item(0)?, pair.get_item(1)?));
    }
    Ok(out)
}

/// A `list` or `tuple` parameter, as a snapshot of its items.
pub fn to_list<'py>(value: &Bound<'py, PyAny>, path: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    Err(type_error(path, value, "<class 'list'>, <class 'tuple'>"))
}

/// A Smithy document from a (validated) JSON-like Python value.
pub fn to_document(value: &Bound<'_, PyAny>, path: &str) -> PyResult<aws_smithy_types::Document> {
    document_at(value, path, 0)
}

fn document_at(
    value: &Bound<'_, PyAny>,
    path: &str,
    depth: usize,
) -> PyResult<aws_smithy_types::Document> {
    use aws_smithy_types::{Document, Number};
    if depth > 256 {
        return Err(value_error(
            path,
            value,
            "a document nested more than 256 levels deep",
        ));
    }
    if value.is_none() {
        return Ok(Document::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Document::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Document::Number(Number::PosInt(u)));
        }
        return match value.extract::<i64>() {
            Ok(i) => Ok(Document::Number(Number::NegInt(i))),
            Err(_) => Err(value_error(
                path,
                value,
                "an integer outside the 64-bit range",
            )),
        };
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(Document::Number(Number::Float(value.extract::<f64>()?)));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Document::String(text_of(s)));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut out = std::collections::HashMap::new();
        for (k, v) in dict_items(dict)? {
            let key = to_string(&k, &key_path(path, &k))?;
            let item = document_at(&v, &member_path(path, &key), depth + 1)?;
            out.insert(key, item);
        }
        return Ok(Document::Object(out));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = to_list(value, path)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(document_at(item, &index_path(path, i), depth + 1)?);
        }
        return Ok(Document::Array(out));
    }
    Err(type_error(path, value, "<class 'str'>, <class 'int'>, <class 'bool'>, <class 'float'>, <class 'list'>, <class 'dict'>"))
}

pub fn to_string(value: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    let s = value
        .cast::<PyString>()
        .map_err(|_| type_error(path, value, "<class 'str'>"))?;
    match s.to_cow() {
        Ok(text) => Ok(text.into_owned()),
        Err(_) => Err(PyValueError::new_err(format!(
            "Invalid value for parameter {}: the string cannot be encoded as UTF-8",
            shown(path)
        ))),
    }
}

/// A Python `int` (botocore also accepts `bool`, a subclass of `int`).
fn to_int<T>(value: &Bound<'_, PyAny>, path: &str) -> PyResult<T>
where
    T: for<'a, 'py> FromPyObject<'a, 'py>,
{
    if !value.is_instance_of::<PyInt>() {
        return Err(type_error(path, value, "<class 'int'>"));
    }
    value
        .extract::<T>()
        .map_err(|_| value_error(path, value, "out of range"))
}

pub fn to_i32(value: &Bound<'_, PyAny>, path: &str) -> PyResult<i32> {
    to_int::<i32>(value, path)
}

#[allow(dead_code)] // for `long` shapes; none in this model
pub fn to_i64(value: &Bound<'_, PyAny>, path: &str) -> PyResult<i64> {
    to_int::<i64>(value, path)
}

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Whether `value` is a `decimal.Decimal`.
pub fn is_decimal(value: &Bound<'_, PyAny>) -> bool {
    match DECIMAL.import(value.py(), "decimal", "Decimal") {
        Ok(ty) => value.is_instance(ty).unwrap_or(false),
        Err(_) => false,
    }
}

/// Whether `value` is a `datetime.datetime`.
pub fn is_datetime(value: &Bound<'_, PyAny>) -> bool {
    match DATETIME.import(value.py(), "datetime", "datetime") {
        Ok(ty) => value.is_instance(ty).unwrap_or(false),
        Err(_) => false,
    }
}

/// A `float`, `int` (or `bool`) or `decimal.Decimal`, as botocore accepts for floats.
pub fn to_f64(value: &Bound<'_, PyAny>, path: &str) -> PyResult<f64> {
    if !(value.is_instance_of::<PyFloat>() || value.is_instance_of::<PyInt>() || is_decimal(value))
    {
        return Err(type_error(
            path,
            value,
            "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>",
        ));
    }
    value
        .extract::<f64>()
        .map_err(|_| value_error(path, value, "not representable as a double"))
}

pub fn to_f32(value: &Bound<'_, PyAny>, path: &str) -> PyResult<f32> {
    let v = to_f64(value, path)?;
    let single = v as f32;
    if v.is_finite() && !single.is_finite() {
        return Err(value_error(path, value, "out of range for a float"));
    }
    Ok(single)
}

pub fn to_bool(value: &Bound<'_, PyAny>, path: &str) -> PyResult<bool> {
    value
        .cast::<PyBool>()
        .map(|b| b.is_true())
        .map_err(|_| type_error(path, value, "<class 'bool'>"))
}

/// `bytes`, `bytearray` or `str` (encoded as UTF-8), as botocore accepts for blobs.
#[allow(dead_code)] // for `blob` shapes; none in this model
pub fn to_blob(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Blob> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(Blob::new(b.as_bytes().to_vec()));
    }
    if let Ok(b) = value.cast::<PyByteArray>() {
        return Ok(Blob::new(b.to_vec()));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Blob::new(to_string(value, path)?.into_bytes()));
    }
    Err(type_error(
        path,
        value,
        "<class 'bytes'>, <class 'bytearray'>, file-like object",
    ))
}

// ---------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------

/// Seconds of 0001-01-01T00:00:00Z and of 9999-12-31T23:59:59Z: Python's datetime range,
/// the range botocore can represent.
const MIN_EPOCH: i64 = -62_135_596_800;
const MAX_EPOCH: i64 = 253_402_300_799;

const TIMESTAMP_TYPES: &str = "<class 'datetime.datetime'>, timestamp-string";

/// Seconds and nanoseconds since the epoch, checked against the representable range.
fn from_parts(secs: i64, nanos: u32) -> Option<DateTime> {
    if !(MIN_EPOCH..=MAX_EPOCH).contains(&secs) || nanos >= 1_000_000_000 {
        return None;
    }
    Some(DateTime::from_secs_and_nanos(secs, nanos))
}

/// Epoch seconds (an `int`, `float` or numeric string), UTC.
fn from_epoch(seconds: f64) -> Option<DateTime> {
    if !seconds.is_finite() || seconds < MIN_EPOCH as f64 || seconds >= (MAX_EPOCH + 1) as f64 {
        return None;
    }
    let whole = seconds.floor();
    let mut secs = whole as i64;
    // Python's fromtimestamp rounds to microseconds (half even).
    let mut micros = ((seconds - whole) * 1e6).round_ties_even() as i64;
    if micros >= 1_000_000 {
        secs += 1;
        micros -= 1_000_000;
    }
    from_parts(secs, u32::try_from(micros * 1000).ok()?)
}

/// ISO 8601 text (see `timestamp::parse`); no zone means UTC.
fn parse_iso8601(text: &str) -> Option<DateTime> {
    let t = crate::timestamp::parse(text.trim())?;
    from_parts(t.epoch_seconds(), t.nanos)
}

/// A `datetime.datetime`: naive means UTC, aware uses its offset (as botocore does).
fn from_py_datetime(value: &Bound<'_, PyAny>) -> PyResult<Option<DateTime>> {
    let field = |name: &str| -> PyResult<i64> { value.getattr(name)?.extract::<i64>() };
    let (year, month, day) = (field("year")?, field("month")?, field("day")?);
    let (hour, minute, second) = (field("hour")?, field("minute")?, field("second")?);
    let micros = field("microsecond")?;
    let offset = value.call_method0("utcoffset")?;
    let offset_micros = if offset.is_none() {
        0
    } else {
        let days = offset.getattr("days")?.extract::<i64>()?;
        let secs = offset.getattr("seconds")?.extract::<i64>()?;
        let us = offset.getattr("microseconds")?.extract::<i64>()?;
        (days * 86_400 + secs) * 1_000_000 + us
    };
    if !(1..=12).contains(&month) || !(0..=999_999).contains(&micros) {
        return Ok(None);
    }
    let total_micros = (crate::timestamp::days_from_civil(year, month, day) * 86_400
        + hour * 3600
        + minute * 60
        + second)
        .checked_mul(1_000_000)
        .and_then(|v| v.checked_add(micros))
        .and_then(|v| v.checked_sub(offset_micros));
    let Some(total) = total_micros else {
        return Ok(None);
    };
    let secs = total.div_euclid(1_000_000);
    let nanos = u32::try_from(total.rem_euclid(1_000_000) * 1000).ok();
    Ok(nanos.and_then(|n| from_parts(secs, n)))
}

/// `float(value)`, if Python can compute it.
fn py_float(value: &Bound<'_, PyAny>) -> Option<f64> {
    let float_type = value.py().get_type::<PyFloat>();
    float_type.call1((value,)).ok()?.extract::<f64>().ok()
}

/// The timestamp a Python value denotes, `Ok(None)` if it denotes none. Like botocore's
/// `parse_to_aware_datetime`: a `datetime.datetime`; anything `float()` accepts (`int`,
/// `float`, `Decimal`, numeric strings) as epoch seconds; an ISO 8601 string; an HTTP
/// date (`Tue, 02 Jan 2024 03:04:05 GMT`).
pub fn parse_datetime(value: &Bound<'_, PyAny>) -> PyResult<Option<DateTime>> {
    if is_datetime(value) {
        return from_py_datetime(value);
    }
    if let Some(seconds) = py_float(value) {
        return Ok(from_epoch(seconds));
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text: Cow<'_, str> = match s.to_cow() {
            Ok(t) => t,
            Err(_) => return Ok(None),
        };
        let trimmed = text.trim();
        return Ok(parse_iso8601(trimmed).or_else(|| {
            // RFC 7231 / RFC 822 style, e.g. `Tue, 02 Jan 2024 03:04:05 GMT`.
            DateTime::from_str(trimmed, Format::HttpDate)
                .ok()
                .and_then(|dt| from_parts(dt.secs(), dt.subsec_nanos()))
        }));
    }
    Ok(None)
}

pub fn to_datetime(value: &Bound<'_, PyAny>, path: &str) -> PyResult<DateTime> {
    match parse_datetime(value) {
        Ok(Some(dt)) => Ok(dt),
        Ok(None) | Err(_) => Err(type_error(path, value, TIMESTAMP_TYPES)),
    }
}

/// A builder's `BuildError` (a required member is missing) as a `ValueError`.
/// What an SDK builder's `build()` gives: the value, or (when smithy-rs made it
/// fallible: a required member the struct does not hold as an `Option`) a
/// `Result`. The generated code calls `built` on either, so it does not have to
/// know which builders are fallible (the JSON model does not say).
pub trait Built<T> {
    fn built(self, path: &str) -> PyResult<T>;
}

impl<T> Built<T> for T {
    fn built(self, _path: &str) -> PyResult<T> {
        Ok(self)
    }
}

impl<T> Built<T> for Result<T, aws_smithy_types::error::operation::BuildError> {
    fn built(self, path: &str) -> PyResult<T> {
        self.map_err(|e| PyValueError::new_err(format!("Invalid parameter {}: {}", shown(path), e)))
    }
}

/// A tagged union without exactly one member set.
pub fn union_error(path: &str, members: &[&str], count: usize) -> PyErr {
    PyValueError::new_err(format!(
        "Invalid number of parameters set for tagged union structure {}: {} set, \
         exactly one of the following keys is required: {}.",
        shown(path),
        count,
        members.join(", ")
    ))
}
