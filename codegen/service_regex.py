"""Translate the service model's ``pattern``s to the syntax of the Rust ``regex`` crate,
with the meaning the service gives them: Java's ``java.util.regex``, matched against the
whole value.

Used by ``codegen/generate.py`` (the generated shape table's ``regex:``, run by the
client's opt-in strict check with ``Regex::is_match``) and, through the same table, by the
package's local Bedrock; ``codegen/update_model.py`` reports the patterns that cannot be
used. One translation, one reading of the model.

What a pattern means
    The service validates a value with ``Pattern.compile(pattern).matcher(value).matches()``
    (default flags): the pattern must match the *whole* value, in Java's regex language.
    Whole value because that is what the services do (CloudFormation refused the stack
    name ``https://aws-quickstart.s3.amazonaws.com/...`` for
    ``[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*``, EventBridge refused
    ``${CIRCLE_BRANCH}-zambas-scheduled-task`` for ``[\\.\\-_A-Za-z0-9]+``, although each
    holds a match somewhere); Java because the services' validation messages are their
    Java framework's, and newer models carry Java-only syntax (botocore 1.44.5's
    ``\\p{L}[\\p{L}\\p{M}0-9_]*( [\\p{L}\\p{M}0-9_]+)*``). ``tests/test_service_regex.py``
    runs Java itself as the oracle for every rule below and every pattern of the model.

    Whether a *whole* value matches is the same question for Java's backtracking matcher
    (``matches()`` tries every way before failing) and the Rust crate's automaton, as long
    as nothing cuts the backtracking (possessive quantifiers, atomic groups, and two
    places where Java's matcher does so by itself: ``\\R`` in a repetition, and a
    repetition that ends at an empty iteration), depends on what a group captured
    (backreferences) or looks around. So, those refused, only the syntax and the meaning
    of each construct need translating; lazy quantifiers only change which match is found
    first and are kept as written.

The rules (Java, default flags -> Rust ``regex``)
    * The whole value: the translation is ``\\A(?:...)\\z`` (the group keeps a top-level
      ``|`` inside both anchors); the Rust side only calls ``is_match``.
    * ``\\Q...\\E``: Java rewrites quoted text before parsing (every ASCII character but
      letters and digits gets a backslash, a digit first in the quote becomes ``\\x3d``,
      a ``\\Q`` without ``\\E`` quotes to the end). The same rewrite is done here, so
      quoted text is literal wherever it stands, inside classes and ranges too (``[\\Q-\\E]``
      is ``-``, ``[a-\\Q\\Ez]`` is the range ``a-z``, as in Java).
    * Literals are code points (Java reads the pattern as code points, a surrogate pair
      as one; a lone surrogate is refused: it is no character of a Rust string). Written
      as Rust needs them: ASCII letters, digits and other printable ASCII as they are,
      Rust's special characters ``\\.+*?()|[]{}^$#&-~`` escaped, anything else as
      ``\\x{...}`` (the translation is printable ASCII).
    * ``.``: any character but Java's line terminators LF, CR, U+0085, U+2028, U+2029
      (neither DOTALL nor UNIX_LINES is set); Rust's ``.`` excludes only LF, so the set
      is written out.
    * ``^`` and ``\\A``: the start of the input (no MULTILINE): ``\\A``. ``\\z``: ``\\z``.
    * ``$`` and ``\\Z``: Java's ``$`` (no MULTILINE) matches at the end of the input *and*
      before a final line terminator (LF, CRLF, CR, U+0085, U+2028, U+2029), so with
      ``matches()`` ``a$\\n`` matches ``"a\\n"``. It is written ``\\z``, which is exact when
      nothing that may follow the ``$`` in the pattern can consume a line terminator:
      then a ``$`` before a final terminator leaves it unmatched and ``matches()`` fails.
      That holds for a ``$`` at the end of the pattern or of an alternative, or followed
      by ``.*``, as in the model. Otherwise (``a$\\s*``) refused: the Rust crate has no
      lookahead to say "a line terminator may follow here".
    * ``\\d`` ``\\w`` ``\\s`` and their negations are ASCII in Java (no
      UNICODE_CHARACTER_CLASS): ``[0-9]``, ``[a-zA-Z_0-9]``, ``[ \\t\\n\\x0B\\f\\r]``; Rust's
      are Unicode's, so the sets are written out. ``\\h`` is
      ``[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]``, ``\\v`` the vertical
      white space ``[\\n\\x0B\\f\\r\\x85\\u2028\\u2029]`` (not VT, except in a class just
      before a ``-`` or as the end of a range, where Java still reads U+000B: ``[\\v-]`` is
      VT and ``-``), ``\\H`` ``\\V`` their complements. ``\\R`` (a line break, CRLF or one of
      ``[\\n\\x0B\\f\\r\\x85\\u2028\\u2029]``) is refused: Java backtracks into it only
      outside a repetition (``\\R\\n`` matches CRLF, ``\\R?\\n`` and ``\\R{1}\\n`` do not).
    * Escapes: ``\\t \\n \\r \\f \\a \\e``; ``\\0`` followed by 1 to 3 octal digits (a third
      only after 0-3; ``\\0`` alone is a Java error); ``\\xhh``; ``\\x{h...}`` up to
      10FFFF; ``\\uhhhh`` (``\\uD83D\\uDE00`` is one code point); ``\\cX`` is X XOR 64 (so
      ``\\cJ`` is LF but ``\\ca`` is ``!``: Java's rule, not Perl's). A backslash before any
      other ASCII letter is a Java error (``\\E`` without ``\\Q`` too): refused. Before any
      other character (punctuation, space, a non-ASCII letter) it is that character.
    * ``\\p{..}`` ``\\P{..}`` ``\\pX`` (inside classes too), resolved as Java 17 resolves
      them (``java.util.regex.CharPredicates``):
      - general categories ``Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc
        Sk So Zs Zl Zp Cc Cf Co Cs Cn`` and ``L M N P S Z C LC``, spelled ``X``, ``IsX``,
        ``gc=X`` or ``general_category=X`` (the key in any case, the value as written;
        Java knows only these short names): Rust's ``\\p{gc=X}``, the same category
        (``gc=`` spelled out because a bare short name can mean a binary property to
        Rust). ``Cs`` (surrogates) matches no character of a string; ``C`` is
        ``Cc Cf Co Cs Cn`` in both. ``LD`` (letters and ``Nd``), ``L1`` (U+0000-U+00FF)
        and ``all`` too.
      - the POSIX names ``Alpha Digit Alnum Upper Lower Punct Graph Print Blank Cntrl
        XDigit Space ASCII`` (exact case) are US-ASCII only in Java: explicit ASCII sets.
        (``IsAlpha`` and the like, in any case, are Unicode properties: refused below.)
      - scripts ``IsLatin`` ``sc=Latn`` ``script=Latin`` (Java: the enum name or the
        4-letter alias, any case): Rust's ``\\p{sc=Latin}``, the Script property (a bare
        ``\\p{Latin}`` would be Script_Extensions in Rust). The scripts Java 17 knows,
        but ``Unknown`` (the unassigned code points, which Rust does not name).
      - refused: binary properties (``IsAlphabetic`` ``IsWhite_Space`` ``IsPunctuation``
        ``IsEmoji`` (JDK 21)...: Java's own definitions), blocks (``InGreek`` ``blk=``:
        none in Rust; their names are not checked against Java's), ``javaLowerCase`` and
        the other ``java.lang.Character`` methods, and what Java does not know
        (``\\p{Latin}``, ``\\p{gc=Uppercase_Letter}``, ``\\p{alpha}``).
      Each engine reads the categories and scripts from its Unicode tables: Java 17's are
      Unicode 13.0 (Java 21: 15.0), the Rust crate's (regex-syntax 0.8) 16.0; they differ
      only for code points assigned or re-categorised in between.
    * Character classes, Java 9+ semantics, evaluated to sets: items and nested classes
      ``[a[b]]`` are a union; ``&&`` an intersection (``[a-z&&[^aeiou]]``); ``^`` right
      after ``[`` negates the whole class, nested classes included; ``]`` first in a class
      is a literal (``[]a]``; ``[]`` is an unclosed class); ``[`` always opens a nested
      class; ``-`` is a range between two characters, a literal first, last, before a
      nested class or after a class escape (``[\\d-z]``); ``&`` alone is a literal.
      When every member is an explicit set, the class is written as one flat Rust class of
      ranges (whichever of it and its complement is shorter, every special character
      escaped); with a Unicode property in it, as nested Rust classes with ``&&`` and
      ``[^...]``, which mean the same in Rust. Refused, where Java's parser does
      something else than the set algebra it documents: an empty operand of ``&&``
      (``[a&&]``, ``[&&a]``: Java drops the intersection), a right operand that starts
      with nested classes and goes on with other items (``[a&&[b]c]``: Java intersects
      with ``c`` alone), and a single ``&`` after such an operand (Java's shared ASCII bit
      set then leaks into the left operand).
    * Quantifiers ``? * + {n} {n,} {n,m}`` and their lazy forms pass through. Possessive
      ones (``*+``) change what matches (no backtracking into them): refused. ``{`` not
      followed by ``n}``, ``n,}`` or ``n,m}`` is a Java error. A ``{n}`` with nothing to
      repeat (``{2}a``, ``a{2}{3}``) is no error in Java, which repeats an empty string
      there: refused as meaningless. A quantified assertion (``^*``) is refused; a second
      ``*`` ``+`` ``?`` is a Java error. Java ends a repetition at an iteration that matched
      nothing (its guard against looping forever), even below the minimum count; that is
      the set of strings only while such an empty iteration could as well come last. It
      could not for a start-of-input assertion: ``(^|a){2}`` does not match ``"a"`` in
      Java. So a repetition of at least two whose body can match nothing through ``^`` or
      ``\\A`` is refused (``(^a|b){2}`` is fine; so is an end assertion, empty only at the
      end).
    * Groups ``(...)``, ``(?:...)`` and ``(?<name>...)`` (name: an ASCII letter, then
      letters and digits; unique) pass through as groups; names do not change what
      matches.
    * Refused because the Rust crate cannot express them: lookahead ``(?=`` ``(?!``,
      lookbehind ``(?<=`` ``(?<!``, atomic groups ``(?>``, backreferences ``\\1``..``\\9``
      (Java accepts one to a group that does not exist; it never matches) and
      ``\\k<name>``. Refused because their meaning is in doubt: inline flags (``(?i)``:
      Java's CASE_INSENSITIVE is ASCII-only without UNICODE_CASE and treats properties
      specially; ``(?x)``, ``(?s)`` and the rest), ``\\b`` ``\\B`` (Java 17: a boundary of
      Unicode letters, digits and ``_`` that skips non-spacing marks; JDK 19 changed it to
      ASCII ``\\w``: which one the service runs is unknown, and neither is Rust's), ``\\G``
      (the end of the previous match: matcher state), ``\\X`` and ``\\b{g}`` (grapheme
      clusters), ``\\N{name}`` (Unicode names). And every pattern Java itself rejects.

Refused patterns raise :class:`PatternError` from :func:`to_rust`, naming the construct and
its offset in the pattern (as given). Parsing goes on after a construct that is refused but
valid Java, so that a pattern Java rejects is always reported with Java's own message
(``(Java: ...)`` in the reason); a reason without it is a pattern Java accepts.
:func:`for_shape`, the generator's entry point, never raises: an unusable pattern is
returned as a one-line reason, and the strict check skips it (saying so in its error text)
instead of stopping the generator.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

__all__ = ["PatternError", "to_rust", "for_shape", "unusable"]

MAX_CODE_POINT = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)
MAX_NESTING = 100
MAX_COUNT = 0x7FFFFFFF  # Java's repetition counts are ints

#: Java's line terminators (neither UNIX_LINES nor DOTALL): what ``.`` does not match and
#: what ``$`` may stand before.
LINE_TERMINATORS = (0x0A, 0x0D, 0x85, 0x2028, 0x2029)
#: ... and their general category (all are of the Common script), for the ``$`` check.
_LINE_TERMINATOR_GC = {0x0A: "Cc", 0x0D: "Cc", 0x85: "Cc", 0x2028: "Zl", 0x2029: "Zp"}

DIGITS = ((0x30, 0x39),)
WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
SPACE = ((0x09, 0x0D), (0x20, 0x20))  # TAB LF VT FF CR, SPACE
HSPACE = ((0x09, 0x09), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x180E, 0x180E),
          (0x2000, 0x200A), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000))
VSPACE = ((0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029))

#: Java's POSIX classes (``\p{Alpha}`` ...): US-ASCII only (java.util.regex.ASCII).
POSIX = {
    "ASCII": ((0x00, 0x7F),),
    "Alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "Alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "Blank": ((0x09, 0x09), (0x20, 0x20)),
    "Cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "Digit": ((0x30, 0x39),),
    "Graph": ((0x21, 0x7E),),
    "Lower": ((0x61, 0x7A),),
    "Print": ((0x20, 0x7E),),
    "Punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "Space": ((0x09, 0x0D), (0x20, 0x20)),
    "Upper": ((0x41, 0x5A),),
    "XDigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
    "L1": ((0x00, 0xFF),),
    "all": ((0x00, MAX_CODE_POINT),),
}

#: Java's general categories (java.util.regex.CharPredicates.forProperty) and the
#: two-letter categories each covers.
_L = ("Lu", "Ll", "Lt", "Lm", "Lo")
GENERAL_CATEGORIES = {
    **{c: (c,) for c in ("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No",
                         "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So",
                         "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs", "Cn")},
    "L": _L,
    "LC": ("Lu", "Ll", "Lt"),
    "M": ("Mn", "Mc", "Me"),
    "N": ("Nd", "Nl", "No"),
    "P": ("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"),
    "S": ("Sm", "Sc", "Sk", "So"),
    "Z": ("Zs", "Zl", "Zp"),
    "C": ("Cc", "Cf", "Co", "Cs", "Cn"),
}

#: Names Java resolves as Unicode binary properties after ``Is`` (any case; the JDK 21
#: emoji ones included): their definitions are Java's own, so refused.
JAVA_BINARY_PROPERTIES = frozenset("""
    ALPHABETIC ASSIGNED CONTROL HEXDIGIT HEX_DIGIT IDEOGRAPHIC JOINCONTROL JOIN_CONTROL
    LETTER LOWERCASE NONCHARACTERCODEPOINT NONCHARACTER_CODE_POINT TITLECASE PUNCTUATION
    UPPERCASE WHITESPACE WHITE_SPACE WORD ALPHA LOWER UPPER SPACE PUNCT XDIGIT ALNUM CNTRL
    DIGIT BLANK GRAPH PRINT EMOJI EMOJI_PRESENTATION EMOJI_MODIFIER EMOJI_MODIFIER_BASE
    EMOJI_COMPONENT EXTENDED_PICTOGRAPHIC
