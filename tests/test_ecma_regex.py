"""codegen/ecma_regex.py: the model's ECMA-262 patterns translated to Rust `regex` syntax.

Each translation is run here with Python's `re` (after spelling the few Rust-only
tokens the translator emits the Python way, see `as_python`), and compared with what
ECMA-262 (no flags, Annex B) says; where Python's own semantics for the original
pattern equal ECMA's, the original pattern is run with `re` too, as a cross-check of the
expectation. That the translations compile with the Rust crate is checked by the Rust
unit tests (`validate::tests::model_patterns_compile`) for every pattern of the model.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import warnings

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_translator():
    path = os.path.join(ROOT, "codegen", "ecma_regex.py")
    spec = importlib.util.spec_from_file_location("_ecma_regex_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


E = _load_translator()

# The Rust-only tokens the translator writes, and their Python `re` spelling:
# \x{H} -> \UHHHHHHHH, \z (end of text) -> \Z, (?-u:...) (ASCII \b) -> (?a:...).
# Every other token the translator writes means the same to both engines.
_RUST_TOKEN = re.compile(r"\\x\{([0-9A-F]+)\}|\\z|\(\?-u:|\\.|.", re.DOTALL)


def as_python(rust: str) -> re.Pattern:
    def spell(m: re.Match) -> str:
        token = m.group(0)
        if m.group(1):
            return "\\U%08X" % int(m.group(1), 16)
        if token == "\\z":
            return "\\Z"
        if token == "(?-u:":
            return "(?a:"
        return token

    return re.compile(_RUST_TOKEN.sub(spell, rust))


def python_search(pattern: str, value: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # "possible nested set" for [[ etc.
        return re.search(pattern, value) is not None


# (ECMA pattern, value, matches in ECMA-262, Python's `re` means the same for this case)
CASES = [
    # unanchored search; anchors only where written
    ("b", "abc", True, True),
    ("b", "xyz", False, True),
    ("^b", "abc", False, True),
    ("a$", "ba", True, True),
    ("a$", "a\n", False, False),  # Python's $ also matches before a final newline
    ("^a|b$", "xab", True, True),
    ("^abc$", "abc", True, True),
    # groups, alternation, quantifiers pass through
    ("(?:ab|cd){2}", "xxabcdxx", True, True),
    ("(?:ab|cd){2}", "abxcd", False, True),
    ("^a{2,3}$", "aa", True, True),
    ("^a{2,3}$", "aaaa", False, True),
    ("^a{2,}$", "aaaaa", True, True),
    ("^a{2}$", "aaa", False, True),
    ("^a+?$", "aaa", True, True),
    ("^a{1,2}?b", "aab", True, True),
    ("^(|-cn)x$", "x", True, True),
    ("^(|-cn)x$", "-cnx", True, True),
    ("^(a)(b)?$", "a", True, True),
    ("^(?<year>[0-9]{4})-$", "2024-", True, False),  # (?<name>) is (?P<name>) before Python 3.12
    # Annex B: a "{" that is not a quantifier is a literal; "}" and "]" too
    ("a{", "a{", True, True),
    ("^x{a}$", "x{a}", True, True),
    ("^a{1$", "a{1", True, True),
    ("^a{,2}$", "a{,2}", True, False),  # Python reads {,2} as {0,2}
    ("^a{,2}$", "aa", False, False),
    ("^a{ 2}$", "a{ 2}", True, True),
    ("^}$", "}", True, True),
    ("^]$", "]", True, True),
    # \d \w \s and . are ECMA's sets, not Unicode's
    (r"^\d+$", "0123456789", True, True),
    (r"^\d$", "\u0663", False, False),  # ARABIC-INDIC DIGIT THREE is a digit to Python
    (r"^\D$", "\u0663", True, False),
    (r"^\w+$", "az_AZ09", True, True),
    (r"^\w$", "é", False, False),
    (r"^\W$", "é", True, False),
    (r"^\W$", "-", True, True),
    (r"^\s+$", " \t\n\v\f\r", True, True),
    (r"^\s$", "\u00a0", True, True),
    (r"^\s$", "\u3000", True, True),
    (r"^\s$", "\u2028", True, True),
    (r"^\s$", "\ufeff", True, False),  # ZWNBSP is ECMA white space, not Python's
    (r"^\s$", "\x85", False, False),  # NEL is Python white space, not ECMA's
    (r"^\s$", "\x1c", False, False),
    (r"^\s$", "\u180e", False, True),
    (r"^\S$", "\ufeff", False, False),
    (r"^\S$", "\x85", True, False),
    (r"^\S+$", "abc", True, True),
    ("^.$", "é", True, True),
    ("^.$", "\x85", True, True),
    ("^.$", "\n", False, True),
    ("^.$", "\r", False, False),  # ECMA's . excludes all four line terminators
    ("^.$", "\u2028", False, False),
    ("^.$", "\u2029", False, False),
    ("^a.c$", "abc", True, True),
    # character classes: what is literal in ECMA stays literal
    ("^[[]$", "[", True, True),
    ("^[a[]+$", "a[a", True, True),
    ("^[a&&b]+$", "a&b", True, True),
    ("[a&&b]", "c", False, True),
    ("^[a-c--]+$", "a-c-", True, True),
    ("^[~~]$", "~", True, True),
    ("^[+--]+$", "+,-", True, True),
    ("^[a-z-0]+$", "a-0", True, True),
    ("^[-a]+$", "-a", True, True),
    ("^[a-]+$", "a-", True, True),
    (r"^[\-]$", "-", True, True),
    (r"^[\]]$", "]", True, True),
    (r"^[\\]$", "\\", True, True),
    (r"^[\^]$", "^", True, True),
    ("^[^^]$", "^", False, True),
    ("^[a^]+$", "^a", True, True),
    ("^[.]$", "x", False, True),
    ("^[$]$", "$", True, True),
    # ... and \d \s \w (negated too) inside classes are ECMA's sets
    (r"^[\d]$", "5", True, True),
    (r"^[\d]$", "\u0663", False, False),
    (r"^[^\d]$", "a", True, True),
    (r"^[\D]$", "5", False, True),
    (r"^[a\S]$", "b", True, True),
    (r"^[a\S]$", " ", False, True),
    (r"^[a\S]$", "\ufeff", False, False),
    (r"^[^a\S]$", "\ufeff", True, False),
    (r"^[\s]$", "\ufeff", True, False),
    (r"^[\w-]+$", "a-b_c", True, True),
    (r"^[\w-.]+$", "a-b.c", True, False),  # Annex B: a class escape ends no range
    (r"^[\s\S]$", "\n", True, True),
    (r"[^\s\S]", "anything", False, True),
    (r"^[\W\d]+$", "-5", True, True),
    # \b is a backspace in a class; [] matches nothing, [^] anything
    (r"^[\b]$", "\b", True, True),
    ("a[]", "a", False, False),
    ("^[^]$", "\n", True, False),
    # escapes
    (r"^\u0041$", "A", True, True),
    (r"^\u00e9$", "é", True, True),
    (r"^[\u0041-\u0043]+$", "ABC", True, True),
    (r"^\x41\x7e$", "A~", True, True),
    (r"^\uD83D\uDE00$", "\U0001F600", True, False),  # a surrogate pair is one character
    (r"^\cJ$", "\n", True, False),  # control escapes: no \c in Python
    (r"^\ca$", "\x01", True, False),
    (r"^[\cJ]$", "\n", True, False),
    (r"^[\c_]$", "\x1f", True, False),  # Annex B: digits and _ after \c in a class
    (r"^\c1$", "\\c1", True, False),  # Annex B: \c + non-letter is a literal backslash
    (r"^[\c]+$", "\\c", True, False),
    (r"^\0$", "\x00", True, True),
    (r"^\f\n\r\t\v$", "\f\n\r\t\v", True, True),
    (r"^\/\-\+\.\$$", "/-+.$", True, True),  # identity escapes of punctuation
    (r"^\.$", "x", False, True),
    (r"^\<\>$", "<>", True, True),  # (word boundaries in Rust, literals in ECMA)
    (r"^a\{2\}$", "a{2}", True, True),
    (r"^\[a\]$", "[a]", True, True),
    (r"^\é$", "é", True, True),
    (r"^\*\?\(\)\|$", "*?()|", True, True),
    # word boundaries over ECMA's ASCII \w
    (r"\bfoo\b", "a foo b", True, True),
    (r"\bfoo", "éfoo", True, False),
    (r"\Bfoo", "éfoo", False, False),
    (r"\Boo", "foo", True, True),
    # non-ASCII literals
    ("^données$", "données", True, True),
    ("^[é-ë]+$", "éêë", True, True),
]


@pytest.mark.parametrize("pattern, value, expected, python_same", CASES,
                         ids=[f"{i}:{c[0]}" for i, c in enumerate(CASES)])
def test_translation_means_what_ecma_means(pattern, value, expected, python_same):
    rust = E.to_rust(pattern)
    assert rust.isascii() and rust.isprintable(), rust  # fits the generated raw strings
    assert bool(as_python(rust).search(value)) is expected, rust
    if python_same:
        assert python_search(pattern, value) is expected  # the expectation, cross-checked
    else:
        # Python's semantics differ for this case (or it rejects the syntax): that is
        # the reason the case is here.
        try:
            assert python_search(pattern, value) is not expected
        except re.error:
            pass


EXACT = {
    r"\d": "[0-9]",
    r"\D": "[^0-9]",
    r"\w": "[0-9A-Z_a-z]",
    r"\W": "[^0-9A-Z_a-z]",
    r"\s": r"[\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]",
    r"\S": r"[^\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]",
    ".": r"[^\x{A}\x{D}\x{2028}\x{2029}]",
    "^a$": r"\Aa\z",
    r"\bx\B": r"(?-u:\b)x(?-u:\B)",
    r"\u00e9\u0041": r"\x{E9}A",
    r"\x7F": r"\x{7F}",
    r"\0": r"\x{0}",
    r"\cM": r"\x{D}",
    "a{": r"a\{",
    "a{,1}}": r"a\{,1\}\}",
    "[[]": r"[\[]",
    "[a&&b]": r"[\&ab]",
    "[a-]": r"[\-a]",
    "[+--]": r"[\+-\-]",
    "[~~]": r"[\~]",
    r"[\b]": r"[\x{8}]",
    "[]": r"[^\x{0}-\x{10FFFF}]",
    "[^]": r"[\x{0}-\x{10FFFF}]",
    r"[\s\S]": r"[\x{0}-\x{10FFFF}]",
    "[^:]": "[^:]",
    r"\/\-\+\.\$": r"/\-\+\.\$",
    r"\<": "<",
    "(?:a|b){1,2}?c*?d+e?": "(?:a|b){1,2}?c*?d+e?",
    "(?<name>a)": "(a)",
    "a{01,002}": "a{1,2}",
    "": "",
    "(|a)": "(|a)",
}


@pytest.mark.parametrize("pattern, rust", EXACT.items(), ids=list(EXACT))
def test_exact_translations(pattern, rust):
    assert E.to_rust(pattern) == rust


REFUSED = [
    ("(?=a)", "'(?='", "lookahead"),
    ("a(?!b)", "'(?!'", "lookahead"),
    ("(?<=a)b", "'(?<='", "lookbehind"),
    ("(?<!a)b", "'(?<!'", "lookbehind"),
    (r"(a)\1", r"'\\1'", "backreference"),
    (r"\2", r"'\\2'", "backreference"),
    (r"(?<n>a)\k<n>", r"'\\k'", "backreference"),
    (r"\01", r"'\\01'", "legacy octal"),
    (r"[\1]", r"'\\1'", "legacy octal"),
    ("(?i:a)", "'(?i'", "modifiers"),
    ("(?P<n>a)", "'(?P'", "group syntax"),
    ("(?<1a>x)", "'(?<1a>'", "group name"),
    (r"\p{L}", r"'\\p'", "property"),
    (r"[\P{L}]", r"'\\P'", "property"),
    (r"\u{41}", r"'\\u{'", "u flag"),
    (r"\a", r"'\\a'", "letter"),
    (r"\z", r"'\\z'", "letter"),
    (r"[\B]", r"'\\B'", "letter"),
    (r"\x4", r"'\\x'", "hex"),
    (r"\u12", r"'\\u'", "hex"),
    (r"\ud800", r"'\ud800'", "surrogate"),
    ("\ud800", r"'\ud800'", "surrogate"),
    ("a**", "'*'", "nothing to repeat"),
    ("*a", "'*'", "nothing to repeat"),
    ("a|{2}", "'{2}'", "nothing to repeat"),
    ("^*", "'^*'", "assertion"),
    (r"\b+", r"'\\b+'", "assertion"),
    ("a$?", "'$?'", "assertion"),
    ("(a", "'('", "unterminated group"),
    ("a)", "')'", "unmatched"),
    ("[a", "'['", "unterminated character class"),
    ("[z-a]", "'z-a'", "out of order"),
    ("[ab-]x[z-a]", "'z-a'", "out of order"),
    ("[a--]", "'a--'", "out of order"),
    ("a{3,2}", "'{3,2}'", "out of order"),
    ("\\", r"'\\'", "end of pattern"),
    ("[\U0001F600]", "'\U0001F600'", "BMP"),
    ("\U0001F600+", "'\U0001F600+'", "BMP"),
]


@pytest.mark.parametrize("pattern, construct, reason", REFUSED, ids=[r[0] for r in REFUSED])
def test_untranslatable_patterns_fail_loudly(pattern, construct, reason):
    with pytest.raises(E.EcmaRegexError) as info:
        E.to_rust(pattern)
    assert info.value.construct == construct
    assert reason in info.value.reason
    # the generator's entry point names the shape, the pattern and the construct
    with pytest.raises(SystemExit) as info:
        E.for_shape("SomeShape", pattern)
    message = str(info.value)
    assert "shape SomeShape" in message and repr(pattern) in message and construct in message


def test_characters_outside_the_bmp_unquantified_and_outside_classes():
    assert E.to_rust("\U0001F600") == r"\x{1F600}"
    assert E.to_rust("(?:\U0001F600)+") == r"(?:\x{1F600})+"


def _model_patterns():
    with open(os.path.join(ROOT, "codegen", "model", "service-2.json"), encoding="utf-8") as f:
        shapes = json.load(f)["shapes"]
    return {name: s["pattern"] for name, s in shapes.items() if "pattern" in s}


def test_every_model_pattern_translates():
    patterns = _model_patterns()
    assert len(patterns) > 50
    for name, pattern in patterns.items():
        rust = E.for_shape(name, pattern)
        assert rust.isascii() and rust.isprintable(), name
        as_python(rust)  # well-formed


_SHAPE = re.compile(r'\n        name: "(\w+)",\n(?:.*\n)*?        regex: (None|Some\((?:r(#*)"(.*?)"\3|"([^"\\]*)")\)),\n')


def test_generated_shape_table_carries_the_translations():
    """src/generated/shapes.rs has, next to each original pattern, its translation."""
    with open(os.path.join(ROOT, "src", "generated", "shapes.rs"), encoding="utf-8") as f:
        table = f.read()
    patterns = _model_patterns()
    found = {}
    for m in _SHAPE.finditer(table):
        found[m.group(1)] = None if m.group(2) == "None" else (m.group(4) if m.group(4) is not None else m.group(5))
    assert len(found) == table.count("\n    Shape {\n") > 0
    with_pattern = {name for name, rx in found.items() if rx is not None}
    assert with_pattern == {name for name in found if name in patterns}
    for name in sorted(with_pattern):
        assert found[name] == E.to_rust(patterns[name]), name
