//! Keeps the caller's values exact on the wire where the SDK's types cannot.
//!
//! - The model's `float` shapes are `f32` in the Rust SDK, so a learning rate of
//!   0.0002 would be sent as 0.00019999999494757503. botocore sends the Python
//!   float as given.
//! - Non-boxed booleans are omitted by the SDK when false; botocore sends an
//!   explicit `false`.
//!
//! These members of the validated input are recorded here (with the GIL held) and
//! written into the SDK's JSON body before signing, so the body says what boto3's would.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt};
use serde_json::Value;

use crate::generated::shapes::SHAPES;
use crate::model::{Kind, Location, ShapeId};

#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

pub type Patch = (Vec<Seg>, Value);

/// The float and boolean values in the body members of `params`, with their JSON paths.
pub fn collect(params: &Bound<'_, PyDict>, input: ShapeId) -> Vec<Patch> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    if let Some(payload) = SHAPES[input].payload {
        // The payload member (a structure) is the whole body.
        if let Some(m) = SHAPES[input].members.iter().find(|m| m.name == payload) {
            if let Ok(Some(v)) = params.get_item(m.name) {
                walk(&v, m.shape, &mut path, &mut out, 0);
            }
        }
        return out;
    }
    for m in SHAPES[input].members {
        if m.location != Location::Body {
            continue;
        }
        if let Ok(Some(v)) = params.get_item(m.name) {
            path.push(Seg::Key(m.wire_name.to_string()));
            walk(&v, m.shape, &mut path, &mut out, 0);
            path.pop();
        }
    }
    out
}

fn walk(
    v: &Bound<'_, PyAny>,
    shape: ShapeId,
    path: &mut Vec<Seg>,
    out: &mut Vec<Patch>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let s = &SHAPES[shape];
    match s.kind {
        // Only Python floats need this: ints and Decimals are exact either way
        // or converted by the SDK's own rules.
        Kind::Float | Kind::Double
            if v.is_instance_of::<PyFloat>() && !v.is_instance_of::<PyInt>() =>
        {
            if let Some(n) = v
                .extract::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                out.push((path.clone(), Value::Number(n)));
            }
        }
        Kind::Boolean => {
            if let Ok(b) = v.extract::<bool>() {
                out.push((path.clone(), Value::Bool(b)));
            }
        }
        Kind::Structure | Kind::Union => {
            if let Ok(d) = v.cast::<PyDict>() {
                for m in s.members {
                    if let Ok(Some(child)) = d.get_item(m.name) {
                        path.push(Seg::Key(m.wire_name.to_string()));
                        walk(&child, m.shape, path, out, depth + 1);
                        path.pop();
                    }
                }
            }
        }
        Kind::List => {
            if let Some(member) = s.member {
                let Ok(items) = crate::convert::to_list(v, "") else {
                    return;
                };
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    walk(item, member, path, out, depth + 1);
                    path.pop();
                }
            }
        }
        Kind::Map => {
            if let (Some(value), Ok(d)) = (s.value, v.cast::<PyDict>()) {
                for (k, item) in crate::convert::dict_items(d).unwrap_or_default() {
                    if let Ok(k) = k.extract::<String>() {
                        path.push(Seg::Key(k));
                        walk(&item, value, path, out, depth + 1);
                        path.pop();
                    }
                }
            }
        }
        _ => {}
    }
}

fn locate<'a>(node: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    match path.split_first() {
        None => Some(node),
        Some((Seg::Key(k), rest)) => locate(node.get_mut(k.as_str())?, rest),
        Some((Seg::Index(i), rest)) => locate(node.get_mut(*i)?, rest),
    }
}

/// Writes the recorded values into a JSON body; None when nothing changed.
pub fn apply(body: &[u8], patches: &[Patch]) -> Option<Vec<u8>> {
    if patches.is_empty() {
        return None;
    }
    let mut doc: Value = serde_json::from_slice(body).ok()?;
    let mut changed = false;
    for (path, value) in patches {
        let Some((last, parent_path)) = path.split_last() else {
            continue;
        };
        let Some(parent) = locate(&mut doc, parent_path) else {
            continue;
        };
        match (last, parent) {
            (Seg::Key(k), Value::Object(map)) if map.get(k.as_str()) != Some(value) => {
                map.insert(k.clone(), value.clone());
                changed = true;
            }
            (Seg::Index(i), Value::Array(items)) => {
                if let Some(slot) = items.get_mut(*i) {
                    if slot != value {
                        *slot = value.clone();
                        changed = true;
                    }
                }
            }
            _ => {}
        }
    }
    if changed {
        serde_json::to_vec(&doc).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_nested_float() {
        let body = br#"{"a":{"b":[{"lr":0.00019999999494757503}]},"n":1}"#;
        let patches = vec![
            (
                vec![
                    Seg::Key("a".into()),
                    Seg::Key("b".into()),
                    Seg::Index(0),
                    Seg::Key("lr".into()),
                ],
                serde_json::json!(0.0002),
            ),
            (
                vec![Seg::Key("a".into()), Seg::Key("flag".into())],
                Value::Bool(false),
            ),
        ];
        let out = apply(body, &patches).expect("changed"); // ok: test
        assert_eq!(
            std::str::from_utf8(&out).expect("utf8"), // ok: test
            r#"{"a":{"b":[{"lr":0.0002}],"flag":false},"n":1}"#
        );
        assert!(apply(body, &[]).is_none());
        assert!(apply(b"not json", &patches).is_none());
    }
}
