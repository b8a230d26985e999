"""Translate the service model's ``pattern``s (Smithy ``@pattern``: ECMA-262 regular
expressions) to the syntax of the Rust ``regex`` crate, keeping ECMA-262's meaning.

Used by ``codegen/generate.py`` at generation time: the translation goes into the
generated shape table (``regex:``) next to the original pattern (``pattern:``, the one
error messages show). The validator runs the translation with ``Regex::is_match``.

What a pattern means (Smithy, constraint-traits, ``pattern`` trait)
    A value is valid when the pattern matches *anywhere* in it: the trait "does not
    implicitly add a leading ^ or trailing $ to match an entire string". So the
    translation is never anchored; it is anchored only where the pattern itself has
    ``^`` / ``$``. The pattern is an ECMA-262 RegExp *without flags* (no ``u``, ``i``,
    ``m``, ``s``), including the web-compatibility grammar of ECMA-262 Annex B.
    Deciding *whether* a string matches is the same for a backtracking engine (ECMA)
    and an automaton (Rust) as long as there are no backreferences or lookaround,
    so only the syntax and the meaning of the individual constructs need translating.

The rules (ECMA-262 -> Rust ``regex``)
    * ``^`` / ``$``: without the ``m`` flag they match only at the start / end of the
      text (ECMA's ``$`` does not match before a final newline, unlike Python's).
      Emitted as ``\\A`` / ``\\z``, which mean exactly that whatever the flags.
      A quantifier after an assertion is a SyntaxError in ECMA: refused.
    * ``\\b`` / ``\\B`` (outside a class): word boundaries over ECMA's ASCII ``\\w``;
      Rust's are Unicode-aware, so emitted as ``(?-u:\\b)`` / ``(?-u:\\B)``.
    * ``\\d`` / ``\\D``: ASCII digits only in ECMA (Rust's ``\\d`` is Unicode's Nd):
      ``[0-9]`` / ``[^0-9]``.
    * ``\\w`` / ``\\W``: ASCII in ECMA: ``[0-9A-Z_a-z]`` / ``[^0-9A-Z_a-z]``.
    * ``\\s`` / ``\\S``: ECMA's WhiteSpace and LineTerminator code points, spelled out
      (Rust's ``\\s`` is Unicode's White_Space, a different set): TAB, LF, VT, FF, CR,
      SPACE, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000,
      U+FEFF (``[...]``, and ``[^...]`` for ``\\S``).
    * ``.``: any code point but ECMA's four line terminators (LF, CR, U+2028, U+2029);
      Rust's ``.`` excludes only LF: ``[^\\x{A}\\x{D}\\x{2028}\\x{2029}]``.
    * Character classes ``[...]`` / ``[^...]`` are evaluated here to a set of code
      points and emitted as a flat Rust class of ranges, every character that is
      special to Rust escaped. That settles every difference inside classes: ``[`` is
      a literal in ECMA but opens a nested class in Rust; ``&&``, ``--`` and ``~~``
      are literals in ECMA but set operations in Rust; ``\\d``, ``\\s``, ``\\w`` and
      their negations are expanded to their ECMA sets (a negated one inside a class,
      as in ``[a\\S]``, is a union with a complement); ``\\b`` is U+0008 (backspace);
      ``-`` is a literal at either end; a range with a class escape at one end
      (``[\\w-.]``) is, per Annex B, the union of both ends and ``-``; ``[]`` matches
      nothing and ``[^]`` any code point (in Rust ``]`` first in a class is a literal).
      Whichever of the set and its complement is shorter is written (``[^...]``).
    * Escapes: ``\\uXXXX`` and ``\\xXX`` become ``\\x{...}`` (a surrogate pair
      ``\\uD83D\\uDE00`` one code point); ``\\cX`` (X an ASCII letter; Annex B also
      digits and ``_`` inside a class) is the control character ``X % 32``; ``\\c``
      followed by anything else is a literal backslash followed by ``c`` (Annex B);
      ``\\0`` (not followed by a digit) is U+0000; ``\\f \\n \\r \\t \\v`` are the control
      characters. Identity escapes of anything but an ASCII letter or digit (``\\/``,
      ``\\-``, ``\\+``, ``\\.``, ``\\$``, ``\\é``, ...) are that character; every literal
      is written as Rust needs it: ASCII letters and digits as they are, Rust's
      special characters ``\\.+*?()|[]{}^$#&-~`` escaped, other printable ASCII as it
      is, anything else as ``\\x{...}`` (never ``\\<`` / ``\\>``, which are word
      boundaries in Rust).
    * ``{``: a quantifier only as ``{n}``, ``{n,}`` or ``{n,m}``; any other ``{`` is a
      literal (Annex B) but an error in Rust, so it is escaped, as are ``}`` and a
      lone ``]``. ``{n,m}`` with n > m, and a quantifier with nothing to repeat
      (``*a``, ``a**``, ``a|{2}``), are ECMA SyntaxErrors: refused.
    * Passed through: alternation ``|``, groups ``(...)`` and ``(?:...)``, quantifiers
      ``* + ? {n} {n,} {n,m}`` and their lazy forms (``?`` after them). A named group
      ``(?<name>...)`` becomes a plain group (names do not change what matches).
    * No flags: matching is case-sensitive and ``^`` / ``$`` are not multi-line, as
      in ECMA without flags (the Rust defaults, and ``\\A`` / ``\\z`` regardless).

Refused, with :class:`EcmaRegexError` naming the construct and its offset (the generator
turns it into a ``SystemExit`` naming the shape): anything the Rust crate cannot express
or whose meaning is in doubt — lookahead ``(?=`` ``(?!``, lookbehind ``(?<=`` ``(?<!``,
backreferences ``\\1``..``\\9`` and ``\\k<name>``, legacy octal escapes (``\\01``, ``[\\1]``),
modifiers and other ``(?`` groups, ``\\p{..}`` / ``\\P{..}`` and ``\\u{..}`` (which mean
something else with the ``u`` flag), identity escapes of ASCII letters (``\\a``, ``\\z``:
a literal letter in Annex B, an anchor or an error elsewhere), ``\\`` at the end, lone
surrogates, and a character outside the BMP that is quantified or inside a class
(without the ``u`` flag ECMA sees it as two UTF-16 code units), plus ECMA SyntaxErrors
(unbalanced ``(`` / ``)``, an unterminated class, ``[z-a]``).

Known remaining difference, not translatable and irrelevant to this model's patterns:
ECMA without ``u`` matches UTF-16 code units, so a code point outside the BMP counts as
two characters for ``.``, negated classes and the counts of ``{n,m}``; Rust counts it
once.
"""