""".split())

#: Java's \p{javaXxx} names (java.lang.Character.isXxx): refused.
JAVA_CHARACTER_METHODS = frozenset("""
    javaLowerCase javaUpperCase javaTitleCase javaDigit javaDefined javaLetter
    javaLetterOrDigit javaJavaIdentifierStart javaJavaIdentifierPart
    javaUnicodeIdentifierStart javaUnicodeIdentifierPart javaIdentifierIgnorable
    javaSpaceChar javaWhitespace javaISOControl javaMirrored javaAlphabetic javaIdeographic
""".split())

#: The scripts of Java 17's Character.UnicodeScript (but UNKNOWN) as Rust's canonical
#: name : ISO 15924 alias. Java accepts either, in any case (the name with its "_").
_SCRIPTS_TEXT = """
Common:Zyyy Latin:Latn Greek:Grek Cyrillic:Cyrl Armenian:Armn Hebrew:Hebr Arabic:Arab
Syriac:Syrc Thaana:Thaa Devanagari:Deva Bengali:Beng Gurmukhi:Guru Gujarati:Gujr
Oriya:Orya Tamil:Taml Telugu:Telu Kannada:Knda Malayalam:Mlym Sinhala:Sinh Thai:Thai
Lao:Laoo Tibetan:Tibt Myanmar:Mymr Georgian:Geor Hangul:Hang Ethiopic:Ethi Cherokee:Cher
Canadian_Aboriginal:Cans Ogham:Ogam Runic:Runr Khmer:Khmr Mongolian:Mong Hiragana:Hira
Katakana:Kana Bopomofo:Bopo Han:Hani Yi:Yiii Old_Italic:Ital Gothic:Goth Deseret:Dsrt
Inherited:Zinh Tagalog:Tglg Hanunoo:Hano Buhid:Buhd Tagbanwa:Tagb Limbu:Limb Tai_Le:Tale
Linear_B:Linb Ugaritic:Ugar Shavian:Shaw Osmanya:Osma Cypriot:Cprt Braille:Brai
Buginese:Bugi Coptic:Copt New_Tai_Lue:Talu Glagolitic:Glag Tifinagh:Tfng
Syloti_Nagri:Sylo Old_Persian:Xpeo Kharoshthi:Khar Balinese:Bali Cuneiform:Xsux
Phoenician:Phnx Phags_Pa:Phag Nko:Nkoo Sundanese:Sund Batak:Batk Lepcha:Lepc
Ol_Chiki:Olck Vai:Vaii Saurashtra:Saur Kayah_Li:Kali Rejang:Rjng Lycian:Lyci Carian:Cari
Lydian:Lydi Cham:Cham Tai_Tham:Lana Tai_Viet:Tavt Avestan:Avst Egyptian_Hieroglyphs:Egyp
Samaritan:Samr Mandaic:Mand Lisu:Lisu Bamum:Bamu Javanese:Java Meetei_Mayek:Mtei
Imperial_Aramaic:Armi Old_South_Arabian:Sarb Inscriptional_Parthian:Prti
Inscriptional_Pahlavi:Phli Old_Turkic:Orkh Brahmi:Brah Kaithi:Kthi
Meroitic_Hieroglyphs:Mero Meroitic_Cursive:Merc Sora_Sompeng:Sora Chakma:Cakm
Sharada:Shrd Takri:Takr Miao:Plrd Caucasian_Albanian:Aghb Bassa_Vah:Bass Duployan:Dupl
Elbasan:Elba Grantha:Gran Pahawh_Hmong:Hmng Khojki:Khoj Linear_A:Lina Mahajani:Mahj
Manichaean:Mani Mende_Kikakui:Mend Modi:Modi Mro:Mroo Old_North_Arabian:Narb
Nabataean:Nbat Palmyrene:Palm Pau_Cin_Hau:Pauc Old_Permic:Perm Psalter_Pahlavi:Phlp
Siddham:Sidd Khudawadi:Sind Tirhuta:Tirh Warang_Citi:Wara Ahom:Ahom
Anatolian_Hieroglyphs:Hluw Hatran:Hatr Multani:Mult Old_Hungarian:Hung SignWriting:Sgnw
Adlam:Adlm Bhaiksuki:Bhks Marchen:Marc Newa:Newa Osage:Osge Tangut:Tang
Masaram_Gondi:Gonm Nushu:Nshu Soyombo:Soyo Zanabazar_Square:Zanb Hanifi_Rohingya:Rohg
Old_Sogdian:Sogo Sogdian:Sogd Dogra:Dogr Gunjala_Gondi:Gong Makasar:Maka
Medefaidrin:Medf Elymaic:Elym Nandinagari:Nand Nyiakeng_Puachue_Hmong:Hmnp Wancho:Wcho
Yezidi:Yezi Chorasmian:Chrs Dives_Akuru:Diak Khitan_Small_Script:Kits
"""
SCRIPTS = {}  # upper-cased Java spelling (name or alias) -> Rust's canonical name
for _pair in _SCRIPTS_TEXT.split():
    _name, _alias = _pair.split(":")
    SCRIPTS[_name.upper()] = SCRIPTS[_alias.upper()] = _name
del _pair, _name, _alias

#: Characters with a meaning in Rust regex syntax (regex_syntax::is_meta_character).
RUST_META = frozenset("\\.+*?()|[]{}^$#&-~")

BLOCK = "a Unicode block, which the Rust regex crate does not know (its name is not checked against Java's)"
_SIMPLE_ESCAPES = {"t": 0x09, "n": 0x0A, "r": 0x0D, "f": 0x0C, "a": 0x07, "e": 0x1B}
_HEX = frozenset("0123456789abcdefABCDEF")
_OCTAL = frozenset("01234567")


class PatternError(Exception):
    """A pattern Java rejects, or one this translator refuses: ``construct`` (as written),
    ``pos`` (its offset in the pattern) and ``reason``."""

    def __init__(self, pattern: str, pos: int, construct: str, reason: str):
        self.pattern = pattern
        self.pos = pos
        self.construct = construct
        self.reason = reason
        super().__init__(f"{construct} at offset {pos}: {reason}")


# --------------------------------------------------------------------------------------
# Sets of code points: explicit ranges, Unicode properties, and their set algebra
# --------------------------------------------------------------------------------------


def _normalize(ranges) -> tuple:
    """Sorted, disjoint, non-adjacent (lo, hi) ranges of Unicode scalar values."""
    out = []
    for lo, hi in sorted(ranges):
        # No surrogates: they are not characters of a Rust string.
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
    joined = []  # D7FF and E000 touch across the gap: one range for Rust
    for a, b in out:
        if joined and joined[-1][1] == SURROGATES[0] - 1 and a == SURROGATES[1] + 1:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return tuple(joined)


def _complement(ranges) -> tuple:
    out = []
    nxt = 0
    for lo, hi in _normalize(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODE_POINT:
        out.append((nxt, MAX_CODE_POINT))
    return _normalize(out)


class _Ranges:
    """An explicit set of code points."""

    __slots__ = ("r",)

    def __init__(self, ranges):
        self.r = _normalize(ranges)


class _Prop:
    """A Unicode property: ``rust`` is what goes inside Rust's ``\\p{...}``; ``categories``
    (general categories covered) or ``script`` says which line terminators it holds."""

    __slots__ = ("rust", "categories", "script")

    def __init__(self, rust: str, categories=(), script: Optional[str] = None):
        self.rust = rust
        self.categories = frozenset(categories)
        self.script = script


class _Not:
    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x


class _Or:
    __slots__ = ("xs",)

    def __init__(self, xs):
        self.xs = tuple(xs)


class _And:
    __slots__ = ("xs",)

    def __init__(self, xs):
        self.xs = tuple(xs)


NOTHING = _Ranges(())
EVERYTHING = _Ranges(((0, MAX_CODE_POINT),))


def _union(xs):
    ranges, others = [], []
    for x in xs:
        for m in (x.xs if isinstance(x, _Or) else (x,)):
            if isinstance(m, _Ranges):
                ranges.extend(m.r)
            else:
                others.append(m)
    explicit = _Ranges(ranges)
    if not others or explicit.r == EVERYTHING.r:
        return explicit
    unique = {_set_text(m): m for m in others}  # one of each; X with not-X is everything
    if any(_set_text(_negation(m)) in unique for m in unique.values()):
        return EVERYTHING
    members = ([explicit] if explicit.r else []) + list(unique.values())
    return members[0] if len(members) == 1 else _Or(members)


def _intersection(a, b):
    if isinstance(a, _Ranges) and isinstance(b, _Ranges):
        return _Ranges(_complement(_complement(a.r) + _complement(b.r)))
    for x, y in ((a, b), (b, a)):
        if isinstance(x, _Ranges) and not x.r:
            return NOTHING
        if isinstance(x, _Ranges) and x.r == EVERYTHING.r:
            return y
    if _set_text(a) == _set_text(_negation(b)):
        return NOTHING
    return _And((a.xs if isinstance(a, _And) else (a,)) + (b.xs if isinstance(b, _And) else (b,)))


def _negation(x):
    if isinstance(x, _Ranges):
        return _Ranges(_complement(x.r))
    if isinstance(x, _Not):
        return x.x
    return _Not(x)


def _contains(x, cp: int) -> bool:
    """Whether the set holds ``cp``; for a property, ``cp`` must be a line terminator."""
    if isinstance(x, _Ranges):
        return any(lo <= cp <= hi for lo, hi in x.r)
    if isinstance(x, _Prop):
        if x.script is not None:
            return x.script == "Common"
        return _LINE_TERMINATOR_GC[cp] in x.categories
    if isinstance(x, _Not):
        return not _contains(x.x, cp)
    if isinstance(x, _Or):
        return any(_contains(m, cp) for m in x.xs)
    return all(_contains(m, cp) for m in x.xs)


def _lit(cp: int) -> str:
    """One code point as a Rust regex literal (valid inside and outside classes)."""
    ch = chr(cp)
    if ch.isascii() and ch.isalnum():
        return ch
    if ch in RUST_META:
        return "\\" + ch
    if 0x20 <= cp <= 0x7E:
        return ch
    return "\\x{%X}" % cp


def _range_items(ranges) -> str:
    body = []
    for lo, hi in ranges:
        if lo == hi:
            body.append(_lit(lo))
        elif hi == lo + 1:
            body.append(_lit(lo) + _lit(hi))
        else:
            body.append(_lit(lo) + "-" + _lit(hi))
    return "".join(body)


def _flat_class(ranges) -> str:
    """A flat Rust class of the code points of ``ranges`` (or ``[^...]`` of the others)."""
    ranges = _normalize(ranges)
    if not ranges:
        return "[^\\x{0}-\\x{10FFFF}]"
    others = _complement(ranges)
    if not others:
        return "[\\x{0}-\\x{10FFFF}]"
    if len(others) < len(ranges):
        return "[^" + _range_items(others) + "]"
    return "[" + _range_items(ranges) + "]"


def _class_items(x) -> str:
    """``x`` as the inside of a Rust class (a union of items)."""
    if isinstance(x, _Ranges):
        return _range_items(x.r) if x.r else _flat_class(())
    if isinstance(x, _Prop):
        return "\\p{%s}" % x.rust
    if isinstance(x, _Not):
        if isinstance(x.x, _Prop):
            return "\\P{%s}" % x.x.rust
        return "[^" + _class_items(x.x) + "]"
    if isinstance(x, _Or):
        return "".join(_class_items(m) for m in x.xs)
    return "[" + "&&".join(_set_text(m) for m in x.xs) + "]"


def _set_text(x) -> str:
    """``x`` as one Rust atom (a class, or ``\\p{..}`` / ``\\P{..}``)."""
    if isinstance(x, _Ranges):
        return _flat_class(x.r)
    if isinstance(x, _Prop) or (isinstance(x, _Not) and isinstance(x.x, _Prop)):
        return _class_items(x)
    if isinstance(x, _Not):
        return "[^" + _class_items(x.x) + "]"
    if isinstance(x, _And):
        return _class_items(x)  # already "[A&&B]"
    return "[" + _class_items(x) + "]"


def _posix_or_category(name: str):
    """Java's ``CharPredicates.forProperty(name)`` (case-sensitive) as a set, or None."""
    if name in GENERAL_CATEGORIES:
        if name == "Cs":
            return NOTHING  # surrogates: no character of a string
        return _Prop("gc=" + name, GENERAL_CATEGORIES[name])
    if name == "LD":
        return _union([_Prop("gc=L", _L), _Prop("gc=Nd", ("Nd",))])
    if name in POSIX:
        return _Ranges(POSIX[name])
    return None


