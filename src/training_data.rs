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

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
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

/// What applies to every record of one dataset (read-only, shared by the threads).
struct Rules {
    format: Format,
    family: String,
    max_tokens: Option<usize>,
    per_token: f64,
    reserved: Vec<String>,
    media: Option<Media>,
    any_schema_version: bool,
    single_turn: bool,
    per_rule: usize,
}

/// The counts and findings of a run of lines (a part of the dataset, or all of it).
#[derive(Default)]
struct Tally {
    line: u64,
    records: u64,
    bytes: u64,
    findings: Vec<(u64, &'static str, String)>,
    counts: HashMap<&'static str, u64>,
}

impl Tally {
    /// A line's findings: one of each rule (their messages joined), so that the counts
    /// are of lines.
    fn record(&mut self, per_rule: usize, found: Vec<(&'static str, String)>) {
        let mut merged: Vec<(&'static str, String)> = Vec::with_capacity(found.len());
        for (rule, message) in found {
            match merged.iter_mut().find(|m| m.0 == rule) {
                Some(m) => {
                    m.1.push_str("; ");
                    m.1.push_str(&message);
                }
                None => merged.push((rule, message)),
            }
        }
        for (rule, message) in merged {
            let count = self.counts.entry(rule).or_insert(0);
            *count += 1;
            if *count as usize <= per_rule {
                self.findings.push((self.line, rule, message));
            }
        }
    }

    /// Append the tally of the lines that follow these (numbered from 1 in `next`).
    fn append(&mut self, per_rule: usize, next: Tally) {
        for (line, rule, message) in next.findings {
            let count = self.findings.iter().filter(|f| f.1 == rule).count();
            if count < per_rule {
                self.findings.push((self.line + line, rule, message));
            }
        }
        for (rule, count) in next.counts {
            *self.counts.entry(rule).or_insert(0) += count;
        }
        self.line += next.line;
        self.records += next.records;
        self.bytes += next.bytes;
    }
}

/// Below this, a run of whole lines is checked on the calling thread; above, it is split
/// (at line ends) among the CPUs.
const PARALLEL_BYTES: usize = 1 << 20;

/// A line longer than this is not buffered (memory stays flat whatever the file): it is
/// counted, and reported as far beyond any model's token limit, unparsed.
const LONG_LINE: usize = 64 << 20;

/// UTF-8's byte-order mark, which some editors write at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The record checks and the running counts of one dataset.
#[pyclass(module = "bedrock_customization._core")]
pub struct JsonlScanner {
    rules: Rules,
    threads: usize,
    partial: Vec<u8>,
    /// the bytes so far of a line longer than `LONG_LINE` (0: none)
    overlong: usize,
    started: bool,
    tally: Tally,
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
        if chars_per_token.is_nan() || chars_per_token <= 0.0 {
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
            rules: Rules {
                format,
                family,
                max_tokens,
                per_token: chars_per_token,
                reserved: reserved_words,
                media,
                any_schema_version,
                single_turn,
                per_rule,
            },
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
            partial: Vec::new(),
            overlong: 0,
            started: false,
            tally: Tally::default(),
        })
    }

    /// Check the next bytes of the dataset (any chunk: a line may span chunks).
    fn feed(&mut self, py: Python<'_>, data: &[u8]) -> PyResult<()> {
        py.detach(|| self.feed_bytes(data))
            .map_err(PyRuntimeError::new_err)
    }

