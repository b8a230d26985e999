//! The one-pass reader: a response body straight from JSON bytes to Python objects,
//! driven by the output shape, with no `serde_json::Value` in between. Member names
//! come from a per-shape cache of interned strings; members are set in model order,
//! as botocore's parser sets them.
//!
//! It handles what services send. Anything else (malformed JSON, a value of the
//! wrong type, a number Python would see differently, an epoch or RFC 822
//! timestamp, a blob) makes it give up (`None`), and the caller runs the
//! `serde_json::Value` walker, which has the exact error messages and the rare
//! conversions. Where the two differ, the reader is botocore's: an integer literal
//! is an int however large, and `-0` the int 0, as Python's `json` reads them.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};

use crate::generated::shapes::SHAPES;
use crate::model::{Kind, ShapeId};

/// Deeper than this goes to the walker (serde_json's own limit is 128), which reports
/// what serde_json reports.
const MAX_DEPTH: u32 = 100;

/// Gave up: the caller parses the body the slow way.
struct Bail;

type R<T> = Result<T, Bail>;

impl From<PyErr> for Bail {
    fn from(_: PyErr) -> Self {
        Bail
    }
}

/// A structure's member names as interned Python strings, in model order.
type Keys = Box<[Py<PyString>]>;

/// A structure's members as read: one slot per member, in model order.
pub(super) type Slots<'py> = Vec<Option<Bound<'py, PyAny>>>;

/// Interned Python names of each structure's members, made on first use of the shape.
fn member_keys<'py>(py: Python<'py>, shape: ShapeId) -> &'py [Py<PyString>] {
    static KEYS: PyOnceLock<Vec<PyOnceLock<Keys>>> = PyOnceLock::new();
    let all = KEYS.get_or_init(py, || {
        (0..SHAPES.len()).map(|_| PyOnceLock::new()).collect()
    });
    all[shape].get_or_init(py, || {
        SHAPES[shape]
            .members
            .iter()
            .map(|m| PyString::intern(py, m.name).unbind())
            .collect()
    })
}

/// The members of structure `shape` read from `body` (a JSON object), one slot per
/// member in model order; `None` when the body needs the slow walker.
pub(super) fn object_slots<'py>(
    py: Python<'py>,
    shape: ShapeId,
    body: &[u8],
) -> Option<(Slots<'py>, &'py [Py<PyString>])> {
    let slots = read_object(py, body, |r| r.struct_slots(shape))?;
    Some((slots, member_keys(py, shape)))
}

/// A whole body read as one value of `shape` (a payload member).
pub(super) fn whole<'py>(
    py: Python<'py>,
    shape: ShapeId,
    body: &[u8],
) -> Option<Bound<'py, PyAny>> {
    read_object(py, body, |r| r.value(shape))
}

/// `read` over a body that must be one JSON object and nothing after it.
fn read_object<'py, T>(
    py: Python<'py>,
    body: &[u8],
    read: impl FnOnce(&mut Reader<'_, 'py>) -> R<T>,
) -> Option<T> {
    let mut r = Reader {
        py,
        b: body,
        i: 0,
        depth: 0,
        last_number: 0,
    };
    r.ws();
    if r.peek() != Some(b'{') {
        return None;
    }
    let v = read(&mut r).ok()?;
    r.end().ok()?;
    Some(v)
}

struct Reader<'a, 'py> {
    py: Python<'py>,
    b: &'a [u8],
    i: usize,
    depth: u32,
    /// Where the number just read began.
    last_number: usize,
}

