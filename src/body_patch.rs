//! Keeps the caller's values exact on the wire where the SDK's types cannot.
//!
//! - The model's `float` shapes are `f32` in the Rust SDK, so a learning rate of
//!   0.0002 would be sent as 0.00019999999494757503. botocore sends the Python
//!   float as given.
//! - Non-boxed booleans are omitted by the SDK when false; botocore sends an
//!   explicit `false`.
//! - Members the caller left out that the SDK writes anyway (its Smithy model gives
//!   them a default: `EvaluationBedrockModel.inferenceParams` = `"{}"`,
//!   `AutomatedReasoningPolicyDefinition.version` = `"1"`); botocore sends only what
//!   it was given, so each structure keeps only the members the caller gave.
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

#[derive(Debug, Clone, PartialEq)]
pub enum Patch {
    /// The value at this path is this one.
    Set(Vec<Seg>, Value),
    /// The object at this path keeps only these keys (the members the caller gave).
    Only(Vec<Seg>, Vec<String>),
}

/// The float and boolean values in the body members of `params`, and the members given
/// in each structure, with their JSON paths.
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
    let mut given = Vec::new();
    for m in SHAPES[input].members {
        if m.location != Location::Body {
            continue;
        }
        if let Ok(Some(v)) = params.get_item(m.name) {
            given.push(m.wire_name.to_string());
            path.push(Seg::Key(m.wire_name.to_string()));
            walk(&v, m.shape, &mut path, &mut out, 0);
            path.pop();
        }
    }
    if SHAPES[input]
        .members
        .iter()
        .any(|m| m.location == Location::Body)
    {
        out.push(Patch::Only(Vec::new(), given));
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
                out.push(Patch::Set(path.clone(), Value::Number(n)));
            }
        }
        Kind::Boolean => {
            if let Ok(b) = v.extract::<bool>() {
                out.push(Patch::Set(path.clone(), Value::Bool(b)));
            }
        }
        Kind::Structure | Kind::Union => {
            if let Ok(d) = v.cast::<PyDict>() {
                let mut given = Vec::new();
                for m in s.members {
                    if let Ok(Some(child)) = d.get_item(m.name) {
                        given.push(m.wire_name.to_string());
                        path.push(Seg::Key(m.wire_name.to_string()));
                        walk(&child, m.shape, path, out, depth + 1);
                        path.pop();
                    }
                }
                out.push(Patch::Only(path.clone(), given));
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

/// Writes the recorded values into a JSON body and drops the members nobody gave;
/// None when nothing changed.
pub fn apply(body: &[u8], patches: &[Patch]) -> Option<Vec<u8>> {
    if patches.is_empty() {
        return None;
    }
    let mut doc: Value = serde_json::from_slice(body).ok()?;
    let mut changed = false;
    for patch in patches {
        let (path, value) = match patch {
            Patch::Set(path, value) => (path, value),
            Patch::Only(path, keys) => {
                if let Some(Value::Object(map)) = locate(&mut doc, path) {
                    let before = map.len();
                    map.retain(|k, _| keys.iter().any(|given| given == k));
                    changed |= map.len() != before;
                }
                continue;
            }
        };
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
            Patch::Set(
                vec![
                    Seg::Key("a".into()),
                    Seg::Key("b".into()),
                    Seg::Index(0),
                    Seg::Key("lr".into()),
                ],
                serde_json::json!(0.0002),
            ),
            Patch::Set(
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

    #[test]
    fn drops_members_nobody_gave() {
        let body = br#"{"m":{"id":"x","inferenceParams":"{}"},"n":1}"#;
        let keep = |path: Vec<Seg>, keys: &[&str]| {
            Patch::Only(path, keys.iter().map(|k| k.to_string()).collect())
        };
        let patches = vec![
            keep(vec![Seg::Key("m".into())], &["id"]),
            keep(vec![], &["m", "n"]),
        ];
        let out = apply(body, &patches).expect("changed"); // ok: test
        assert_eq!(
            std::str::from_utf8(&out).expect("utf8"), // ok: test
            r#"{"m":{"id":"x"},"n":1}"#
        );
        // nothing to drop: the body is left as the SDK wrote it
        assert!(apply(br#"{"m":{"id":"x"},"n":1}"#, &patches).is_none());
    }
}
