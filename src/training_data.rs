//! The record checks of `bedrock_customization.training_data`: one streaming pass over a
//! JSONL dataset, line by line, with the GIL released.
//!
//! Python (`training_data/_check.py`) reads the base model's rules from `rules.json` and
//! gives the scanner what applies (the record format, the token limit, Nova's reserved
//! words and media rules, ...); the scanner splits the bytes into lines, decodes and
//! parses each, checks it against the format and returns `(line, rule, message)` for
//! every problem (at most `per_rule` of each rule kept; all counted). The rules'
//! severities and source pages, the file-level limits and the findings' shape stay in
//! Python: this is only the part that runs once a line.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use serde_json::{Map, Value};

/// The record formats of `rules.json` (`record_format`).
#[derive(Clone, Copy, PartialEq)]
enum Format {
    PromptCompletion,
    CptInput,
    ClaudeMessages,
    Conversation,
    DistillationPrompts,
    ImageCaption,
}

impl Format {
    fn named(name: &str) -> Option<Format> {
        Some(match name {
            "prompt_completion" => Format::PromptCompletion,
            "cpt_input" => Format::CptInput,
            "claude_messages" => Format::ClaudeMessages,
            "bedrock_conversation" => Format::Conversation,
            "distillation_prompts" => Format::DistillationPrompts,
            "image_caption" => Format::ImageCaption,
            _ => return None,
        })
    }
}

/// Nova's media rules: formats, S3 locations, counts per sample (record).
struct Media {
    image_formats: Vec<String>,
    video_formats: Vec<String>,
    max_images: Option<usize>,
    max_videos: Option<usize>,
}

/// What a record check reports: `(rule, message)` for the current line.
struct Emitter<'a> {
    found: &'a mut Vec<(&'static str, String)>,
}

impl Emitter<'_> {
    fn emit(&mut self, rule: &'static str, message: String) {
        self.found.push((rule, message));
    }
}

/// `json.dumps(value)` for a value that may be missing (Python's `None`).
fn dumps(value: Option<&Value>) -> String {
    match value {
        None => "null".to_owned(),
        Some(v) => serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned()),
    }
}

/// Characters (code points) of a string, as Python's `len`.
fn chars(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.bytes().filter(|b| (b & 0xC0) != 0x80).count()
}

/// A number with thousands separators (Python's `format(n, ",")`).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn missing(value: Option<&Value>) -> bool {
    matches!(value, None | Some(Value::Null))
}

fn non_blank(value: Option<&Value>) -> Option<&str> {
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

/// The record checks and the running counts of one dataset.
#[pyclass(module = "bedrock_customization._core")]
pub struct JsonlScanner {
    format: Format,
    family: String,
    max_tokens: Option<usize>,
    per_token: f64,
    reserved: Vec<String>,
    media: Option<Media>,
    any_schema_version: bool,
    single_turn: bool,
    per_rule: usize,
    // state
    partial: Vec<u8>,
    line: u64,
    records: u64,
    bytes: u64,
    findings: Vec<(u64, &'static str, String)>,
    counts: HashMap<&'static str, u64>,
}

#[pymethods]
impl JsonlScanner {
    #[new]
    #[pyo3(signature = (record_format, family, *, max_tokens=None, chars_per_token=6.0, reserved_words=Vec::new(),
                        image_formats=None, video_formats=None, max_images=None, max_videos=None,
                        any_schema_version=false, single_turn=false, per_rule=20))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        record_format: &str,
        family: String,
        max_tokens: Option<usize>,
        chars_per_token: f64,
        reserved_words: Vec<String>,
        image_formats: Option<Vec<String>>,
        video_formats: Option<Vec<String>>,
        max_images: Option<usize>,
        max_videos: Option<usize>,
        any_schema_version: bool,
        single_turn: bool,
        per_rule: usize,
    ) -> PyResult<Self> {
        let format = Format::named(record_format).ok_or_else(|| {
            PyValueError::new_err(format!(
                "rules.json names record format {record_format:?}, which no check implements"
            ))
        })?;
        if !(chars_per_token > 0.0) {
            return Err(PyValueError::new_err(
                "chars_per_token must be a positive number",
            ));
        }
        let media = match (image_formats, video_formats) {
            (None, None) => None,
            (images, videos) => Some(Media {
                image_formats: images.unwrap_or_default(),
                video_formats: videos.unwrap_or_default(),
                max_images,
                max_videos,
            }),
        };
        Ok(JsonlScanner {
            format,
            family,
            max_tokens,
            per_token: chars_per_token,
            reserved: reserved_words,
            media,
            any_schema_version,
            single_turn,
            per_rule,
            partial: Vec::new(),
            line: 0,
            records: 0,
            bytes: 0,
            findings: Vec::new(),
            counts: HashMap::new(),
        })
    }

    /// Check the next bytes of the dataset (any chunk: a line may span chunks).
    fn feed(&mut self, py: Python<'_>, data: &[u8]) {
        py.detach(|| self.feed_bytes(data));
    }

    /// Check a whole file (read in 1 MiB chunks, the GIL released); `OSError` when it
    /// cannot be read.
    fn feed_file(&mut self, py: Python<'_>, path: &str) -> PyResult<()> {
        py.detach(|| -> std::io::Result<()> {
            let mut file = File::open(path)?;
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    return Ok(());
                }
                self.feed_bytes(&buf[..n]);
            }
        })
        .map_err(|e| PyOSError::new_err((e.raw_os_error().unwrap_or(0), e.to_string())))
    }

    /// The end of the dataset: `(records, bytes, [(line, rule, message)], {rule: count})`.
    #[allow(clippy::type_complexity)]
    fn finish(
        &mut self,
    ) -> (
        u64,
        u64,
        Vec<(u64, &'static str, String)>,
        HashMap<&'static str, u64>,
    ) {
        if !self.partial.is_empty() {
            let last = std::mem::take(&mut self.partial);
            self.check_line(&last);
        }
        (
            self.records,
            self.bytes,
            std::mem::take(&mut self.findings),
            std::mem::take(&mut self.counts),
        )
    }
}