def _script(name: str):
    canonical = SCRIPTS.get(name.upper())
    return None if canonical is None else _Prop("sc=" + canonical, script=canonical)


DOT = _Ranges(_complement([(c, c) for c in LINE_TERMINATORS]))
_CLASS_ESCAPES = {
    "d": _Ranges(DIGITS), "D": _Ranges(_complement(DIGITS)),
    "w": _Ranges(WORD), "W": _Ranges(_complement(WORD)),
    "s": _Ranges(SPACE), "S": _Ranges(_complement(SPACE)),
    "h": _Ranges(HSPACE), "H": _Ranges(_complement(HSPACE)),
    "v": _Ranges(VSPACE), "V": _Ranges(_complement(VSPACE)),
}


# --------------------------------------------------------------------------------------
# Java's \Q...\E rewrite (Pattern.RemoveQEQuoting), keeping each character's origin
# --------------------------------------------------------------------------------------


def _code_points(pattern: str):
    """The pattern as Java's code points (a surrogate pair one), with their offsets."""
    cps, origin = [], []
    i = 0
    while i < len(pattern):
        c = ord(pattern[i])
        if 0xD800 <= c <= 0xDBFF and i + 1 < len(pattern) and 0xDC00 <= ord(pattern[i + 1]) <= 0xDFFF:
            cps.append(0x10000 + ((c - 0xD800) << 10) + (ord(pattern[i + 1]) - 0xDC00))
            origin.append(i)
            i += 2
            continue
        cps.append(c)
        origin.append(i)
        i += 1
    return cps, origin