    /// Check a whole file (read in 4 MiB chunks, the GIL released); `OSError` when it
    /// cannot be read.
    fn feed_file(&mut self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        py.detach(|| -> PyResult<()> {
            let io = |e: std::io::Error| os_error(&e);
            let mut file = File::open(path).map_err(io)?;
            let mut buf = vec![0u8; 4 << 20];
            loop {
                let n = file.read(&mut buf).map_err(io)?;
                if n == 0 {
                    return Ok(());
                }
                self.feed_bytes(&buf[..n])
                    .map_err(PyRuntimeError::new_err)?;
            }
        })
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
        if self.overlong > 0 {
            self.rules
                .overlong_line(&mut self.tally, std::mem::take(&mut self.overlong));
        } else if !self.partial.is_empty() {
            let last = std::mem::take(&mut self.partial);
            self.rules.check_line(&mut self.tally, &last);
        }
        let tally = std::mem::take(&mut self.tally);
        (tally.records, tally.bytes, tally.findings, tally.counts)
    }
}

impl JsonlScanner {
    fn feed_bytes(&mut self, data: &[u8]) -> Result<(), String> {
        let mut rest = data;
        if !self.started && !rest.is_empty() {
            if self.partial.len() + rest.len() < BOM.len()
                && BOM.starts_with(&[&self.partial[..], rest].concat())
            {
                self.partial.extend_from_slice(rest); // (perhaps a byte-order mark, fed a byte at a time)
                return Ok(());
            }
            self.started = true;
            let mut head = std::mem::take(&mut self.partial);
            head.extend_from_slice(rest);
            if head.starts_with(BOM) {
                self.tally.bytes += BOM.len() as u64;
                let message = "the file starts with a byte-order mark (U+FEFF), which is not JSON: save it as UTF-8 without one";
                self.tally.counts.insert("jsonl-json", 1);
                self.tally
                    .findings
                    .push((1, "jsonl-json", message.to_owned()));
                return self.feed_bytes(&head[BOM.len()..]);
            }
            return self.feed_bytes(&head);
        }
        if self.overlong > 0 || !self.partial.is_empty() {
            // the line the last chunk began
            let Some(end) = memchr::memchr(b'\n', rest) else {
                self.keep(rest);
                return Ok(());
            };
            if self.overlong > 0 {
                let bytes = std::mem::take(&mut self.overlong) + end + 1;
                self.rules.overlong_line(&mut self.tally, bytes);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(&rest[..=end]);
                self.rules.check_line(&mut self.tally, &whole);
            }
            rest = &rest[end + 1..];
        }
        let (lines, tail) = match memchr::memrchr(b'\n', rest) {
            Some(end) => rest.split_at(end + 1),
            None => (&rest[..0], rest),
        };
        self.check_lines(lines)?;
        self.keep(tail);
        Ok(())
    }