impl JsonlScanner {
    fn feed_bytes(&mut self, data: &[u8]) {
        let mut rest = data;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            let (line, tail) = rest.split_at(end + 1);
            if self.partial.is_empty() {
                self.check_line(line);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.check_line(&whole);
            }
            rest = tail;
        }
        self.partial.extend_from_slice(rest);
    }

    fn record(&mut self, found: Vec<(&'static str, String)>) {
        for (rule, message) in found {
            let count = self.counts.entry(rule).or_insert(0);
            *count += 1;
            if *count as usize <= self.per_rule {
                self.findings.push((self.line, rule, message));
            }
        }
    }

    fn check_line(&mut self, raw: &[u8]) {
        self.line += 1;
        self.bytes += raw.len() as u64;
        let mut found = Vec::new();
        let text = match std::str::from_utf8(raw) {
            Ok(text) => text,
            Err(e) => {
                let at = e.valid_up_to();
                found.push((
                    "utf8",
                    format!(
                        "the line is not UTF-8 (byte {}: b'\\x{:02x}')",
                        at + 1,
                        raw[at]
                    ),
                ));
                self.records += 1;
                return self.record(found);
            }
        };
        if text.trim().is_empty() {
            found.push(("jsonl-blank-line", "the line is blank".to_owned()));
            return self.record(found);
        }
        self.records += 1;
        match serde_json::from_str::<Value>(text) {
            Err(e) => {
                let message = e.to_string();
                let what = message.split(" at line ").next().unwrap_or(&message);
                // (a line's text ends with its newline: an error past it is at the end)
                let at = if e.line() > 1 || e.column() == 0 {
                    "at the end of the line".to_owned()
                } else {
                    format!("column {}", e.column())
                };
                found.push(("jsonl-json", format!("the line is not JSON: {what} ({at})")));
            }
            Ok(Value::Object(record)) => {
                let size = self.check_record(&record, &mut Emitter { found: &mut found });
                if let Some(most) = self.max_tokens {
                    if size as f64 > most as f64 * self.per_token {
                        let per = if self.per_token.fract() == 0.0 {
                            format!("{}", self.per_token as i64)
                        } else {
                            format!("{}", self.per_token)
                        };
                        found.push((
                            "tokens-max",
                            format!(
                                "about {} tokens ({} characters at {per} a token); {} takes at most {}",
                                thousands((size as f64 / self.per_token) as usize),
                                thousands(size),
                                self.family,
                                thousands(most)
                            ),
                        ));
                    }
                }
            }
            Ok(other) => {
                let kind = match other {
                    Value::Array(_) => "list",
                    Value::String(_) => "str",
                    Value::Number(n) if n.is_f64() => "float",
                    Value::Number(_) => "int",
                    Value::Bool(_) => "bool",
                    _ => "null",
                };
                found.push((
                    "jsonl-object",
                    format!("the line is a JSON {kind}, not an object"),
                ));
            }
        }
        self.record(found)
    }

    /// Check one record against the format; returns its characters of text.
    fn check_record(&self, record: &Map<String, Value>, out: &mut Emitter) -> usize {
        match self.format {
            Format::PromptCompletion => prompt_completion(record, out),
            Format::CptInput => match non_blank(record.get("input")) {
                Some(text) => chars(text),
                None => {
                    let message = if missing(record.get("input")) {
                        "the record has no \"input\" text"
                    } else {
                        "the \"input\" is not a non-empty string"
                    };
                    out.emit("cpt-input", message.to_owned());
                    0
                }
            },
            Format::ClaudeMessages => claude_messages(record, out),
            Format::Conversation | Format::DistillationPrompts => self.conversation(record, out),
            Format::ImageCaption => image_caption(record, out),
        }
    }

    fn conversation(&self, record: &Map<String, Value>, out: &mut Emitter) -> usize {
        let version = record.get("schemaVersion");
        let any = self.any_schema_version && matches!(version, Some(Value::String(_)));
        if !any && version.and_then(Value::as_str) != Some("bedrock-conversation-2024") {
            out.emit(
                "conv-schema-version",
                format!(
                    "\"schemaVersion\" is {}, not \"bedrock-conversation-2024\"",
                    dumps(version)
                ),
            );
        }
        let mut size = 0;
        // Reserved words: "if a user prompt or system prompt starts with or contains any of them".
        let text = |value: &str, where_: &str, prompt: bool, out: &mut Emitter| -> usize {
            if prompt {
                if let Some(word) = self.reserved.iter().find(|w| value.contains(w.as_str())) {
                    out.emit(
                        "nova-reserved-words",
                        format!(
                            "{where_} contains the reserved word {}",
                            dumps(Some(&Value::from(word.as_str())))
                        ),
                    );
                }
            }
            chars(value)
        };
        if let Some(system) = record.get("system").filter(|v| !v.is_null()) {
            let blocks = system.as_array().filter(|blocks| {
                blocks.iter().all(|b| {
                    b.as_object()
                        .and_then(|o| o.get("text"))
                        .is_some_and(Value::is_string)
                })
            });
            match blocks {
                None => out.emit(
                    "conv-system",
                    "\"system\" is not a list of {\"text\": ...} blocks".to_owned(),
                ),
                Some(blocks) => {
                    for block in blocks {
                        if let Some(t) = block.get("text").and_then(Value::as_str) {
                            size += text(t, "the system prompt", true, out);
                        }
                    }
                }
            }
        }
        let mut images = 0usize;
        let mut videos = 0usize;
        let mut content = |message: &Map<String, Value>, n: usize, out: &mut Emitter| -> usize {
            let blocks = match message.get("content").and_then(Value::as_array) {
                Some(blocks) if !blocks.is_empty() => blocks,
                _ => {
                    out.emit(
                        "conv-content",
                        format!("message {n}'s \"content\" is not a non-empty list of blocks"),
                    );
                    return 0;
                }
            };
            let user = message.get("role").and_then(Value::as_str) == Some("user");
            let mut chars_ = 0;
            for block in blocks {
                let found = block.as_object().map(|o| {
                    let kinds: Vec<(&str, &Value)> = ["text", "image", "video"]
                        .into_iter()
                        .filter_map(|k| o.get(k).map(|v| (k, v)))
                        .collect();
                    kinds
                });
                let Some(&[(kind, value)]) = found.as_deref() else {
                    out.emit(
                        "conv-content",
                        format!(
                            "message {n} has a block that is not one text, image or video block"
                        ),
                    );
                    continue;
                };
                if kind == "text" {
                    match value.as_str() {
                        Some(t) => chars_ += text(t, &format!("message {n}"), user, out),
                        None => out.emit(
                            "conv-content",
                            format!("message {n} has a text block whose text is not a string"),
                        ),
                    }
                } else if let Some(media) = &self.media {
                    if kind == "image" {
                        images += 1;
                    } else {
                        videos += 1;
                    }
                    media_block(media, kind, value, n, out);
                }
            }
            chars_
        };
        let prompts = (self.format == Format::DistillationPrompts).then_some(self.single_turn);
        size += turns(record.get("messages"), out, &mut content, prompts);
        if let Some(media) = &self.media {
            if let Some(most) = media.max_images.filter(|m| images > *m) {
                out.emit(
                    "nova-media",
                    format!("the record has {images} images (at most {most})"),
                );
            }
            if let Some(most) = media.max_videos.filter(|m| videos > *m) {
                out.emit(
                    "nova-media",
                    format!("the record has {videos} videos (at most {most})"),
                );
            }
            if images > 0 && videos > 0 {
                out.emit(
                    "nova-media",
                    "the record has both images and a video".to_owned(),
                );
            }
        }
        size
    }
}