def _remove_qe_quoting(cps, origin):
    bs, q, e = ord("\\"), ord("Q"), ord("E")
    n = len(cps)
    i = 0
    while i < n - 1:
        if cps[i] != bs:
            i += 1
        elif cps[i + 1] != q:
            i += 2
        else:
            break
    if i >= n - 1:
        return cps, origin
    out, where = cps[:i], origin[:i]

    def emit(c, at):
        out.append(c)
        where.append(at)

    i += 2
    in_quote = begin_quote = True
    while i < n:
        c, at = cps[i], origin[i]
        i += 1
        if c > 0x7F or chr(c).isalpha():
            emit(c, at)
        elif chr(c).isdigit():
            if begin_quote:  # "\x3" + the digit: not read as part of an escape before it
                for x in "\\x3":
                    emit(ord(x), at)
            emit(c, at)
        elif c != bs:
            if in_quote:
                emit(bs, at)
            emit(c, at)
        elif in_quote:
            if i < n and cps[i] == e:
                i += 1
                in_quote = False
            else:
                emit(bs, at)
                emit(bs, at)
        else:
            if i < n and cps[i] == q:
                i += 1
                in_quote = begin_quote = True
                continue
            emit(c, at)
            if i != n:
                emit(cps[i], origin[i])
                i += 1
        begin_quote = False
    return out, where