    /// Keep the start of a line whose end is still to come (not past `LONG_LINE`).
    fn keep(&mut self, bytes: &[u8]) {
        if self.overlong > 0 {
            self.overlong += bytes.len();
        } else if self.partial.len() + bytes.len() > LONG_LINE {
            self.overlong = self.partial.len() + bytes.len();
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    /// Check whole lines: when there are many, in parts on a thread a CPU (at most 4),
    /// the parts' tallies appended in order.
    fn check_lines(&mut self, lines: &[u8]) -> Result<(), String> {
        let parts = if lines.len() < PARALLEL_BYTES {
            1
        } else {
            self.threads
        };
        if parts <= 1 {
            self.rules.check_run(&mut self.tally, lines);
            return Ok(());
        }
        let mut bounds = vec![0];
        for i in 1..parts {
            let from = (lines.len() * i / parts).max(*bounds.last().unwrap_or(&0));
            let end = memchr::memchr(b'\n', &lines[from..]).map_or(lines.len(), |e| from + e + 1);
            bounds.push(end);
        }
        bounds.push(lines.len());
        let rules = &self.rules;
        let tallies: Vec<std::thread::Result<Tally>> = std::thread::scope(|scope| {
            let handles: Vec<_> = bounds
                .windows(2)
                .map(|w| {
                    let part = &lines[w[0]..w[1]];
                    scope.spawn(move || {
                        let mut tally = Tally::default();
                        rules.check_run(&mut tally, part);
                        tally
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join()).collect()
        });
        for tally in tallies {
            // (a part's thread cannot panic: the checks index nothing they have not found)
            let tally = tally.map_err(|_| "a thread checking training data failed".to_owned())?;
            self.tally.append(self.rules.per_rule, tally);
        }
        Ok(())
    }
}

impl Rules {
    /// A line longer than `LONG_LINE`: counted, not parsed.
    fn overlong_line(&self, tally: &mut Tally, bytes: usize) {
        tally.line += 1;
        tally.bytes += bytes as u64;
        tally.records += 1;
        let message = format!(
            "the line is {} bytes long, far beyond {}'s token limit: not parsed",
            thousands(bytes),
            self.family
        );
        tally.record(self.per_rule, vec![("tokens-max", message)]);
    }

    /// Check a run of whole lines (each ending in a newline).
    fn check_run(&self, tally: &mut Tally, mut lines: &[u8]) {
        while let Some(end) = memchr::memchr(b'\n', lines) {
            let (line, rest) = lines.split_at(end + 1);
            self.check_line(tally, line);
            lines = rest;
        }
    }

    fn check_line(&self, tally: &mut Tally, raw: &[u8]) {
        tally.line += 1;
        tally.bytes += raw.len() as u64;
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
                tally.records += 1;
                return tally.record(self.per_rule, found);
            }
        };
        if text.trim().is_empty() {
            found.push(("jsonl-blank-line", "the line is blank".to_owned()));
            return tally.record(self.per_rule, found);
        }
        tally.records += 1;
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
                                thousands((size as f64 / self.per_token).ceil() as usize),
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
        tally.record(self.per_rule, found)
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

/// A message's content check: the characters of text it holds.
type Content<'a> = dyn FnMut(&Map<String, Value>, usize, &mut Emitter) -> usize + 'a;

/// Roles, order and content of a `messages` list; returns the characters of text.
/// `prompts`: distillation prompts (may end with the user's turn; `Some(true)`: one turn only).
fn turns(
    messages: Option<&Value>,
    out: &mut Emitter,
    content: &mut Content,
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

/// `e` as Python's `OSError`, of the subclass its code names (`FileNotFoundError`, ...).
/// A Unix code is an errno; a Windows one is a Windows error code, which Python maps to
/// an errno itself when it is given as `winerror` (`OSError`'s fourth argument).
fn os_error(e: &std::io::Error) -> PyErr {
    #[cfg(windows)]
    if let Some(code) = e.raw_os_error() {
        return PyOSError::new_err((0, e.to_string(), None::<&str>, code));
    }
    PyOSError::new_err((e.raw_os_error().unwrap_or(0), e.to_string()))
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
        scanner.feed_bytes(text.as_bytes()).expect("checked");
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
            scanner.feed_bytes(chunk.as_bytes()).expect("checked");
        }
        let (records, bytes, findings, _) = scanner.finish();
        assert_eq!((records, bytes), (2, 49));
        let rules: Vec<_> = findings.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(rules, vec![(2, "jsonl-blank-line"), (3, "pc-fields")]);
        assert_eq!(
            findings[1].2,
            "\"prompt\" is not a string; the record has no \"completion\" string"
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

    #[test]
    fn parts_on_threads_give_what_one_thread_gives() {
        let mut text = String::new();
        for i in 0..40_000 {
            text.push_str(match i % 997 {
                0 => "{\"prompt\": \"p\"}\n",
                1 => "not json\n",
                2 => "\n",
                _ => "{\"prompt\": \"a prompt of some length\", \"completion\": \"an answer\"}\n",
            });
        }
        let run = |threads: usize| {
            let mut scanner = scanner("prompt_completion", None);
            scanner.threads = threads;
            for chunk in text.as_bytes().chunks(1_500_000) {
                scanner.feed_bytes(chunk).expect("checked");
            }
            scanner.finish()
        };
        let (one, two) = (run(1), run(2));
        assert!(text.len() > 2 * PARALLEL_BYTES);
        assert_eq!((one.0, one.1, &one.2), (two.0, two.1, &two.2));
        assert_eq!(one.3, two.3);
        assert_eq!(one.3["pc-fields"], 41);
        assert_eq!(one.2.iter().filter(|f| f.1 == "pc-fields").count(), 20);
    }

    #[test]
    fn a_byte_order_mark_is_reported_once_however_it_is_fed() {
        let text = "\u{feff}{\"prompt\": \"a\", \"completion\": \"b\"}\n";
        for size in [1, 2, 4, 100] {
            let mut scanner = scanner("prompt_completion", None);
            for chunk in text.as_bytes().chunks(size) {
                scanner.feed_bytes(chunk).expect("checked");
            }
            let (records, bytes, findings, _) = scanner.finish();
            assert_eq!((records, bytes as usize), (1, text.len()));
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert!(findings[0].2.contains("byte-order mark"));
        }
    }

    #[test]
    fn a_line_past_the_limit_is_counted_not_kept() {
        let mut scanner = scanner("prompt_completion", Some(10));
        let chunk = vec![b'x'; 8 << 20];
        for _ in 0..9 {
            scanner.feed_bytes(&chunk).expect("checked");
            assert!(scanner.partial.len() <= LONG_LINE);
        }
        scanner
            .feed_bytes(b"\n{\"prompt\": \"a\", \"completion\": \"b\"}\n")
            .expect("checked");
        let (records, _, findings, _) = scanner.finish();
        assert_eq!(records, 2);
        assert_eq!(findings.len(), 1);
        assert_eq!((findings[0].0, findings[0].1), (1, "tokens-max"));
        assert!(
            findings[0].2.contains("75,497,473 bytes long"),
            "{}",
            findings[0].2
        );
    }
}
