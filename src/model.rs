//! Shape descriptors for the service model. The tables themselves are generated
//! (`src/generated/shapes.rs`, by `codegen/generate.py`); this file only defines their types.

/// Index of a shape in `generated::shapes::SHAPES`.
pub type ShapeId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Structure,
    /// A structure with `"union": true`: exactly one member may be set.
    Union,
    List,
    Map,
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Timestamp,
    Blob,
    /// A Smithy document: any JSON value, carried as is.
    Document,
}

/// Where an input member travels in the HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Body,
    Uri,
    Query,
    Header,
}

#[derive(Debug)]
pub struct Member {
    /// Python-side (and JSON) member name, e.g. `trainingDataConfig`.
    pub name: &'static str,
    /// Name on the wire (`locationName` in the model, or `name` when absent).
    pub wire_name: &'static str,
    pub shape: ShapeId,
    pub required: bool,
    pub location: Location,
    pub idempotency_token: bool,
}

#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub kind: Kind,
    /// Structure / union members, in model order.
    pub members: &'static [Member],
    /// List member shape, or map key shape.
    pub member: Option<ShapeId>,
    /// Map value shape.
    pub value: Option<ShapeId>,
    /// `min` / `max` from the model: a length for strings, lists and maps, a value for numbers.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The model's `@pattern` exactly as written. Shown in error messages.
    pub pattern: Option<&'static str>,
    /// `pattern` as the service reads it (Java's `java.util.regex`, matched against the
    /// whole value), translated by `codegen/service_regex.py` to the syntax of the `regex`
    /// crate and anchored (`\A(?:...)\z`): the strict check and the local Bedrock run it
    /// with `Regex::is_match`. `Some(Err(reason))` when the pattern cannot be translated
    /// (the strict check then skips it and says so); `Some` exactly when `pattern` is.
    pub regex: Option<Result<&'static str, &'static str>>,
    /// Allowed values for enum strings (empty when not an enum).
    pub enum_values: &'static [&'static str],
    /// The member that is the whole HTTP body (`payload` in the model), if any.
    pub payload: Option<&'static str>,
}

#[derive(Debug)]
pub struct Operation {
    /// e.g. `CreateModelCustomizationJob`
    pub name: &'static str,
    pub input: ShapeId,
    pub output: ShapeId,
    pub request_uri: &'static str,
}