# --------------------------------------------------------------------------------------
# The parser: Java's grammar (Pattern.expr / sequence / closure / group0 / clazz / range /
# escape / family) into a small tree, refusing what the Rust crate cannot express
# --------------------------------------------------------------------------------------
#
# Nodes: ("seq", [nodes]) ("alt", [nodes]) ("group", node, capturing) ("char", cp)
# ("set", set) ("rep", node, lo, hi or None, lazy) ("start", pos) ("end",) ("dollar", pos)


class _Parser:
    def __init__(self, pattern: str):
        self.pattern = pattern
        cps, origin = _code_points(pattern)
        cps, origin = _remove_qe_quoting(cps, origin)
        self.cps = cps
        self.origin = origin
        self.n = len(cps)
        self.i = 0
        self.depth = 0
        self.names = set()
        self.refusal = None

    # ---- helpers -------------------------------------------------------------------

    def offset(self, i: int) -> int:
        return self.origin[i] if i < self.n else len(self.pattern)

    def text(self, a: int, b: int) -> str:
        return "".join(chr(c) for c in self.cps[a:b])

    def error(self, start: int, end: int, reason: str) -> PatternError:
        return PatternError(self.pattern, self.offset(start), ascii(self.text(start, max(end, start + 1))), reason)

    def fail(self, start: int, end: int, reason: str):
        """Stop at the construct at ``cps[start:end]``: a Java error (or too deep)."""
        raise self.error(start, end, reason)

    def refuse(self, start: int, end: int, reason: str):
        """Record the first construct that cannot be translated, and go on parsing: a
        pattern Java rejects further on is reported as Java's error."""
        if self.refusal is None:
            self.refusal = self.error(start, end, reason)

    def peek(self, k: int = 0) -> Optional[str]:
        j = self.i + k
        return chr(self.cps[j]) if j < self.n else None

    def startswith(self, s: str) -> bool:
        return self.text(self.i, self.i + len(s)) == s

    def check_char(self, cp: int, start: int):
        if SURROGATES[0] <= cp <= SURROGATES[1]:
            self.refuse(start, self.i, "a lone surrogate, which is no character of a string the client can hold")
        return cp

    def enter(self, start: int):
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.fail(start, start + 1, f"groups or classes nested more than {MAX_NESTING} deep")

    # ---- expr / sequence / closure --------------------------------------------------

    def parse(self):
        node = self.expr()
        if self.i < self.n:  # only ")" ends an expression early
            self.fail(self.i, self.i + 1, "an unmatched ')' (Java: Unmatched closing ')')")
        if self.refusal is not None:
            raise self.refusal
        return node

    def expr(self):
        alternatives = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            alternatives.append(self.sequence())
        return alternatives[0] if len(alternatives) == 1 else ("alt", alternatives)

    def sequence(self):
        items = []
        while True:
            c = self.peek()
            if c is None or c in "|)":
                return ("seq", items)
            start = self.i
            if c == "(":
                node = self.group()
            elif c == "[":
                node = ("set", self.char_class())
            elif c == "\\":
                node = self.escape_atom()
            elif c == "^":
                self.i += 1
                node = ("start", start)
            elif c == "$":
                self.i += 1
                node = ("dollar", start)
            elif c == ".":
                self.i += 1
                node = ("set", DOT)
            elif c in "*+?":
                self.fail(start, start + 1, "a quantifier with nothing to repeat (Java: Dangling meta character)")
            elif c == "{":
                self.refuse(start, start + 1, "a repetition with nothing to repeat (Java repeats an "
                            "empty string there; refused as meaningless)")
                node = ("seq", [])
            else:
                self.i += 1
                node = ("char", self.check_char(ord(c), start))
            items.append(self.closure(node, start))

    def closure(self, node, start: int):
        c = self.peek()
        if c in ("?", "*", "+"):
            self.i += 1
            lo, hi = {"?": (0, 1), "*": (0, None), "+": (1, None)}[c]
        elif c == "{":
            brace = self.i
            if not (self.peek(1) or "").isdigit() or not self.peek(1).isascii():
                self.fail(brace, brace + 1, "a '{' that is not a repetition {n}, {n,} or {n,m} "
                          "(Java: Illegal repetition)")
            self.i += 1
            lo = self.number()
            hi = lo
            if self.peek() == ",":
                self.i += 1
                hi = self.number() if (self.peek() or "x") in "0123456789" else None
            if self.peek() != "}":
                self.fail(brace, self.i + 1, "an unclosed repetition (Java: Unclosed counted closure)")
            self.i += 1
            if lo > MAX_COUNT or (hi is not None and hi > MAX_COUNT):
                self.fail(brace, self.i, "a repetition count too large (Java: Illegal repetition range)")
            if hi is not None and hi < lo:
                self.fail(brace, self.i, "numbers out of order in a repetition (Java: Illegal repetition range)")
        else:
            return node
        lazy = False
        if self.peek() == "?":
            self.i += 1
            lazy = True
        elif self.peek() == "+":
            self.i += 1
            self.refuse(start, self.i, "a possessive quantifier, which never gives back what it "
                        "matched (the Rust regex crate cannot express that)")
        if node[0] in ("start", "end", "dollar"):
            self.refuse(start, self.i, "a quantified assertion (refused as meaningless)")
        return ("rep", node, lo, hi, lazy)

    def number(self) -> int:
        start = self.i
        while (self.peek() or "x") in "0123456789":
            self.i += 1
        return int(self.text(start, self.i))

    # ---- groups ----------------------------------------------------------------------

    def group(self):
        start = self.i
        self.enter(start)
        capturing = True
        if self.startswith("(?"):
            c = self.peek(2)
            if c == ":":
                self.i += 3
                capturing = False
            elif c in ("=", "!"):
                self.refuse(start, start + 3, "lookahead, which the Rust regex crate cannot express")
                self.i += 3
            elif c == ">":
                self.refuse(start, start + 3, "an atomic group, which never gives back what it "
                            "matched (the Rust regex crate cannot express that)")
                self.i += 3
            elif c == "<" and self.peek(3) in ("=", "!"):
                self.refuse(start, start + 4, "lookbehind, which the Rust regex crate cannot express")
                self.i += 4
            elif c == "<":
                self.i += 3
                name_start = self.i
                first = self.peek()
                if first is None or not (first.isascii() and first.isalpha()):
                    self.fail(start, self.i + 1, "a group name that does not start with an ASCII "
                              "letter (Java: capturing group name does not start with a Latin letter)")
                while (self.peek() or "-").isascii() and self.peek().isalnum():
                    self.i += 1
                if self.peek() != ">":
                    self.fail(start, self.i + 1, "a group name with other than ASCII letters and digits "
                              "(Java: named capturing group is missing trailing '>')")
                name = self.text(name_start, self.i)
                if name in self.names:
                    self.fail(start, self.i + 1, "a group name used twice (Java: Named capturing group "
                              "is already defined)")
                self.names.add(name)
                self.i += 1
            else:
                end = self.i + 2
                while end < self.n and chr(self.cps[end]) in "idmsuxUc-":
                    end += 1
                if end >= self.n or chr(self.cps[end]) not in ":)":
                    self.fail(start, end + 1, "a group syntax Java does not know (Java: Unknown inline modifier)")
                self.refuse(start, end + 1, "inline flags, whose meaning is not translated")
                self.i = end + 1
                if chr(self.cps[end]) == ")":
                    self.depth -= 1
                    return ("seq", [])
                capturing = False
        else:
            self.i += 1
        body = self.expr()
        if self.peek() != ")":
            self.fail(start, start + 1, "an unclosed group (Java: Unclosed group)")
        self.i += 1
        self.depth -= 1
        return ("group", body, capturing)

    # ---- escapes outside classes -----------------------------------------------------

    def escape_atom(self):
        start = self.i
        self.i += 1
        c = self.peek()
        if c is None:
            self.fail(start, start + 1, "a backslash at the end of the pattern (Java: Unexpected internal error)")
        if c in ("p", "P"):
            return ("set", self.family(start))
        if c in "123456789":
            self.refuse(start, start + 2, "a backreference, which the Rust regex crate cannot express")
            self.i += 1
            return ("seq", [])
        if c == "k":
            self.i += 1
            if self.peek() != "<":
                self.fail(start, self.i + 1, "\\k without <name> (Java: \\k is not followed by '<' for "
                          "named capturing group)")
            close = self.i + 1
            while close < self.n and chr(self.cps[close]).isascii() and chr(self.cps[close]).isalnum():
                close += 1
            if close >= self.n or self.cps[close] != ord(">") or self.text(self.i + 1, close) not in self.names:
                self.fail(start, close + 1, "a reference to no group (Java: named capturing group does not exist)")
            self.refuse(start, close + 1, "a named backreference, which the Rust regex crate cannot express")
            self.i = close + 1
            return ("seq", [])
        if c in ("b", "B"):
            self.i += 1
            if c == "b" and self.startswith("{g}"):
                self.i += 3
                self.refuse(start, self.i, "a grapheme cluster boundary, which the Rust regex crate "
                            "cannot express")
            else:
                self.refuse(start, start + 2, "a word boundary: Java 17 reads it over Unicode letters, "
                            "digits and marks, JDK 19+ over ASCII \\w; neither is the Rust crate's")
            return ("seq", [])
        if c == "A":
            self.i += 1
            return ("start", start)
        if c == "z":
            self.i += 1
            return ("end",)
        if c == "Z":
            self.i += 1
            return ("dollar", start)
        if c == "G":
            self.refuse(start, start + 2, "the end of the previous match (matcher state), not translated")
            self.i += 1
            return ("seq", [])
        if c == "X":
            self.refuse(start, start + 2, "a grapheme cluster, which the Rust regex crate cannot express")
            self.i += 1
            return ("seq", [])
        if c == "N":
            close = self.i + 1
            while close < self.n and self.cps[close] != ord("}"):
                close += 1
            if self.peek(1) != "{" or close >= self.n:
                self.fail(start, self.i + 1, "\\N without {name} (Java: Illegal character name escape sequence)")
            self.refuse(start, close + 1, "a character by Unicode name, not translated")
            self.i = close + 1
            return ("seq", [])
        if c == "R":
            self.refuse(start, start + 2, "a line break: Java backtracks into it only outside a "
                        "repetition (\\R\\n matches CRLF, \\R?\\n does not); not translated")
            self.i += 1
            return ("seq", [])
        if c in _CLASS_ESCAPES:
            self.i += 1
            return ("set", _CLASS_ESCAPES[c])
        return ("char", self.character_escape(start))

    def character_escape(self, start: int) -> int:
        """The code point of the escape whose letter is at ``self.i``; refuses the others."""
        c = self.peek()
        if c in _SIMPLE_ESCAPES:
            self.i += 1
            return _SIMPLE_ESCAPES[c]
        if c == "0":
            self.i += 1
            digits = ""
            while len(digits) < 3 and (self.peek() or "x") in _OCTAL:
                if len(digits) == 2 and digits[0] not in "0123":
                    break
                digits += self.peek()
                self.i += 1
            if not digits:
                self.fail(start, self.i + 1, "\\0 not followed by an octal digit (Java: Illegal octal escape sequence)")
            return int(digits, 8)
        if c == "c":
            self.i += 1
            x = self.peek()
            if x is None:
                self.fail(start, self.i, "\\c at the end of the pattern (Java: Illegal control escape sequence)")
            self.i += 1
            return self.check_char(ord(x) ^ 64, start)
        if c == "x":
            self.i += 1
            if self.peek() == "{" and self.peek(1) is not None and self.peek(1) in _HEX:
                self.i += 1
                value = 0
                while self.peek() is not None and self.peek() in _HEX:
                    value = value * 16 + int(self.peek(), 16)
                    self.i += 1
                    if value > MAX_CODE_POINT:
                        self.fail(start, self.i, "a code point above 10FFFF (Java: Hexadecimal codepoint is too big)")
                if self.peek() != "}":
                    self.fail(start, self.i + 1, "an unclosed \\x{...} (Java: Unclosed hexadecimal escape sequence)")
                self.i += 1
                return self.check_char(value, start)
            if self.peek() is not None and self.peek(1) is not None and {self.peek(), self.peek(1)} <= _HEX:
                self.i += 2
                return int(self.text(self.i - 2, self.i), 16)
            self.fail(start, self.i + 1, "\\x not followed by two hex digits or {hex} "
                      "(Java: Illegal hexadecimal escape sequence)")
        if c == "u":
            self.i += 1
            value = self.hex4(start)
            if 0xD800 <= value <= 0xDBFF and self.startswith("\\u"):
                back = self.i
                self.i += 2
                low = self.hex4(start)
                if 0xDC00 <= low <= 0xDFFF:
                    return 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                self.i = back
            return self.check_char(value, start)
        if c.isascii() and c.isalnum():
            self.fail(start, self.i + 1, "an escape Java does not know (Java: Illegal/unsupported escape sequence)")
        self.i += 1
        return self.check_char(ord(c), start)

    def hex4(self, start: int) -> int:
        digits = self.text(self.i, self.i + 4)
        if len(digits) < 4 or any(d not in _HEX for d in digits):
            self.fail(start, self.i + 1, "\\u not followed by four hex digits (Java: Illegal Unicode escape sequence)")
        self.i += 4
        return int(digits, 16)

    # ---- \p{...} -------------------------------------------------------------------

    def family(self, start: int):
        """``\\p``/``\\P`` at ``self.i``: the set it names (negated for ``\\P``)."""
        negated = self.peek() == "P"
        self.i += 1
        if self.peek() == "{":
            close = self.i + 1
            while close < self.n and self.cps[close] != ord("}"):
                close += 1
            if close >= self.n:
                self.fail(start, self.n, "an unclosed \\p{...} (Java: Unclosed character family)")
            name = self.text(self.i + 1, close)
            self.i = close + 1
            if not name:
                self.fail(start, self.i, "an empty \\p{} (Java: Empty character family)")
        else:
            if self.peek() is None:
                self.fail(start, self.i, "\\p at the end of the pattern (Java: Unknown character property name)")
            name = self.peek()
            self.i += 1
        found = self.property(name, start)
        return _negation(found) if negated else found

    def property(self, name: str, start: int):
        """Java's resolution of ``\\p{name}`` (``Pattern.family``) as a set."""

        def unknown(what: str):
            self.fail(start, self.i, f"a property Java does not know (Java: {what})")

        if "=" in name:
            key, value = name.split("=", 1)
            key = key.lower()
            if key in ("blk", "block"):
                return self.untranslated(start, BLOCK)
            if key in ("sc", "script"):
                found = self.script(value, start)
            elif key in ("gc", "general_category"):
                found = self.category(value, start)
            else:
                found = None
            if found is None:
                unknown("Unknown Unicode property")
            return found
        if name.startswith("In"):
            return self.untranslated(start, BLOCK)
        if name.startswith("Is"):
            short = name[2:]
            if short.upper() in JAVA_BINARY_PROPERTIES:
                return self.untranslated(start, "a Unicode binary property by Java's own definition, "
                                         "not translated")
            found = self.category(short, start)
            if found is None:
                found = self.script(short, start)
        else:
            found = self.category(name, start)
        if found is None:
            unknown("Unknown character property name")
        return found

    def untranslated(self, start: int, reason: str):
        self.refuse(start, self.i, reason)
        return NOTHING

    def category(self, name: str, start: int):
        """Java's ``CharPredicates.forProperty`` (case-sensitive), or None."""
        if name in JAVA_CHARACTER_METHODS:
            return self.untranslated(start, "a java.lang.Character method, which the Rust regex crate does not know")
        return _posix_or_category(name)

    def script(self, name: str, start: int):
        """Java's ``Character.UnicodeScript.forName`` (any case), or None."""
        if name.upper() in ("UNKNOWN", "ZZZZ"):
            return self.untranslated(start, "the Unknown script (unassigned code points), which the "
                                     "Rust regex crate does not name")
        return _script(name)

    # ---- character classes (Pattern.clazz and Pattern.range, Java 9+) ------------------

    def char_class(self):
        """The class whose ``[`` is at ``self.i``, as a set; ``self.i`` after its ``]``."""
        open_pos = self.i
        self.enter(open_pos)
        self.i += 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        body = self.class_body(open_pos, first_in_class=True)
        self.i += 1  # the "]"
        self.depth -= 1
        return _negation(body) if negated else body

    def class_body(self, open_pos: int, first_in_class: bool):
        """Operands joined by ``&&`` up to the class's ``]`` (left at ``self.i``)."""
        left = self.class_operand(open_pos, first_in_class)
        while self.startswith("&&"):
            amp = self.i
            self.i += 2
            c = self.peek()
            if c is None:
                self.fail(open_pos, open_pos + 1, "an unclosed character class (Java: Unclosed character class)")
            if left is None and c in ("]", "&"):
                self.fail(amp, self.i + 1, "&& alone (Java: Bad class syntax)")
            if left is None:
                self.refuse(amp, amp + 2, "&& with nothing before it (Java then ignores the &&; refused)")
                left = EVERYTHING
            if c in ("]", "&"):
                self.refuse(amp, self.i + 1, "&& with nothing after it (Java then ignores the &&, "
                            "or reads more '&'s oddly; refused)")
                if c == "&" and not self.startswith("&&"):  # Java reads on at this level
                    more = self.class_operand(open_pos, first_in_class=False)
                    left = left if more is None else _union([left, more])
                continue
            if c == "[":
                # Java unions a run of nested classes, then expects "]" or another "&&"
                nested = []
                while self.peek() == "[":
                    nested.append(self.char_class())
                if not (self.peek() == "]" or self.startswith("&&")):
                    self.refuse(amp, self.i + 1, "nested classes after && followed by more items (Java "
                                "intersects with the items only, dropping the nested classes; refused)")
                    nested.append(self.class_body(open_pos, first_in_class=False))
                left = _intersection(left, _union(nested))
            else:
                # Java reads the rest of the class as the right operand
                left = _intersection(left, self.class_body(open_pos, first_in_class=False))
        if left is None:
            self.fail(open_pos, self.i + 1, "an empty character class (Java: Unclosed character class)")
        return left

    def class_operand(self, open_pos: int, first_in_class: bool):
        """Items and nested classes up to ``&&`` or ``]``: their union, or None if none."""
        parts = []
        while True:
            c = self.peek()
            if c is None:
                self.fail(open_pos, open_pos + 1, "an unclosed character class (Java: Unclosed character class)")
            if c == "]" and not (first_in_class and not parts):
                return _union(parts) if parts else None
            if self.startswith("&&"):
                return _union(parts) if parts else None
            if c == "[":
                parts.append(self.char_class())
            else:
                parts.append(self.class_item(open_pos))

    def class_item(self, open_pos: int):
        """One character, range, class escape or property (Java's ``range``)."""
        start = self.i
        if self.peek() == "\\":
            e = self.peek(1)
            if e in ("p", "P"):
                self.i += 1
                return self.family(start)
            found = self.class_escape(start, is_range=self.peek(2) == "-")
            if not isinstance(found, int):
                return found  # a class escape: a "-" after it is a literal
            ch = found
        else:
            ch = self.check_char(self.cps[self.i], start)
            self.i += 1
        if self.peek() == "-":
            end = self.peek(1)
            if end is None:  # Java reads the end of the pattern as U+0000
                if ch > 0:
                    self.fail(start, self.i + 1, "a range out of order (Java: Illegal character range)")
                self.fail(open_pos, open_pos + 1, "an unclosed character class (Java: Unclosed character class)")
            if end not in ("[", "]"):
                self.i += 1  # the "-"
                if self.peek() == "\\":
                    m = self.class_escape(self.i, is_range=True, range_end=True)
                else:
                    m = self.check_char(self.cps[self.i], self.i)
                    self.i += 1
                if m < ch:
                    self.fail(start, self.i, "a range out of order (Java: Illegal character range)")
                return _Ranges(((ch, m),))
        return _Ranges(((ch, ch),))

    def class_escape(self, start: int, is_range: bool, range_end: bool = False):
        """The escape at ``self.i`` inside a class: a code point, or a set."""
        self.i += 1
        e = self.peek()
        if e is None:
            self.fail(start, start + 1, "a backslash at the end of the pattern (Java: Unclosed character class)")
        if e == "v" and is_range:
            self.i += 1
            return 0x0B  # Java keeps \v as VT where a range may follow
        if e in _CLASS_ESCAPES:
            if range_end:
                self.fail(start, self.i + 1, "a class escape as the end of a range (Java: Illegal character range)")
            self.i += 1
            return _CLASS_ESCAPES[e]
        if e in "AbBGRXZzk123456789EpPN":
            self.fail(start, self.i + 1, "an escape Java does not allow in a class "
                      "(Java: Illegal/unsupported escape sequence)")
        return self.character_escape(start)


