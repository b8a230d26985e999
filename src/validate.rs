//! Parameter validation over the generated shape tables, mirroring botocore's
//! `botocore/validate.py` (`ParamValidator`): same accepted Python types, same walk order,
//! same messages. That is the default (`Level::Botocore`): what boto3 sends is sent, what
//! it refuses is refused with its words. Smithy's "Constraint trait enforcement" says
//! constraint traits should be enforced by the service and not when serializing, and a
//! model's constraint can lag the service (a new enum value, a relaxed length).
//!
//! `Level::Strict` (`parameter_validation="strict"`, opt-in) also checks what the model
//! says beyond botocore: max lengths/values, patterns, enum values and map sizes.
//! Patterns are matched as the service matches them: against the whole value, in Java's
//! regex language (`Shape::regex`, translated and anchored by
//! `codegen/service_regex.py`; the local Bedrock runs the same regexes through
//! `_match_pattern`). A pattern that cannot be translated is skipped, and a report that
//! refuses the call says which were skipped.
//!
//! Generic over `generated::shapes::SHAPES`: there is no per-field code here.

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};
use regex::Regex;

use crate::convert;
use crate::generated::shapes::SHAPES;
use crate::model::{Kind, Location, Member, Shape, ShapeId};
use crate::param_path::shown;

/// Nesting deeper than this is reported instead of walked (only reachable with recursive
/// shapes; keeps the walk from exhausting the stack).
const MAX_DEPTH: usize = 256;

const STR_TYPES: &str = "<class 'str'>";
const INT_TYPES: &str = "<class 'int'>";
const FLOAT_TYPES: &str = "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>";
const BOOL_TYPES: &str = "<class 'bool'>";
const DICT_TYPES: &str = "<class 'dict'>";
const DOCUMENT_TYPES: &str =
    "<class 'str'>, <class 'int'>, <class 'bool'>, <class 'float'>, <class 'list'>, <class 'dict'>";
const LIST_TYPES: &str = "<class 'list'>, <class 'tuple'>";
const TIMESTAMP_TYPES: &str = "<class 'datetime.datetime'>, timestamp-string";
const BLOB_TYPES: &str = "<class 'bytes'>, <class 'bytearray'>, file-like object";

/// How much a validation checks beyond what is always checked (required members,
/// unknown members, types and the member count of tagged unions: what the typed request
/// cannot be built without).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing more (`parameter_validation=False`).
    Types,
    /// botocore's `ParamValidator` exactly (the default): also the min length of strings
    /// and lists and the min value of numbers (botocore checks no max, pattern or enum);
    /// and what the SDK cannot send at all (an empty URI label, a control character in a
    /// header), refused before sending with a message in the same style.
    Botocore,
    /// Everything the model says (`parameter_validation="strict"`): also max lengths and
    /// values, whole-value patterns, enums and map sizes.
    Strict,
}

impl Level {
    /// The level a client option names: `True` / `False` / `"strict"` (any case), or the
    /// same words as text (the environment variable).
    pub fn parse(text: &str) -> Option<Level> {
        match text.trim().to_ascii_lowercase().as_str() {
            "strict" => Some(Level::Strict),
            "true" | "1" | "yes" | "on" => Some(Level::Botocore),
            "false" | "0" | "no" | "off" => Some(Level::Types),
            _ => None,
        }
    }
}

/// The character that cannot travel in an HTTP header value, if any (a control
/// character other than tab, or DEL).
pub(crate) fn header_unsafe(value: &str) -> Option<char> {
    value.chars().find(|c| c.is_ascii_control() && *c != '\t')
}

/// Validate `params` against the shape `input`; every problem found, in botocore's
/// order and wording (empty = valid), checking as much as `level` says.
pub fn validate(params: &Bound<'_, PyDict>, input: ShapeId, level: Level) -> Vec<String> {
    validate_value(params.as_any(), input, level)
}