fn media_block(media: &Media, kind: &str, value: &Value, n: usize, out: &mut Emitter) {
    let Some(object) = value.as_object() else {
        out.emit(
            "nova-media",
            format!("message {n} has an {kind} block that is not an object"),
        );
        return;
    };
    let allowed = if kind == "image" {
        &media.image_formats
    } else {
        &media.video_formats
    };
    let format = object.get("format");
    if !allowed.is_empty()
        && !format
            .and_then(Value::as_str)
            .is_some_and(|f| allowed.iter().any(|a| a == f))
    {
        out.emit(
            "nova-media",
            format!(
                "message {n} has an {kind} of format {} (allowed: {})",
                dumps(format),
                allowed.join(", ")
            ),
        );
    }
    let uri = object
        .get("source")
        .and_then(|s| s.get("s3Location"))
        .and_then(|l| l.get("uri"))
        .and_then(Value::as_str);
    if !uri.is_some_and(|u| u.starts_with("s3://")) {
        out.emit("nova-media", format!("message {n} has an {kind} whose source is not an \"s3Location\" with an s3:// \"uri\""));
    }
}

fn prompt_completion(record: &Map<String, Value>, out: &mut Emitter) -> usize {
    let (prompt, completion) = (record.get("prompt"), record.get("completion"));
    if let (Some(Value::String(p)), Some(Value::String(c))) = (prompt, completion) {
        if record.len() == 2 && !c.trim().is_empty() {
            return chars(p) + chars(c); // (the common case, at once)
        }
    }
    let mut size = 0;
    for (key, value) in [("prompt", prompt), ("completion", completion)] {
        match value {
            Some(Value::String(s)) => size += chars(s),
            v if missing(v) => out.emit("pc-fields", format!("the record has no \"{key}\" string")),
            _ => out.emit("pc-fields", format!("\"{key}\" is not a string")),
        }
    }
    if let Some(Value::String(c)) = completion {
        if c.trim().is_empty() {
            out.emit("pc-empty", "the \"completion\" is empty".to_owned());
        }
    }
    let mut extra: Vec<&str> = record
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "prompt" && *k != "completion")
        .collect();
    if !extra.is_empty() {
        extra.sort_unstable();
        out.emit(
            "pc-extra-field",
            format!(
                "fields other than prompt and completion: {}",
                extra.join(", ")
            ),
        );
    }
    size
}