# --------------------------------------------------------------------------------------
# The "$" check and the Rust text
# --------------------------------------------------------------------------------------


def _nullable(node) -> bool:
    kind = node[0]
    if kind in ("char", "set"):
        return False
    if kind == "seq":
        return all(_nullable(x) for x in node[1])
    if kind == "alt":
        return any(_nullable(x) for x in node[1])
    if kind == "group":
        return _nullable(node[1])
    if kind == "rep":
        return node[2] == 0 or _nullable(node[1])
    return True  # assertions


def _first_terminators(node) -> frozenset:
    """The line terminators ``node`` may consume first."""
    kind = node[0]
    if kind == "char":
        return frozenset({node[1]}) & frozenset(LINE_TERMINATORS)
    if kind == "set":
        return frozenset(c for c in LINE_TERMINATORS if _contains(node[1], c))
    if kind == "seq":
        found = frozenset()
        for x in node[1]:
            found |= _first_terminators(x)
            if not _nullable(x):
                break
        return found
    if kind == "alt":
        return frozenset().union(*(_first_terminators(x) for x in node[1]))
    if kind == "group":
        return _first_terminators(node[1])
    if kind == "rep":
        return _first_terminators(node[1]) if node[3] != 0 else frozenset()
    return frozenset()


def _check_dollars(node, follow: frozenset, parser: _Parser):
    """Refuse a ``$`` that a line terminator may follow (``follow``: the terminators
    what comes after ``node`` may consume first)."""
    kind = node[0]
    if kind == "seq":
        for x in reversed(node[1]):
            _check_dollars(x, follow, parser)
            follow = _first_terminators(x) | (follow if _nullable(x) else frozenset())
    elif kind == "alt":
        for x in node[1]:
            _check_dollars(x, follow, parser)
    elif kind == "group":
        _check_dollars(node[1], follow, parser)
    elif kind == "rep":
        again = _first_terminators(node[1]) if node[3] is None or node[3] > 1 else frozenset()
        _check_dollars(node[1], follow | again, parser)
    elif kind == "dollar" and follow:
        pos = node[1]
        end = pos + (2 if parser.cps[pos] == ord("\\") else 1)
        shown = ", ".join("U+%04X" % c for c in sorted(follow))
        parser.fail(pos, end, f"an end-of-input assertion that a line terminator ({shown}) may follow: "
                    "Java's '$' also matches before a final line terminator, which the Rust "
                    "regex crate cannot express without lookahead")