pub fn validate_value(value: &Bound<'_, PyAny>, shape: ShapeId, level: Level) -> Vec<String> {
    let mut v = Validator {
        errors: Vec::new(),
        check_constraints: level == Level::Strict,
        check_min: level >= Level::Botocore,
        skipped: Vec::new(),
    };
    v.walk(value, shape, "", 0);
    if !v.errors.is_empty() {
        for (name, pattern, reason) in v.skipped {
            v.errors.push(format!(
                "(not checked: the pattern {pattern} of parameter {}, which this client cannot use: {reason})",
                shown(&name)
            ));
        }
    }
    v.errors
}

/// The index of the model's shape named `name`; `ValueError` when the model has none.
pub fn shape_named(name: &str) -> PyResult<ShapeId> {
    shape_id(name).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "The bedrock model has no shape named {name:?}"
        ))
    })
}

/// The index of the model's shape named `name` (looked up by name, built once).
fn shape_id(name: &str) -> Option<ShapeId> {
    static BY_NAME: OnceLock<std::collections::HashMap<&'static str, ShapeId>> = OnceLock::new();
    BY_NAME
        .get_or_init(|| {
            SHAPES
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name, i))
                .collect()
        })
        .get(name)
        .copied()
}

struct Validator {
    errors: Vec<String>,
    /// `Level::Strict`.
    check_constraints: bool,
    /// `Level::Botocore` or more.
    check_min: bool,
    /// Parameters whose pattern could not be checked: (name, pattern, reason).
    skipped: Vec<(String, &'static str, &'static str)>,
}

/// botocore's `ValidationErrors._get_name`.
/// A model bound as Python prints it: integral values without a fraction (the model's
/// JSON holds integers there), others like Python's `repr(float)`.
fn fmt_bound(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 {
        return format!("{}", v as i64);
    }
    py_float_repr(v)
}