impl<'py> Reader<'_, 'py> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> R<()> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn end(&mut self) -> R<()> {
        self.ws();
        if self.i == self.b.len() {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// After whitespace: is the next value `null` (consumed if so)?
    fn null(&mut self) -> R<bool> {
        self.ws();
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        Ok(())
    }

    /// Walks an object's entries: `f(reader, key)` reads each value.
    fn object(&mut self, mut f: impl FnMut(&mut Self, &str) -> R<()>) -> R<()> {
        self.eat(b'{')?;
        self.enter()?;
        let mut key = String::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                self.ws();
                key.clear();
                self.string_into(&mut key)?;
                self.eat(b':')?;
                f(self, &key)?;
                self.ws();
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(Bail),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Walks an array's items: `f(reader)` reads each one.
    fn array(&mut self, mut f: impl FnMut(&mut Self) -> R<()>) -> R<()> {
        self.eat(b'[')?;
        self.enter()?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                f(self)?;
                self.ws();
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(Bail),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// A structure's members in model order; `unknown` counts the keys it does not
    /// have whose value is not null (`__type` aside), which a union must not have.
    fn struct_slots_counting(&mut self, shape: ShapeId) -> R<(Slots<'py>, usize)> {
        let members = SHAPES[shape].members;
        let mut slots: Slots<'py> = vec![None; members.len()];
        let mut unknown = 0;
        self.object(|r, key| {
            match members.iter().position(|m| m.wire_name == key) {
                Some(k) => {
                    slots[k] = if r.null()? {
                        None
                    } else {
                        Some(r.value(members[k].shape)?)
                    };
                }
                None => {
                    if !r.null()? {
                        r.skip()?;
                        if key != "__type" {
                            unknown += 1;
                        }
                    }
                }
            }
            Ok(())
        })?;
        Ok((slots, unknown))
    }

    fn struct_slots(&mut self, shape: ShapeId) -> R<Slots<'py>> {
        self.struct_slots_counting(shape).map(|(slots, _)| slots)
    }

    fn value(&mut self, shape: ShapeId) -> R<Bound<'py, PyAny>> {
        let py = self.py;
        let s = &SHAPES[shape];
        self.ws();
        match s.kind {
            Kind::Structure => {
                let slots = self.struct_slots(shape)?;
                let d = PyDict::new(py);
                for (key, v) in member_keys(py, shape).iter().zip(slots) {
                    if let Some(v) = v {
                        d.set_item(key.bind(py), v)?;
                    }
                }
                Ok(d.into_any())
            }
            Kind::Union => {
                // Exactly one member set, and a known one; the rest is the walker's.
                let (slots, unknown) = self.struct_slots_counting(shape)?;
                if unknown > 0 {
                    return Err(Bail);
                }
                let mut set = slots.iter().enumerate().filter(|(_, v)| v.is_some());
                let (Some((k, _)), None) = (set.next(), set.next()) else {
                    return Err(Bail);
                };
                let d = PyDict::new(py);
                if let Some(v) = slots.into_iter().nth(k).flatten() {
                    d.set_item(member_keys(py, shape)[k].bind(py), v)?;
                }
                Ok(d.into_any())
            }
            Kind::List => {
                let member = s.member.ok_or(Bail)?;
                let list = PyList::empty(py);
                self.array(|r| {
                    if r.null()? {
                        list.append(py.None())?;
                    } else {
                        list.append(r.value(member)?)?;
                    }
                    Ok(())
                })?;
                Ok(list.into_any())
            }
            Kind::Map => {
                let value_shape = s.value.ok_or(Bail)?;
                let d = PyDict::new(py);
                self.object(|r, key| {
                    let v = if r.null()? {
                        py.None().into_bound(py)
                    } else {
                        r.value(value_shape)?
                    };
                    d.set_item(key, v)?;
                    Ok(())
                })?;
                Ok(d.into_any())
            }
            Kind::Integer | Kind::Long => match self.number()? {
                Number::Int(v) => Ok(v),
                Number::Float(_) => Err(Bail),
            },
            Kind::Float | Kind::Double => match self.number()? {
                Number::Float(f) => Ok(PyFloat::new(py, f).into_any()),
                Number::Int(_) => {
                    // An integer literal: its f64, as serde_json's `as_f64` gives it.
                    let text =
                        std::str::from_utf8(&self.b[self.last_number..self.i]).map_err(|_| Bail)?;
                    let f: f64 = text.parse().map_err(|_| Bail)?;
                    Ok(PyFloat::new(py, f).into_any())
                }
            },
            Kind::Boolean => match self.peek() {
                Some(b't') => {
                    self.literal(b"true")?;
                    Ok(PyBool::new(py, true).to_owned().into_any())
                }
                Some(b'f') => {
                    self.literal(b"false")?;
                    Ok(PyBool::new(py, false).to_owned().into_any())
                }
                _ => Err(Bail),
            },
            Kind::Timestamp => {
                let mut text = String::new();
                self.string_into(&mut text)?;
                match super::native_datetime(py, &text) {
                    Some(Ok(dt)) => Ok(dt),
                    _ => Err(Bail),
                }
            }
            Kind::Blob => Err(Bail),
            Kind::String | Kind::Document => self.plain(),
        }
    }

    /// Any JSON value as Python's `json` module gives it.
    fn plain(&mut self) -> R<Bound<'py, PyAny>> {
        let py = self.py;
        self.ws();
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'{') => {
                let d = PyDict::new(py);
                self.object(|r, key| {
                    d.set_item(key, r.plain()?)?;
                    Ok(())
                })?;
                Ok(d.into_any())
            }
            Some(b'[') => {
                let list = PyList::empty(py);
                self.array(|r| {
                    list.append(r.plain()?)?;
                    Ok(())
                })?;
                Ok(list.into_any())
            }
            Some(b't') => {
                self.literal(b"true")?;
                Ok(PyBool::new(py, true).to_owned().into_any())
            }
            Some(b'f') => {
                self.literal(b"false")?;
                Ok(PyBool::new(py, false).to_owned().into_any())
            }
            Some(b'n') => {
                self.literal(b"null")?;
                Ok(py.None().into_bound(py))
            }
            _ => match self.number()? {
                Number::Int(v) => Ok(v),
                Number::Float(f) => Ok(PyFloat::new(py, f).into_any()),
            },
        }
    }

    /// Skips a value (a member the shape does not have), checking it is JSON.
    fn skip(&mut self) -> R<()> {
        self.ws();
        match self.peek() {
            Some(b'"') => {
                let mut sink = String::new();
                self.string_into(&mut sink)
            }
            Some(b'{') => self.object(|r, _| r.skip()),
            Some(b'[') => self.array(|r| r.skip()),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    fn string(&mut self) -> R<Bound<'py, PyAny>> {
        // Without escapes the text is the bytes between the quotes.
        let start = self.i + 1;
        let mut j = start;
        while let Some(&c) = self.b.get(j) {
            match c {
                b'"' => {
                    let text = std::str::from_utf8(&self.b[start..j]).map_err(|_| Bail)?;
                    self.i = j + 1;
                    return Ok(PyString::new(self.py, text).into_any());
                }
                b'\\' => break,
                c if c < 0x20 => return Err(Bail),
                _ => j += 1,
            }
        }
        let mut text = String::new();
        self.string_into(&mut text)?;
        Ok(PyString::new(self.py, &text).into_any())
    }

    /// A JSON string (at the opening quote), unescaped into `out`.
    fn string_into(&mut self, out: &mut String) -> R<()> {
        if self.peek() != Some(b'"') {
            return Err(Bail);
        }
        self.i += 1;
        let mut run = self.i;
        loop {
            let c = *self.b.get(self.i).ok_or(Bail)?;
            match c {
                b'"' => {
                    out.push_str(std::str::from_utf8(&self.b[run..self.i]).map_err(|_| Bail)?);
                    self.i += 1;
                    return Ok(());
                }
                b'\\' => {
                    out.push_str(std::str::from_utf8(&self.b[run..self.i]).map_err(|_| Bail)?);
                    self.i += 1;
                    let e = *self.b.get(self.i).ok_or(Bail)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair; a lone half is the walker's to refuse.
                                if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                                    return Err(Bail);
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(Bail);
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).ok_or(Bail)?);
                        }
                        _ => return Err(Bail),
                    }
                    run = self.i;
                }
                c if c < 0x20 => return Err(Bail),
                _ => self.i += 1,
            }
        }
    }

    fn hex4(&mut self) -> R<u32> {
        let digits = self.b.get(self.i..self.i + 4).ok_or(Bail)?;
        let text = std::str::from_utf8(digits).map_err(|_| Bail)?;
        if !text.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Bail);
        }
        self.i += 4;
        u32::from_str_radix(text, 16).map_err(|_| Bail)
    }

    /// A JSON number as Python's `json` reads it: an integer literal is an int, however
    /// large (serde_json makes `-0` and integers beyond 64 bits floats), a fraction or
    /// exponent a float; a float out of range is the walker's.
    fn number(&mut self) -> R<Number<'py>> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.i += 1;
                }
            }
            _ => return Err(Bail),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Bail);
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            float = true;
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(Bail);
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
        }
        self.last_number = start;
        // Only ASCII digits, signs, dots and exponents were consumed.
        let text = std::str::from_utf8(&self.b[start..self.i]).map_err(|_| Bail)?;
        if float {
            let f: f64 = text.parse().map_err(|_| Bail)?;
            if !f.is_finite() {
                return Err(Bail);
            }
            return Ok(Number::Float(f));
        }
        if let Ok(v) = text.parse::<i64>() {
            return Ok(Number::Int(pyo3::types::PyInt::new(self.py, v).into_any()));
        }
        match text.parse::<u64>() {
            Ok(v) => Ok(Number::Int(pyo3::types::PyInt::new(self.py, v).into_any())),
            // Beyond 64 bits: Python's json gives the exact int (serde_json a float).
            Err(_) => Ok(Number::Int(
                self.py.get_type::<pyo3::types::PyInt>().call1((text,))?,
            )),
        }
    }
}

enum Number<'py> {
    Int(Bound<'py, PyAny>),
    Float(f64),
}