def _empty_ways(node) -> frozenset:
    """How ``node`` can match the empty string: "plain" (wherever it stands, or at the end
    of the input only) and "start" (only at the start: through a ``^`` or ``\\A``)."""
    kind = node[0]
    if kind in ("char", "set"):
        return frozenset()
    if kind == "start":
        return frozenset({"start"})
    if kind in ("end", "dollar"):
        return frozenset({"plain"})
    if kind == "seq":
        ways = frozenset({"plain"})
        for x in node[1]:
            ways = frozenset("start" if "start" in (a, b) else "plain" for a in ways for b in _empty_ways(x))
        return ways
    if kind == "alt":
        return frozenset().union(*(_empty_ways(x) for x in node[1]))
    if kind == "group":
        return _empty_ways(node[1])
    inner = _empty_ways(node[1])  # "rep"
    return inner | {"plain"} if node[2] == 0 else inner


def _starts_in_repetitions(node):
    """The first repetition of at least two whose body can match the empty string only
    through a start-of-input assertion, or None."""
    kind = node[0]
    if kind in ("seq", "alt"):
        for x in node[1]:
            found = _starts_in_repetitions(x)
            if found is not None:
                return found
    elif kind == "group":
        return _starts_in_repetitions(node[1])
    elif kind == "rep":
        if node[2] >= 2 and "start" in _empty_ways(node[1]):
            return node
        return _starts_in_repetitions(node[1])
    return None