fn claude_messages(record: &Map<String, Value>, out: &mut Emitter) -> usize {
    let mut size = 0;
    match record.get("system") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => size += chars(s),
        Some(_) => out.emit("msg-system", "\"system\" is not a string".to_owned()),
    }
    let mut content = |message: &Map<String, Value>, n: usize, out: &mut Emitter| -> usize {
        match non_blank(message.get("content")) {
            Some(text) => chars(text),
            None => {
                out.emit(
                    "msg-content",
                    format!("message {n} has no text content (a non-empty string)"),
                );
                0
            }
        }
    };
    size + turns(record.get("messages"), out, &mut content, None)
}

fn image_caption(record: &Map<String, Value>, out: &mut Emitter) -> usize {
    let reference = record.get("image-ref");
    if !reference
        .and_then(Value::as_str)
        .is_some_and(|r| r.starts_with("s3://"))
    {
        let message = if missing(reference) {
            "the record has no \"image-ref\" s3:// location"
        } else {
            "\"image-ref\" is not an s3:// location"
        };
        out.emit("img-ref", message.to_owned());
    }
    match non_blank(record.get("caption")) {
        Some(caption) => chars(caption),
        None => {
            let message = if missing(record.get("caption")) {
                "the record has no \"caption\" text"
            } else {
                "\"caption\" is not a non-empty string"
            };
            out.emit("img-caption", message.to_owned());
            0
        }
    }
}