from __future__ import annotations

import re

__all__ = ["EcmaRegexError", "to_rust", "for_shape"]

MAX_CODE_POINT = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)

#: ECMA-262 LineTerminator: LF, CR, LINE SEPARATOR, PARAGRAPH SEPARATOR.
LINE_TERMINATORS = ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029))
#: ECMA-262 ``\s``: WhiteSpace (TAB, VT, FF, ZWNBSP and the Zs category) + LineTerminator.
WHITE_SPACE = (
    (0x09, 0x0D),  # TAB, LF, VT, FF, CR
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)
DIGITS = ((0x30, 0x39),)
WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))

#: Characters with a meaning in Rust regex syntax (regex_syntax::is_meta_character).
RUST_META = frozenset("\\.+*?()|[]{}^$#&-~")

_BRACED = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_GROUP_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_CONTROL_ESCAPES = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}


class EcmaRegexError(ValueError):
    """A pattern that is not valid ECMA-262, or that this translator refuses."""

    def __init__(self, pattern: str, pos: int, construct: str, reason: str):
        self.pattern = pattern
        self.pos = pos
        self.construct = construct
        self.reason = reason
        super().__init__(f"{construct} at offset {pos}: {reason}")


# --------------------------------------------------------------------------------------
# Sets of code points: sorted, disjoint, non-adjacent (lo, hi) ranges of scalar values
# --------------------------------------------------------------------------------------


def _normalize(ranges) -> list:
    out = []
    for lo, hi in sorted(ranges):
        # No surrogates: they are not characters of a Rust string (nor of a Python
        # str the client accepts as valid UTF-8 text).
        pieces = [(lo, hi)]
        if lo <= SURROGATES[1] and hi >= SURROGATES[0]:
            pieces = [(lo, SURROGATES[0] - 1), (SURROGATES[1] + 1, hi)]
        for a, b in pieces:
            if a > b:
                continue
            if out and a <= out[-1][1] + 1:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
    # merging across the surrogate gap keeps both sides separate; join them again
    # when they touch it (D7FF, E000), which Rust accepts as one range.
    joined = []
    for a, b in out:
        if joined and joined[-1][1] == SURROGATES[0] - 1 and a == SURROGATES[1] + 1:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return joined