def _start_position(node):
    kind = node[0]
    if kind == "start":
        return node[1]
    for x in (node[1] if kind in ("seq", "alt") else [node[1]] if kind in ("group", "rep") else []):
        pos = _start_position(x)
        if pos is not None:
            return pos
    return None


def _check_starts(tree, parser: _Parser):
    """Refuse a repetition of at least two whose body can be empty through ``^``: Java
    ends a repetition at an iteration that matched nothing, so ``(^|a){2}`` does not match
    "a" (an empty first iteration, then "a") although the set of strings says so."""
    rep = _starts_in_repetitions(tree)
    if rep is not None:
        pos = _start_position(rep[1])
        end = pos + (2 if parser.cps[pos] == ord("\\") else 1)
        parser.fail(pos, end, "a start-of-input assertion in a repetition of at least two that it "
                    "lets match nothing: Java ends the repetition at an iteration that matches "
                    "nothing, so (^|a){2} does not match 'a'; not translated")


def _quantifier(lo: int, hi: Optional[int], lazy: bool) -> str:
    if (lo, hi) == (0, 1):
        q = "?"
    elif (lo, hi) == (0, None):
        q = "*"
    elif (lo, hi) == (1, None):
        q = "+"
    elif hi is None:
        q = "{%d,}" % lo
    elif hi == lo:
        q = "{%d}" % lo
    else:
        q = "{%d,%d}" % (lo, hi)
    return q + ("?" if lazy else "")


def _emit(node) -> str:
    kind = node[0]
    if kind == "seq":
        return "".join(_emit(x) for x in node[1])
    if kind == "alt":
        return "|".join(_emit(x) for x in node[1])
    if kind == "group":
        return ("(" if node[2] else "(?:") + _emit(node[1]) + ")"
    if kind == "char":
        return _lit(node[1])
    if kind == "set":
        return _set_text(node[1])
    if kind == "rep":
        return _emit(node[1]) + _quantifier(node[2], node[3], node[4])
    if kind == "start":
        return "\\A"
    return "\\z"  # "end", and "dollar" once checked


def to_rust(pattern: str) -> str:
    """The Rust ``regex`` for Java's ``Pattern.compile(pattern).matcher(v).matches()``:
    anchored (``\\A(?:...)\\z``), to run with ``is_match``. Raises :class:`PatternError`."""
    if not isinstance(pattern, str):
        raise PatternError(repr(pattern), 0, repr(type(pattern).__name__), "a pattern must be a string")
    parser = _Parser(pattern)
    tree = parser.parse()
    _check_dollars(tree, frozenset(), parser)
    _check_starts(tree, parser)
    return "\\A(?:" + _emit(tree) + ")\\z"


def for_shape(shape: str, pattern: str) -> Tuple[Optional[str], Optional[str]]:
    """:func:`to_rust` for the generator: ``(regex, None)``, or ``(None, reason)`` (one
    line) when the pattern cannot be used. Never raises: an unusable pattern must not stop
    the generator (the strict check skips it and says so)."""
    try:
        return to_rust(pattern), None
    except PatternError as e:
        reason = str(e)
    except Exception as e:  # noqa: BLE001  a translator bug must not stop the generator either
        reason = f"the translator failed ({type(e).__name__}: {e})"
    return None, " ".join(reason.split())


def unusable(patterns: Dict[str, str]) -> Dict[str, str]:
    """``{shape: reason}`` for the patterns (``{shape: pattern}``) that cannot be used."""
    out = {}
    for shape, pattern in patterns.items():
        regex, reason = for_shape(shape, pattern)
        if regex is None:
            out[shape] = reason
    return out