/// Roles, order and content of a `messages` list; returns the characters of text.
/// `prompts`: distillation prompts (may end with the user's turn; `Some(true)`: one turn only).
fn turns(
    messages: Option<&Value>,
    out: &mut Emitter,
    content: &mut dyn FnMut(&Map<String, Value>, usize, &mut Emitter) -> usize,
    prompts: Option<bool>,
) -> usize {
    let list = match messages {
        Some(Value::Array(list)) if !list.is_empty() => list,
        v => {
            let message = if missing(v) {
                "the record has no \"messages\" list"
            } else {
                "\"messages\" is not a non-empty list"
            };
            out.emit("msg-messages", message.to_owned());
            return 0;
        }
    };
    let mut size = 0;
    let mut roles: Vec<Option<&Value>> = Vec::with_capacity(list.len());
    for (i, message) in list.iter().enumerate() {
        let Some(message) = message.as_object() else {
            out.emit(
                "msg-messages",
                format!("message {} is not an object", i + 1),
            );
            return size;
        };
        let role = message.get("role");
        if !matches!(role.and_then(Value::as_str), Some("user" | "assistant")) {
            out.emit(
                "msg-role",
                format!(
                    "message {} has role {}: \"user\" or \"assistant\" expected",
                    i + 1,
                    dumps(role)
                ),
            );
        }
        roles.push(role);
        size += content(message, i + 1, out);
    }
    fn name<'a>(r: &Option<&'a Value>) -> Option<&'a str> {
        r.and_then(Value::as_str)
    }
    if name(&roles[0]) != Some("user") {
        out.emit(
            "msg-first-user",
            format!(
                "the first message is from {}, not \"user\"",
                dumps(roles[0])
            ),
        );
    }
    let last = roles[roles.len() - 1];
    if prompts.is_none() && name(&last) != Some("assistant") {
        out.emit(
            "msg-last-assistant",
            format!(
                "the last message is from {}, not \"assistant\"",
                dumps(last)
            ),
        );
    }
    let users = roles.iter().filter(|r| name(r) == Some("user")).count();
    if prompts == Some(true) && users > 1 {
        out.emit(
            "dist-prompt",
            format!("{users} user turns: this student model takes single-turn prompts only"),
        );
    }
    for i in 1..roles.len() {
        let (a, b) = (name(&roles[i - 1]), name(&roles[i]));
        if a == b && matches!(b, Some("user" | "assistant")) {
            out.emit(
                "msg-alternate",
                format!(
                    "messages {i} and {} are both from {}: user and assistant alternate",
                    i + 1,
                    b.unwrap_or("")
                ),
            );
            break;
        }
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanner(format: &str, max_tokens: Option<usize>) -> JsonlScanner {
        let scanner = JsonlScanner::new(
            format,
            "F".into(),
            max_tokens,
            6.0,
            vec![],
            None,
            None,
            None,
            None,
            false,
            false,
            20,
        );
        scanner.expect("a known format")
    }

    fn scan(format: &str, text: &str) -> Vec<(u64, &'static str, String)> {
        let mut scanner = scanner(format, Some(10));
        scanner.feed_bytes(text.as_bytes());
        scanner.finish().2
    }

    #[test]
    fn lines_split_across_chunks_and_a_last_line_without_newline() {
        let mut scanner = scanner("prompt_completion", None);
        for chunk in [
            "{\"prompt\": \"a\", \"comp",
            "letion\": \"b\"}\n\n{\"prompt\"",
            ": 1}",
        ] {
            scanner.feed_bytes(chunk.as_bytes());
        }
        let (records, bytes, findings, _) = scanner.finish();
        assert_eq!((records, bytes), (2, 49));
        let rules: Vec<_> = findings.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(
            rules,
            vec![(2, "jsonl-blank-line"), (3, "pc-fields"), (3, "pc-fields")]
        );
    }

    #[test]
    fn messages_and_tokens() {
        let found = scan("claude_messages", "{\"messages\": [{\"role\": \"assistant\", \"content\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]}\n");
        let rules: Vec<_> = found.iter().map(|f| f.1).collect();
        assert_eq!(rules, vec!["msg-first-user", "tokens-max"]);
        assert_eq!(thousands(1234567), "1,234,567");
        assert!(scan("cpt_input", "[1]\n\u{0}\n")[0].2.contains("JSON list"));
    }
}