def _complement(ranges) -> list:
    out = []
    nxt = 0
    for lo, hi in _normalize(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODE_POINT:
        out.append((nxt, MAX_CODE_POINT))
    return _normalize(out)


def _lit(cp: int) -> str:
    """One code point as a Rust regex literal (valid inside and outside classes)."""
    ch = chr(cp)
    if ch.isascii() and ch.isalnum():
        return ch
    if ch in RUST_META:
        return "\\" + ch
    if 0x21 <= cp <= 0x7E:
        return ch
    return "\\x{%X}" % cp


def _class(ranges, negated: bool = False) -> str:
    """A Rust class matching the code points of ``ranges`` (or all others if negated)."""
    matched = _complement(ranges) if negated else _normalize(ranges)
    if not matched:
        return "[^\\x{0}-\\x{10FFFF}]"
    others = _complement(matched)
    if not others:
        return "[\\x{0}-\\x{10FFFF}]"
    caret, items = ("^", others) if len(others) < len(matched) else ("", matched)
    body = []
    for lo, hi in items:
        if lo == hi:
            body.append(_lit(lo))
        elif hi == lo + 1:
            body.append(_lit(lo) + _lit(hi))
        else:
            body.append(_lit(lo) + "-" + _lit(hi))
    return "[" + caret + "".join(body) + "]"


_CLASS_ESCAPES = {
    "d": (DIGITS, False),
    "D": (DIGITS, True),
    "w": (WORD, False),
    "W": (WORD, True),
    "s": (WHITE_SPACE, False),
    "S": (WHITE_SPACE, True),
}

DOT = _class(LINE_TERMINATORS, negated=True)


# --------------------------------------------------------------------------------------
# The parser (ECMA-262 Pattern grammar without the u flag, Annex B included)
# --------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0

    # ---- helpers -------------------------------------------------------------------

    def fail(self, construct: str, reason: str, pos: int = None):
        raise EcmaRegexError(self.p, self.i if pos is None else pos, construct, reason)

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def check_char(self, cp: int, pos: int):
        if SURROGATES[0] <= cp <= SURROGATES[1]:
            self.fail(repr(chr(cp)), "a lone surrogate is not a character Rust can match", pos)

    # ---- Disjunction / Alternative / Term -----------------------------------------

    def parse(self) -> str:
        out = self.disjunction()
        if self.i < len(self.p):  # only a ")" stops a top-level disjunction early
            self.fail("')'", "unmatched ')' (SyntaxError)")
        return out

    def disjunction(self) -> str:
        alternatives = [self.alternative()]
        while self.peek() == "|":
            self.i += 1
            alternatives.append(self.alternative())
        return "|".join(alternatives)

    def alternative(self) -> str:
        terms = []
        while self.i < len(self.p) and self.peek() not in "|)":
            terms.append(self.term())
        return "".join(terms)

    def braced_quantifier(self):
        return _BRACED.match(self.p, self.i)

    def term(self) -> str:
        c = self.peek()
        if c in ("^", "$") or (c == "\\" and self.peek(1) in ("b", "B")):
            start = self.i
            if c == "^":
                out, self.i = "\\A", self.i + 1
            elif c == "$":
                out, self.i = "\\z", self.i + 1
            else:
                out, self.i = "(?-u:\\%s)" % self.peek(1), self.i + 2
            if self.peek() in ("*", "+", "?") or (self.peek() == "{" and self.braced_quantifier()):
                self.fail(repr(self.p[start:self.i] + self.peek()),
                          "a quantifier after an assertion (SyntaxError)")
            return out
        start = self.i
        atom, wide = self.atom()
        quantifier = self.quantifier()
        if quantifier and wide:
            self.fail(repr(self.p[start:self.i]),
                      "a quantified character outside the BMP (ECMA without the u flag "
                      "repeats only its last UTF-16 code unit)", start)
        return atom + quantifier

    def quantifier(self) -> str:
        c = self.peek()
        if c in ("*", "+", "?"):
            out = c
            self.i += 1
        elif c == "{" and self.braced_quantifier():
            m = self.braced_quantifier()
            lo = int(m.group(1))
            if m.group(2) is None:
                out = "{%d}" % lo
            elif m.group(3) == "":
                out = "{%d,}" % lo
            else:
                hi = int(m.group(3))
                if hi < lo:
                    self.fail(repr(m.group(0)), "numbers out of order in a quantifier (SyntaxError)")
                out = "{%d,%d}" % (lo, hi)
            if lo > 0xFFFFFFFF or (m.group(3) and int(m.group(3)) > 0xFFFFFFFF):
                self.fail(repr(m.group(0)), "a repetition count too large for Rust")
            self.i = m.end()
        else:
            return ""
        if self.peek() == "?":  # lazy
            out += "?"
            self.i += 1
        return out

    # ---- Atoms -----------------------------------------------------------------------

    def atom(self):
        """``(rust text, is a single character outside the BMP)``"""
        c = self.peek()
        start = self.i
        if c == ".":
            self.i += 1
            return DOT, False
        if c == "[":
            return self.char_class(), False
        if c == "(":
            return self.group(), False
        if c in ("*", "+", "?"):
            self.fail(repr(c), "nothing to repeat (SyntaxError)")
        if c == "{" and self.braced_quantifier():
            self.fail(repr(self.braced_quantifier().group(0)), "nothing to repeat (SyntaxError)")
        if c == "\\":
            return self.atom_escape()
        # a pattern character; Annex B makes a lone "]", "{" and "}" literal too
        self.i += 1
        cp = ord(c)
        self.check_char(cp, start)
        return _lit(cp), cp > 0xFFFF

    def group(self) -> str:
        start = self.i
        p = self.p
        if p.startswith("(?:", start):
            self.i += 3
            prefix = "(?:"
        elif p.startswith(("(?=", "(?!"), start):
            self.fail(repr(p[start:start + 3]), "lookahead cannot be translated (the Rust regex crate has no lookaround)")
        elif p.startswith(("(?<=", "(?<!"), start):
            self.fail(repr(p[start:start + 4]), "lookbehind cannot be translated (the Rust regex crate has no lookaround)")
        elif p.startswith("(?<", start):
            end = p.find(">", start + 3)
            name = p[start + 3:end] if end >= 0 else ""
            if end < 0 or not _GROUP_NAME.fullmatch(name):
                self.fail(repr(p[start:(end + 1) if end >= 0 else start + 3]), "an invalid group name")
            self.i = end + 1
            prefix = "("  # the name does not change what matches
        elif p.startswith("(?", start):
            self.fail(repr(p[start:start + 3]), "a group syntax ECMA-262 (without flags) does not have, "
                      "or modifiers, which are not translated")
        else:
            self.i += 1
            prefix = "("
        body = self.disjunction()
        if self.peek() != ")":
            self.fail("'('", "unterminated group (SyntaxError)", start)
        self.i += 1
        return prefix + body + ")"

    def atom_escape(self):
        start = self.i
        self.i += 1  # the backslash
        c = self.peek()
        if c == "":
            self.fail(repr("\\"), "\\ at end of pattern (SyntaxError)", start)
        if c in "123456789":
            m = re.compile(r"[0-9]+").match(self.p, self.i)
            self.fail(repr("\\" + m.group(0)), "a backreference (or Annex B legacy octal escape) cannot be translated", start)
        if c == "k":
            self.fail(repr("\\k"), "a named backreference cannot be translated", start)
        if c in _CLASS_ESCAPES:
            self.i += 1
            return _class(*_CLASS_ESCAPES[c]), False
        cp = self.character_escape(start, in_class=False)
        if cp is None:  # Annex B: "\c" not followed by a letter is a literal backslash
            return _lit(0x5C), False
        return _lit(cp), cp > 0xFFFF

    def character_escape(self, start: int, in_class: bool):
        """The code point of the escape at ``self.i`` (just after the backslash), or None
        for the Annex B ``\\c`` that is a literal backslash (``self.i`` left on ``c``)."""
        c = self.peek()
        if c in _CONTROL_ESCAPES:
            self.i += 1
            return _CONTROL_ESCAPES[c]
        if c == "c":
            letter = self.peek(1)
            if letter.isascii() and (letter.isalpha() or (in_class and (letter.isdigit() or letter == "_"))):
                self.i += 2
                return ord(letter) % 32
            return None
        if c == "0":
            if self.peek(1).isascii() and self.peek(1).isdigit():
                self.fail(repr(self.p[start:self.i + 2]), "a legacy octal escape (Annex B) is not translated", start)
            self.i += 1
            return 0
        if in_class and c in "123456789":
            self.fail(repr("\\" + c), "a legacy octal escape (Annex B) is not translated", start)
        if c == "x":
            m = _HEX2.match(self.p, self.i + 1)
            if not m:
                self.fail(repr("\\x"), "\\x not followed by two hex digits (a literal 'x' in Annex B) is not translated", start)
            self.i = m.end()
            return int(m.group(0), 16)
        if c == "u":
            if self.peek(1) == "{":
                self.fail(repr("\\u{"), "\\u{...} means a code point only with the u flag (here: 'u' repeated); not translated", start)
            m = _HEX4.match(self.p, self.i + 1)
            if not m:
                self.fail(repr("\\u"), "\\u not followed by four hex digits (a literal 'u' in Annex B) is not translated", start)
            self.i = m.end()
            cp = int(m.group(0), 16)
            if 0xD800 <= cp <= 0xDBFF and not in_class:
                low = re.compile(r"\\u(D[C-F][0-9A-F]{2})", re.IGNORECASE).match(self.p, self.i)
                if low:
                    self.i = low.end()
                    return 0x10000 + ((cp - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
            self.check_char(cp, start)
            return cp
        if c in ("p", "P"):
            self.fail(repr("\\" + c), "a Unicode property escape exists only with the u flag "
                      "(here: a literal letter); not translated", start)
        if c.isascii() and c.isalpha():
            self.fail(repr("\\" + c), "an identity escape of a letter (a literal letter in Annex B, "
                      "an error with the u flag, special in other dialects) is not translated", start)
        # identity escape: the character itself
        self.i += 1
        cp = ord(c)
        self.check_char(cp, start)
        if in_class and cp > 0xFFFF:
            self.fail(repr(c), "a character outside the BMP in a class (two UTF-16 code units without the u flag)", start)
        return cp

    # ---- Character classes -------------------------------------------------------

    def char_class(self) -> str:
        start = self.i
        self.i += 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        ranges = []
        while True:
            if self.i >= len(self.p):
                self.fail("'['", "unterminated character class (SyntaxError)", start)
            if self.peek() == "]":
                self.i += 1
                break
            atom_start = self.i
            a = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                b = self.class_atom()
                if isinstance(a, int) and isinstance(b, int):
                    if a > b:
                        self.fail(repr(self.p[atom_start:self.i]), "range out of order in character class (SyntaxError)", atom_start)
                    ranges.append((a, b))
                else:
                    # Annex B: a class escape at either end makes "-" a literal
                    for x in (a, ord("-"), b):
                        ranges.extend([(x, x)] if isinstance(x, int) else x)
            else:
                ranges.extend([(a, a)] if isinstance(a, int) else a)
        return _class(ranges, negated)

    def class_atom(self):
        """A code point, or a list of ranges for a class escape."""
        start = self.i
        c = self.peek()
        if c != "\\":
            self.i += 1
            cp = ord(c)
            self.check_char(cp, start)
            if cp > 0xFFFF:
                self.fail(repr(c), "a character outside the BMP in a class (two UTF-16 code units without the u flag)", start)
            return cp
        self.i += 1
        e = self.peek()
        if e == "":
            self.fail(repr("\\"), "\\ at end of pattern (SyntaxError)", start)
        if e == "b":
            self.i += 1
            return 0x08  # backspace inside a class
        if e == "-":
            self.i += 1
            return ord("-")
        if e in _CLASS_ESCAPES:
            self.i += 1
            ranges, negated = _CLASS_ESCAPES[e]
            return _complement(ranges) if negated else list(ranges)
        cp = self.character_escape(start, in_class=True)
        if cp is None:  # Annex B: "\c" + non-control-letter: a literal backslash; "c" follows
            return 0x5C
        return cp


def to_rust(pattern: str) -> str:
    """The Rust ``regex`` equivalent of the ECMA-262 ``pattern`` (unanchored, like the
    pattern: run it with ``is_match``). Raises :class:`EcmaRegexError`."""
    return _Parser(pattern).parse()


def for_shape(shape: str, pattern: str) -> str:
    """:func:`to_rust` for the generator: a ``SystemExit`` naming the shape, the construct
    and the reason when the pattern cannot be translated."""
    try:
        return to_rust(pattern)
    except EcmaRegexError as e:
        raise SystemExit(
            f"generate.py: shape {shape}: cannot translate its pattern {pattern!r} to a Rust regex "
            f"with ECMA-262 semantics: {e}"
        )
