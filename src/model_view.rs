//! The model's tables read from Python: `_core._operation`, `_core._shape` and
//! `_core._shape_names` give the generated tables (the ones the client validates and
//! converts with) as plain tuples, so the Python layer keeps no model of its own (the
//! command line builds its commands, options and shorthand from these).

use pyo3::prelude::*;

use crate::generated::shapes::{OPERATIONS, SHAPES};
use crate::model::Kind;
use crate::operation;
use crate::validate;

/// What `_shape` returns: (kind, members, member, value, enum values, union).
type ShapeView = (
    &'static str,
    Vec<(&'static str, &'static str, bool)>,
    Option<&'static str>,
    Option<&'static str>,
    Vec<&'static str>,
    bool,
);

/// `_core._operation(name)`: the operation's (input shape, output shape) names.
/// `ValueError` for an operation the model does not have.
#[pyfunction]
pub fn _operation(name: &str) -> PyResult<(&'static str, &'static str)> {
    let op = &OPERATIONS[operation::index(name)?];
    Ok((SHAPES[op.input].name, SHAPES[op.output].name))
}

/// `_core._shape(name)`: `(kind, members, member, value, enum, union)` where `kind` is the
/// model's type (`"structure"` for unions too, with `union` true; `"document"` for a
/// document), `members` the structure's `(member, shape, required)` in the model's order,
/// `member` a list's member shape or a map's key shape, `value` a map's value shape and
/// `enum` a string's allowed values. `ValueError` for a shape the model does not have.
#[pyfunction]
pub fn _shape(name: &str) -> PyResult<ShapeView> {
    let shape = &SHAPES[validate::shape_named(name)?];
    let kind = match shape.kind {
        Kind::Structure | Kind::Union => "structure",
        Kind::List => "list",
        Kind::Map => "map",
        Kind::String => "string",
        Kind::Integer => "integer",
        Kind::Long => "long",
        Kind::Float => "float",
        Kind::Double => "double",
        Kind::Boolean => "boolean",
        Kind::Timestamp => "timestamp",
        Kind::Blob => "blob",
        Kind::Document => "document",
    };
    let members = shape
        .members
        .iter()
        .map(|m| (m.name, SHAPES[m.shape].name, m.required))
        .collect();
    Ok((
        kind,
        members,
        shape.member.map(|id| SHAPES[id].name),
        shape.value.map(|id| SHAPES[id].name),
        shape.enum_values.to_vec(),
        shape.kind == Kind::Union,
    ))
}

/// `_core._shape_names()`: every shape of the model, in the tables' order.
#[pyfunction]
pub fn _shape_names() -> Vec<&'static str> {
    SHAPES.iter().map(|s| s.name).collect()
}