/// Python's `repr(float)`: shortest round-trip digits, scientific notation when the
/// exponent is below -4 or at least 16.
fn py_float_repr(v: f64) -> String {
    if v.is_nan() {
        return "nan".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let sci = format!("{:e}", v); // e.g. "-1.5e-7"
    let (mantissa, exp) = match sci.split_once('e') {
        Some(parts) => parts,
        None => return sci,
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.unsigned_abs());
    }
    if exp < 0 {
        let zeros = "0".repeat((-exp - 1) as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let int_len = exp as usize + 1;
    if digits.len() <= int_len {
        let pad = "0".repeat(int_len - digits.len());
        format!("{sign}{digits}{pad}.0")
    } else {
        let (int_part, frac) = digits.split_at(int_len);
        format!("{sign}{int_part}.{frac}")
    }
}

/// The compiled regex of a shape's pattern (`Shape::regex`: translated and anchored by
/// the generator), compiled once per shape; `None` when the shape has no pattern,
/// `Err(reason)` when it has one that cannot be used.
pub fn pattern(id: ShapeId) -> Option<Result<&'static Regex, &'static str>> {
    static PATTERNS: OnceLock<Vec<OnceLock<Result<Regex, String>>>> = OnceLock::new();
    let shape = SHAPES.get(id)?;
    let regex = shape.regex?;
    let cells = PATTERNS.get_or_init(|| SHAPES.iter().map(|_| OnceLock::new()).collect());
    let compiled = cells.get(id)?.get_or_init(|| compile(regex));
    Some(compiled.as_ref().map_err(String::as_str))
}

/// A translated pattern compiled, or why it cannot be (one line).
fn compile(regex: Result<&str, &str>) -> Result<Regex, String> {
    let regex = regex.map_err(str::to_owned)?;
    Regex::new(regex).map_err(|e| {
        // regex parse errors span several lines; their last one says what is wrong
        let text = e.to_string();
        let reason = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        format!("its regex does not compile: {}", reason.trim())
    })
}

impl Validator {
    fn report(&mut self, msg: String) {
        self.errors.push(msg);
    }

    fn invalid_type(&mut self, name: &str, value: &Bound<'_, PyAny>, valid: &str) {
        self.report(format!(
            "Invalid type for parameter {}, value: {}, type: {}, valid types: {}",
            shown(name),
            convert::display(value),
            convert::class_text(value),
            valid
        ));
    }

    /// botocore's `range_check` on a length (the min, from `Level::Botocore` on) plus
    /// the max length (`Level::Strict`).
    fn check_length(&mut self, name: &str, len: usize, shape: &Shape) {
        let n = len as f64;
        if let Some(min) = shape.min.filter(|_| self.check_min) {
            if n < min {
                self.report(format!(
                    "Invalid length for parameter {}, value: {}, valid min length: {}",
                    shown(name),
                    len,
                    fmt_bound(min)
                ));
            }
        }
        if let Some(max) = shape.max.filter(|_| self.check_constraints) {
            if n > max {
                self.report(format!(
                    "Invalid length for parameter {}, value: {}, valid max length: {}",
                    shown(name),
                    len,
                    fmt_bound(max)
                ));
            }
        }
    }

    /// Min / max value of a number, compared by Python (exact for big ints and Decimals).
    fn check_range(&mut self, name: &str, value: &Bound<'_, PyAny>, shape: &Shape) {
        if let Some(min) = shape.min.filter(|_| self.check_min) {
            if value.lt(min).unwrap_or(false) {
                self.report(format!(
                    "Invalid value for parameter {}, value: {}, valid min value: {}",
                    shown(name),
                    convert::display(value),
                    fmt_bound(min)
                ));
            }
        }
        if let Some(max) = shape.max.filter(|_| self.check_constraints) {
            if value.gt(max).unwrap_or(false) {
                self.report(format!(
                    "Invalid value for parameter {}, value: {}, valid max value: {}",
                    shown(name),
                    convert::display(value),
                    fmt_bound(max)
                ));
            }
        }
    }

    fn walk(&mut self, value: &Bound<'_, PyAny>, id: ShapeId, name: &str, depth: usize) {
        let Some(shape) = SHAPES.get(id) else {
            return;
        };
        if depth > MAX_DEPTH {
            self.report(format!(
                "Invalid value for parameter {}: nested more than {} levels deep",
                shown(name),
                MAX_DEPTH
            ));
            return;
        }
        match shape.kind {
            Kind::Structure | Kind::Union => self.structure(value, shape, name, depth),
            Kind::List => self.list(value, shape, name, depth),
            Kind::Map => self.map(value, shape, name, depth),
            Kind::String => self.string(value, id, shape, name),
            Kind::Integer | Kind::Long => {
                if value.is_instance_of::<PyInt>() {
                    self.check_range(name, value, shape);
                } else {
                    self.invalid_type(name, value, INT_TYPES);
                }
            }
            Kind::Float | Kind::Double => {
                if value.is_instance_of::<PyFloat>()
                    || value.is_instance_of::<PyInt>()
                    || convert::is_decimal(value)
                {
                    self.check_range(name, value, shape);
                } else {
                    self.invalid_type(name, value, FLOAT_TYPES);
                }
            }
            Kind::Boolean => {
                if !value.is_instance_of::<PyBool>() {
                    self.invalid_type(name, value, BOOL_TYPES);
                }
            }
            Kind::Timestamp => {
                if !matches!(convert::parse_datetime(value), Ok(Some(_))) {
                    self.invalid_type(name, value, TIMESTAMP_TYPES);
                }
            }
            Kind::Document => self.document(value, name, depth),
            Kind::Blob => {
                let ok = value.is_instance_of::<PyBytes>()
                    || value.is_instance_of::<PyByteArray>()
                    || value.is_instance_of::<PyString>()
                    || value.hasattr("read").unwrap_or(false);
                if !ok {
                    self.invalid_type(name, value, BLOB_TYPES);
                }
            }
        }
    }

    /// botocore's `_validate_document`: JSON-like values only (a dict's values are
    /// reported by their key alone, as botocore names them).
    fn document(&mut self, value: &Bound<'_, PyAny>, name: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.report(format!(
                "Invalid value for parameter {}: nested more than {} levels deep",
                shown(name),
                MAX_DEPTH
            ));
        } else if value.is_none() {
        } else if let Ok(dict) = value.cast::<PyDict>() {
            for (key, item) in convert::dict_items(dict).unwrap_or_default() {
                self.document(&item, &convert::display(&key), depth + 1);
            }
        } else if value.cast::<PyList>().is_ok() {
            for (i, item) in convert::to_list(value, name)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                self.document(item, &crate::param_path::index(name, i), depth + 1);
            }
        } else if !(value.is_instance_of::<PyString>()
            || value.is_instance_of::<PyInt>()
            || value.is_instance_of::<PyFloat>())
        {
            self.report(format!(
                "Invalid type for document parameter {}, value: {}, type: {}, valid types: {}",
                shown(name),
                convert::display(value),
                convert::class_text(value),
                DOCUMENT_TYPES
            ));
        }
    }

    fn structure(&mut self, value: &Bound<'_, PyAny>, shape: &Shape, name: &str, depth: usize) {
        let Ok(dict) = value.cast::<PyDict>() else {
            self.invalid_type(name, value, DICT_TYPES);
            return;
        };
        let member_names = || {
            shape
                .members
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if shape.kind == Kind::Union {
            let n = dict.len();
            if n == 0 {
                // botocore's wording, missing space included.
                self.report(format!(
                    "Must set one of the following keys for tagged unionstructure {}: {}.",
                    shown(name),
                    member_names()
                ));
            } else if n > 1 {
                self.report(format!(
                    "Invalid number of parameters set for tagged union structure {}. \
                     Can only set one of the following keys: {}.",
                    shown(name),
                    member_names()
                ));
            }
        }
        // With `parameter_validation=False` botocore sends a call without its required
        // members; so does this package for the input's own members, except a URI label
        // (no path without it). A nested structure cannot be built without its required
        // members, so they stay checked.
        let top_level_unchecked = !self.check_min && depth == 0;
        for m in shape.members.iter().filter(|m| m.required) {
            if top_level_unchecked && m.location != Location::Uri {
                continue;
            }
            if !dict.contains(m.name).unwrap_or(false) {
                self.report(format!(
                    "Missing required parameter in {}: \"{}\"",
                    shown(name),
                    m.name
                ));
            }
        }
        let items = match convert::dict_items(dict) {
            Ok(items) => items,
            Err(_) => return,
        };
        let mut known = Vec::with_capacity(items.len());
        for (key, item) in items {
            let member = key
                .cast::<PyString>()
                .ok()
                .and_then(|k| k.to_cow().ok().map(|k| k.into_owned()))
                .and_then(|k| shape.members.iter().find(|m| m.name == k));
            match member {
                Some(m) => known.push((m, item)),
                None => self.report(format!(
                    "Unknown parameter in {}: \"{}\", must be one of: {}",
                    shown(name),
                    convert::display(&key),
                    member_names()
                )),
            }
        }
        for (m, item) in known {
            let path = crate::param_path::member(name, m.name);
            self.walk(&item, m.shape, &path, depth + 1);
            match m.location {
                Location::Uri => self.check_label(&item, m.shape, &path),
                Location::Header => self.check_header(&item, m, &path),
                Location::Body | Location::Query => {}
            }
        }
    }

    /// A member sent as a header cannot hold a control character (it could not be
    /// sent at all; boto3's HTTP layer refuses it too). From `Level::Botocore` on.
    fn check_header(&mut self, value: &Bound<'_, PyAny>, member: &Member, name: &str) {
        if !self.check_min {
            return;
        }
        let Ok(s) = value.cast::<PyString>() else {
            return;
        };
        if let Some(c) = header_unsafe(&convert::text_for_matching(s)) {
            self.report(format!(
                "Invalid value for parameter {}, value: {}, the character U+{:04X} cannot be sent in the {} header",
                shown(name),
                convert::display(value),
                u32::from(c),
                member.wire_name
            ));
        }
    }

    /// A member bound to the URI path is a label, which Smithy requires to be non-empty
    /// (an empty one leaves no path segment to send), whatever the shape's own `min`:
    /// reported with botocore's min-length wording, from `Level::Botocore` on. boto3 sends
    /// such a call with the segment left out (`GET /model-customization-jobs/`, the list's
    /// path); the SDK cannot build it, and it would name another resource.
    fn check_label(&mut self, value: &Bound<'_, PyAny>, id: ShapeId, name: &str) {
        let Some(shape) = SHAPES.get(id) else {
            return;
        };
        if !self.check_min || shape.min.is_some_and(|min| min >= 1.0) {
            return;
        }
        if value
            .cast::<PyString>()
            .is_ok_and(|s| s.len().is_ok_and(|n| n == 0))
        {
            self.report(format!(
                "Invalid length for parameter {}, value: 0, valid min length: 1",
                shown(name)
            ));
        }
    }

    fn list(&mut self, value: &Bound<'_, PyAny>, shape: &Shape, name: &str, depth: usize) {
        let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = value.cast::<PyList>() {
            list.iter().collect()
        } else if let Ok(tuple) = value.cast::<PyTuple>() {
            tuple.iter().collect()
        } else {
            self.invalid_type(name, value, LIST_TYPES);
            return;
        };
        self.check_length(name, items.len(), shape);
        let Some(member) = shape.member else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            self.walk(item, member, &crate::param_path::index(name, i), depth + 1);
        }
    }

    fn map(&mut self, value: &Bound<'_, PyAny>, shape: &Shape, name: &str, depth: usize) {
        let Ok(dict) = value.cast::<PyDict>() else {
            self.invalid_type(name, value, DICT_TYPES);
            return;
        };
        let Ok(items) = convert::dict_items(dict) else {
            return;
        };
        // botocore does not check map sizes; this is one of the extra constraints.
        if self.check_constraints {
            self.check_length(name, items.len(), shape);
        }
        for (key, item) in items {
            let key_text = convert::display(&key);
            if let Some(key_shape) = shape.member {
                self.walk(
                    &key,
                    key_shape,
                    &crate::param_path::key(name, &key_text),
                    depth + 1,
                );
            }
            if let Some(value_shape) = shape.value {
                self.walk(
                    &item,
                    value_shape,
                    &crate::param_path::member(name, &key_text),
                    depth + 1,
                );
            }
        }
    }

    fn string(&mut self, value: &Bound<'_, PyAny>, id: ShapeId, shape: &Shape, name: &str) {
        let Ok(s) = value.cast::<PyString>() else {
            self.invalid_type(name, value, STR_TYPES);
            return;
        };
        if !self.check_min {
            return;
        }
        // Code points, as Python's len().
        let len = match value.len() {
            Ok(n) => n,
            Err(_) => convert::text_for_matching(s).chars().count(),
        };
        self.check_length(name, len, shape);
        if !self.check_constraints {
            return;
        }
        if shape.pattern.is_some() || !shape.enum_values.is_empty() {
            let text = convert::text_for_matching(s);
            match (shape.pattern, pattern(id)) {
                (Some(p), Some(Ok(re))) if !re.is_match(&text) => self.report(format!(
                    "Invalid value for parameter {}, value: {}, valid pattern: {}",
                    shown(name),
                    convert::display(value),
                    p
                )),
                (Some(p), Some(Err(reason))) => self.skipped.push((name.to_owned(), p, reason)),
                _ => {}
            }
            if !shape.enum_values.is_empty() && !shape.enum_values.contains(&text.as_ref()) {
                self.report(format!(
                    "Invalid value for parameter {}, value: {}, valid values: {}",
                    shown(name),
                    convert::display(value),
                    shape.enum_values.join(", ")
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_print_like_python() {
        assert_eq!(fmt_bound(1.0), "1");
        assert_eq!(fmt_bound(0.0), "0");
        assert_eq!(fmt_bound(1000.0), "1000");
        assert_eq!(fmt_bound(1e-7), "1e-07");
        assert_eq!(fmt_bound(0.001), "0.001");
        assert_eq!(fmt_bound(0.5), "0.5");
        assert_eq!(fmt_bound(-2.5), "-2.5");
        assert_eq!(fmt_bound(1e20), "1e+20");
        assert_eq!(fmt_bound(1.5e-5), "1.5e-05");
        assert_eq!(fmt_bound(123.456), "123.456");
    }

    #[test]
    fn top_level_is_input() {
        assert_eq!(shown(""), "input");
        assert_eq!(shown("a.b[0]"), "a.b[0]");
    }

    /// Every pattern of the model has a translated regex, and every regex compiles.
    #[test]
    fn model_patterns_compile() {
        let failing: Vec<String> = SHAPES
            .iter()
            .enumerate()
            .filter(|(_, s)| s.pattern.is_some() || s.regex.is_some())
            .filter_map(
                |(id, s)| match (s.pattern.is_some(), s.regex.is_some(), pattern(id)) {
                    (true, true, Some(Ok(_))) => None,
                    (_, _, Some(Err(reason))) => Some(format!("{}: {reason}", s.name)),
                    _ => Some(format!("{}: pattern and regex not both set", s.name)),
                },
            )
            .collect();
        assert!(
            failing.is_empty(),
            "patterns without a compiling regex: {failing:?}"
        );
        assert!(SHAPES.iter().filter(|s| s.regex.is_some()).count() > 10);
    }

    fn regex_of(shape_name: &str) -> &'static Regex {
        let id = SHAPES
            .iter()
            .position(|s| s.name == shape_name)
            .unwrap_or_else(|| panic!("no shape {shape_name}"));
        match pattern(id) {
            Some(Ok(re)) => re,
            other => panic!("{shape_name}: {other:?}"),
        }
    }

    /// Matched against the whole value, as the service matches: a value that holds a
    /// match only somewhere inside is refused.
    #[test]
    fn model_patterns_match_the_whole_value() {
        let s3 = regex_of("S3Uri");
        for ok in ["s3://my-bucket/train.jsonl", "s3://bc-test-bucket/out/"] {
            assert!(s3.is_match(ok), "{ok}");
        }
        for bad in [
            "s3://b/x",
            "https://example/out",
            "",
            "s3://my-bucket/my data/train.jsonl",
            "see s3://my-bucket/train.jsonl",
        ] {
            assert!(!s3.is_match(bad), "{bad}");
        }
        let role = regex_of("RoleArn");
        assert!(role.is_match("arn:aws:iam::123456789012:role/x"));
        assert!(!role.is_match("arn:aws:iam::123456789012:user/x"));
        assert!(!role.is_match("testrole"));
        // `.` excludes the line terminators, so a role name of only "\r" fails
        assert!(!role.is_match("arn:aws:iam::123456789012:role/\r"));
        let job = regex_of("JobName");
        assert!(job.is_match("nightly-finetune"));
        assert!(!job.is_match("bad name with spaces"));
        assert!(!job.is_match(""));
        // \d is ASCII: an Arabic-Indic digit is not a digit
        let lambda = regex_of("LambdaArn");
        assert!(lambda.is_match("arn:aws:lambda:us-east-1:123456789012:function:f"));
        assert!(!lambda.is_match("arn:aws:lambda:us-east-\u{663}:123456789012:function:f"));
    }

    #[test]
    fn unusable_regex_is_reported_not_compiled() {
        let reason = compile(Ok("(unclosed")).expect_err("must not compile");
        assert!(!reason.contains('\n'), "{reason}");
        assert!(
            reason.starts_with("its regex does not compile: "),
            "{reason}"
        );
        assert_eq!(
            compile(Err("lookahead")).expect_err("unusable"),
            "lookahead"
        );
        assert!(compile(Ok("\\A(?:b)\\z")).is_ok());
    }

    #[test]
    fn levels_from_text() {
        assert_eq!(Level::parse("strict"), Some(Level::Strict));
        assert_eq!(Level::parse(" STRICT "), Some(Level::Strict));
        assert_eq!(Level::parse("true"), Some(Level::Botocore));
        assert_eq!(Level::parse("False"), Some(Level::Types));
        assert_eq!(Level::parse("full"), None);
    }

    #[test]
    fn control_characters_are_found_and_ordinary_text_passes() {
        assert_eq!(header_unsafe("AKIDEXAMPLE"), None);
        assert_eq!(header_unsafe("tab\tis fine, ünïcode too"), None);
        assert_eq!(header_unsafe("new\nline"), Some('\n'));
        assert_eq!(header_unsafe("nul\0"), Some('\0'));
        assert_eq!(header_unsafe("del\u{7f}"), Some('\u{7f}'));
    }
}
