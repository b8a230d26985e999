"""codegen/service_regex.py: the model's patterns as the service reads them (Java's
java.util.regex, matched against the whole value), translated to Rust `regex` syntax.

Java itself is the oracle: one JVM run per module (a single-file source program written
to a temp dir, fed every (pattern, value) pair of this module) says what
`Pattern.compile(p).matcher(v).matches()` answers, or the compile error. Each translation
is run with the `regex` module (V1: nested classes and `&&`, `\\p{..}`, as in the Rust
crate), after spelling the few Rust-only tokens the translator writes the Python way
(`as_python`), and must answer the same. Compared: every table case, every pattern of the
pinned model (values drawn by hypothesis from Python's reading of the pattern, plus
mutations), botocore 1.44.5's `\\p{L}` pattern, and a few hundred random small patterns
(a refusal that blames Java must be a Java error, and what is translated must agree).
When the built package has `_core._match_pattern`, it is compared with Java on the
model's values too. That the translations compile with the Rust crate is checked by the
Rust unit tests (`validate::tests::model_patterns_compile`).

Java must be installed (`apt-get install -y default-jdk-headless`): without it this module
fails, it does not skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from typing import Optional

import pytest
import regex as regex_module
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_translator():
    path = os.path.join(ROOT, "codegen", "service_regex.py")
    spec = importlib.util.spec_from_file_location("_service_regex_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


S = _load_translator()

# The Rust-only tokens the translator writes, and their spelling for the `regex` module:
# \x{H} -> \UHHHHHHHH, \z (end of text) -> \Z. Every other token it writes (classes with
# nested classes, && and [^..], \p{gc=..}, \p{sc=..}, \A, groups, quantifiers) means the
# same to both engines.
_RUST_TOKEN = re.compile(r"\\x\{([0-9A-F]+)\}|\\z|\\.|.", re.DOTALL)


def as_python(rust: str):
    def spell(m: re.Match) -> str:
        if m.group(1):
            return "\\U%08X" % int(m.group(1), 16)
        if m.group(0) == "\\z":
            return "\\Z"
        return m.group(0)

    return regex_module.compile(_RUST_TOKEN.sub(spell, rust), regex_module.V1)


def translated_matches(pattern: str, value: str) -> bool:
    return as_python(S.to_rust(pattern)).search(value) is not None


# --------------------------------------------------------------------------------------
# The oracle: java.util.regex, one JVM run for the module
# --------------------------------------------------------------------------------------

ORACLE_JAVA = r"""
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.regex.*;

public class Oracle {
    /** The value, giving up (an Error) when a match takes over 200 ms: a backtracking
     * blow-up (the model has some: a run of "-" against (-*[a-z\\-]){0,63}) must not
     * hang the tests. */
    static final class Timed implements CharSequence {
        final String s; final long deadline; int calls;
        Timed(String s, long deadline) { this.s = s; this.deadline = deadline; }
        public char charAt(int i) {
            if ((++calls & 0xFFFF) == 0 && System.nanoTime() > deadline) throw new Error("timeout");
            return s.charAt(i);
        }
        public int length() { return s.length(); }
        public CharSequence subSequence(int a, int b) { return s.subSequence(a, b); }
        public String toString() { return s; }
    }
    static String unhex(String h) {
        char[] c = new char[h.length() / 4];
        for (int i = 0; i < c.length; i++) c[i] = (char) Integer.parseInt(h.substring(4 * i, 4 * i + 4), 16);
        return new String(c);
    }
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        out.println("V" + System.getProperty("java.version"));
        Map<String, Object> compiled = new HashMap<>();
        for (String line; (line = in.readLine()) != null; ) {
            int sp = line.indexOf(' ');
            String p = unhex(sp < 0 ? line : line.substring(0, sp));
            Object c = compiled.get(p);
            if (c == null) {
                try { c = Pattern.compile(p); }
                catch (PatternSyntaxException e) { c = "E" + e.getDescription(); }
                compiled.put(p, c);
            }
            if (c instanceof String) { out.println(((String) c).replace('\n', ' ')); continue; }
            if (sp < 0) { out.println("ok"); continue; }
            Timed value = new Timed(unhex(line.substring(sp + 1)), System.nanoTime() + 200_000_000L);
            try { out.println(((Pattern) c).matcher(value).matches() ? "1" : "0"); }
            catch (Throwable t) { out.println("timeout".equals(t.getMessage()) ? "T" : "X" + t.getClass().getName()); }
        }
        out.flush();
    }
}
"""

JAVA_MISSING = (
    "java (a JDK, 11 or newer) is needed: it is the oracle these tests compare the "
    "translations with. Install it: apt-get install -y default-jdk-headless"
)


def _utf16_hex(s: str) -> str:
    return s.encode("utf-16-be", "surrogatepass").hex()


class Java:
    """Answers of java.util.regex for a batch of (pattern, value or None) queries."""

    def __init__(self, workdir: str, queries):
        java = shutil.which("java")
        if java is None:
            pytest.fail(JAVA_MISSING, pytrace=False)
        source = os.path.join(workdir, "Oracle.java")
        with open(source, "w", encoding="utf-8") as f:
            f.write(ORACLE_JAVA)
        queries = list(dict.fromkeys(queries))
        text = "".join(_utf16_hex(p) + ("" if v is None else " " + _utf16_hex(v)) + "\n" for p, v in queries)
        proc = subprocess.run([java, "-XX:TieredStopAtLevel=1", source], input=text.encode("ascii"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        lines = proc.stdout.decode("utf-8").split("\n")
        if proc.returncode != 0 or len(lines) < len(queries) + 1:
            pytest.fail(f"the Java oracle failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}", pytrace=False)
        self.version = lines[0][1:]
        self.answers = dict(zip(queries, lines[1:]))

    def compiles(self, pattern: str) -> bool:
        return not self.answers[(pattern, None)].startswith("E")

    def error(self, pattern: str) -> str:
        return self.answers[(pattern, None)]

    def matches(self, pattern: str, value: str) -> Optional[bool]:
        """Java's answer, or None when Java gave up (a backtracking blow-up) or crashed
        (Java 17 throws a NullPointerException matching ``[a-&&]``)."""
        answer = self.answers[(pattern, value)]
        assert answer in ("0", "1", "T") or answer.startswith("X"), f"Java: {pattern!r} on {value!r}: {answer}"
        return None if answer[0] in "TX" else answer == "1"

    def crashes(self, pattern: str, value: str) -> bool:
        return self.answers[(pattern, value)].startswith("X")


def test_missing_java_fails_saying_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y default-jdk-headless"):
        Java(str(tmp_path), [])


# --------------------------------------------------------------------------------------
# Tables: (Java pattern, value, whether Java's matches() is true)
# --------------------------------------------------------------------------------------

BOTOCORE_1_44_5 = r"\p{L}[\p{L}\p{M}0-9_]*( [\p{L}\p{M}0-9_]+)*"

CASES = [
    # the whole value, as the services match (the two refusals the docstring cites)
    ("[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", "https://aws-quickstart.s3.amazonaws.com/t.json", False),
    ("[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", "my-stack-1", True),
    ("[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", "arn:aws:cloudformation:x", True),
    (r"[\.\-_A-Za-z0-9]+", "${CIRCLE_BRANCH}-zambas-scheduled-task", False),
    (r"[\.\-_A-Za-z0-9]+", "main-zambas-scheduled-task", True),
    ("b", "abc", False),
    ("abc", "abc", True),
    ("a|b", "ab", False),
    ("a|bc", "bc", True),
    ("", "", True),
    ("", "a", False),
    # ^ and \A are the start; $ and \Z the end (and before a final terminator: see REFUSED)
    ("^a|b$", "a", True),
    ("^a|b$", "xb", False),
    ("^abc$", "abc", True),
    ("a$", "a", True),
    ("a$", "a\n", False),  # $ may stand before the "\n", but nothing consumes it
    ("a$", "a\r\n", False),
    ("a\\Z", "a\n", False),
    ("a\\z", "a", True),
    ("\\Aa", "a", True),
    (".*(^[a-z]+$)|(^x$).*", "abc", True),
    (".*(^[a-z]+$)|(^x$).*", "ab1", False),
    (".*(^[a-z]+$)|(^x$).*", "x\n", False),
    ("(?:a$)?", "", True),
    ("(?:a|b$)+", "ab", True),
    ("(?:a|b$)+", "ba", False),
    # . is anything but Java's five line terminators
    (".", "\n", False),
    (".", "\r", False),
    (".", "\x85", False),
    (".", "\u2028", False),
    (".", "\u2029", False),
    (".", "\x0b", True),
    (".", "\x0c", True),
    (".", "\x00", True),
    (".", "é", True),
    (".", "\U0001F600", True),
    ("..", "\r\n", False),
    ("a.c", "abc", True),
    # \d \w \s are ASCII
    (r"\d+", "0123456789", True),
    (r"\d", "\u0663", False),
    (r"\D", "\u0663", True),
    (r"\w+", "az_AZ09", True),
    (r"\w", "é", False),
    (r"\W", "é", True),
    (r"\W", "-", True),
    (r"\s+", " \t\n\x0b\f\r", True),
    (r"\s", "\xa0", False),
    (r"\s", "\x85", False),
    (r"\s", "\u3000", False),
    (r"\s", "\x1c", False),
    (r"\S", "\xa0", True),
    (r"\S", " ", False),
    # \h \v
    (r"\h", "\u180e", True),
    (r"\h", "\xa0", True),
    (r"\h", "\n", False),
    (r"\H", "\u2000", False),
    (r"\v", "\x0b", True),
    (r"\v", "\x85", True),
    (r"\v", "\u2029", True),
    (r"\v", " ", False),
    (r"\V", "a", True),
    # escapes
    (r"\t\n\r\f\a\e", "\t\n\r\f\x07\x1b", True),
    (r"\0101", "A", True),
    (r"\0377", "\xff", True),
    (r"\0400", " 0", True),  # a third octal digit only after 0-3
    (r"\018", "\x018", True),
    (r"\x41\x7e", "A~", True),
    (r"\x{1F600}", "\U0001F600", True),
    (r"\x{0}", "\x00", True),
    (r"\u00e9\u0041", "éA", True),
    (r"\uD83D\uDE00", "\U0001F600", True),  # a \u surrogate pair is one code point
    (r"\cJ", "\n", True),
    (r"\cj", "*", True),  # X XOR 64, Java's rule
    (r"\ca", "!", True),
    (r"\c?", "\x7f", True),
    (r"\/\-\+\.\$\^\|\*\?\(\)\[\]\{\}", "/-+.$^|*?()[]{}", True),
    (r"\.", "x", False),
    (r"\é\ \#\<\>\~\&", "é #<>~&", True),
    (r"\\", "\\", True),
    # literals
    ("}", "}", True),
    ("]", "]", True),
    ("a}b]", "a}b]", True),
    ("données", "données", True),
    ("\U0001F600+", "\U0001F600\U0001F600", True),
    ("\U0001F600{2}", "\U0001F600\U0001F600", True),
    (".{2}", "\U0001F600\U0001F600", True),  # code points, not UTF-16 units
    (".{2}", "\U0001F600", False),
    ("#a b", "#a b", True),
    # \Q...\E
    (r"\Qa.b\E", "a.b", True),
    (r"\Qa.b\E", "axb", False),
    (r"\Qa.b", "a.b", True),  # no \E: quoted to the end
    (r"\Q(\E+", "((", True),
    (r"\Qab\E+", "abb", True),
    (r"\Qab\E+", "abab", False),
    (r"\Q\E", "", True),
    (r"\Q\\E", "\\", True),
    (r"\Qa\Eb\Qc\E", "abc", True),
    (r"\01\Q2\E", "\x012", True),  # the quoted digit is not the escape's third digit
    (r"\01\Q2\E", "\n", False),
    (r"[\Q-\E]", "-", True),
    (r"[a\Q-\Ez]", "b", False),
    (r"[a\Q-\Ez]", "-", True),
    (r"[a-\Q\Ez]", "b", True),
    (r"[\Q]\E]", "]", True),
    (r"[\Q^\Ea]", "^", True),
    # classes: union, nesting, intersection, negation of the whole
    ("[]a]", "]", True),
    ("[^]a]", "b", True),
    ("[^]a]", "]", False),
    ("[a[b]]", "b", True),
    ("[a[b]c]", "c", True),
    ("[^a[b]]", "b", False),
    ("[^a[b]]", "c", True),
    ("[[a][b]]", "b", True),
    ("[a-z&&[^aeiou]]", "b", True),
    ("[a-z&&[^aeiou]]", "e", False),
    ("[a-z&&[def][x]]", "x", True),
    ("[a-z&&[def]&&[e-z]]", "e", True),
    ("[a-z&&[def]&&[e-z]]", "d", False),
    ("[a-z&&b-y&&c]", "c", True),
    ("[a-z&&b-y&&c]", "b", False),
    ("[a&&b]", "a", False),
    ("[a-z&&def]", "e", True),
    ("[a-z&&def]", "g", False),
    ("[a-z&&de[f]]", "f", True),
    ("[^a-z&&[^b]]", "b", True),
    ("[^a-z&&[^b]]", "c", False),
    ("[ab&&b&&^b]", "b", True),  # "^" after && is a literal
    ("[a&b]", "&", True),
    ("[a&&b&c]", "&", False),
    ("[a-[b]]", "-", True),
    ("[a-[b]]", "b", True),
    (r"[\d-z]", "-", True),
    (r"[\d-z]", "m", False),
    ("[--/]", ".", True),
    ("[a-]", "-", True),
    ("[-a]", "-", True),
    ("[]-a]", "^", True),
    (r"[\v-]", "\x0b", True),  # \v before "-" is VT (a range may follow)
    (r"[\v-]", "\x85", False),
    (r"[\v-\v]", "\x0b", True),
    (r"[\v]", "\x85", True),
    (r"[\x00-\v]", "\x05", True),
    (r"[\x00-\v]", "\x0c", False),
    (r"[\\]", "\\", True),
    (r"[\[]", "[", True),
    (r"[\]]", "]", True),
    ("[.]", "x", False),
    ("[$^|]", "^", True),
    (r"[\s\S]", "\n", True),
    (r"[^\s\S]", "a", False),
    (r"[\w&&[^\d]]", "5", False),
    (r"[\w&&[^\d]]", "_", True),
    (r"[\x{61}-\x7A]", "m", True),
    (r"[a-\u007a]", "m", True),
    (r"[\0141-c]", "b", True),
    (r"[\cA-\cZ]", "\x05", True),
    (r"[\t-\r]", "\x0b", True),
    ("[ -\xff]+", " ÿ", True),
    ("[ -\xff]", "Ā", False),
    ("[\U0001F600-\U0001F64F]", "\U0001F610", True),
    # Unicode properties: general categories
    (r"\p{L}", "é", True),
    (r"\p{L}", "1", False),
    (r"\pL", "Ω", True),
    (r"\pLu", "Au", True),
    (r"\p{Lu}", "a", False),
    (r"\p{IsLu}", "A", True),
    (r"\p{gc=Lu}", "A", True),
    (r"\p{general_category=Ll}", "a", True),
    (r"\p{GC=Nd}", "\u0663", True),
    (r"\P{L}", "\n", True),
    (r"\P{L}", "a", False),
    (r"\PL", "1", True),
    (r"\p{M}", "\u0301", True),
    (r"\p{Mn}", "\u0301", True),
    (r"\p{Mc}", "\u0903", True),
    (r"\p{Me}", "\u20dd", True),
    (r"\p{N}", "½", True),
    (r"\p{Nd}", "½", False),
    (r"\p{Nl}", "Ⅻ", True),
    (r"\p{No}", "½", True),
    (r"\p{P}", "¿", True),
    (r"\p{Pd}", "-", True),
    (r"\p{Ps}", "(", True),
    (r"\p{Pe}", ")", True),
    (r"\p{Pc}", "_", True),
    (r"\p{Po}", "!", True),
    (r"\p{Pi}", "«", True),
    (r"\p{Pf}", "»", True),
    (r"\p{S}", "€", True),
    (r"\p{Sc}", "€", True),
    (r"\p{Sm}", "+", True),
    (r"\p{Sk}", "^", True),
    (r"\p{So}", "©", True),
    (r"\p{Z}", "\u3000", True),
    (r"\p{Zs}", " ", True),
    (r"\p{Zl}", "\u2028", True),
    (r"\p{Zp}", "\u2029", True),
    (r"\p{C}", "\x00", True),
    (r"\p{C}", "\u0378", True),  # unassigned is "Other"
    (r"\p{Cn}", "\u0378", True),
    (r"\p{Cn}", "a", False),
    (r"\p{Cc}", "\x7f", True),
    (r"\p{Cf}", "\u200b", True),
    (r"\p{Co}", "\ue000", True),
    (r"\p{Cs}", "a", False),
    (r"\P{Cs}", "a", True),
    (r"\p{LC}", "ǅ", True),
    (r"\p{LC}", "ʰ", False),
    (r"\p{Lt}", "ǅ", True),
    (r"\p{Lm}", "ʰ", True),
    (r"\p{Lo}", "中", True),
    (r"\p{LD}", "\u0663", True),
    (r"\p{LD}", "_", False),
    (r"\p{L1}", "ÿ", True),
    (r"\p{L1}", "Ā", False),
    (r"\p{all}", "\n", True),
    (r"\p{IsL}", "中", True),
    (r"\p{Isall}", "\n", True),
    # POSIX names: US-ASCII only
    (r"\p{Alpha}", "é", False),
    (r"\p{Alpha}", "a", True),
    (r"\p{Upper}", "É", False),
    (r"\p{Upper}", "Q", True),
    (r"\p{Lower}", "z", True),
    (r"\p{Digit}", "\u0663", False),
    (r"\p{Alnum}", "_", False),
    (r"\p{Punct}", "_", True),
    (r"\p{Punct}", "¿", False),
    (r"\p{Graph}", " ", False),
    (r"\p{Graph}", "~", True),
    (r"\p{Print}", " ", True),
    (r"\p{Blank}", "\t", True),
    (r"\p{Blank}", "\n", False),
    (r"\p{Cntrl}", "\x7f", True),
    (r"\p{Cntrl}", "\x85", False),
    (r"\p{XDigit}", "f", True),
    (r"\p{XDigit}", "g", False),
    (r"\p{Space}", "\x0b", True),
    (r"\p{Space}", "\xa0", False),
    (r"\p{ASCII}", "\x7f", True),
    (r"\p{ASCII}", "\x80", False),
    (r"\p{gc=Alpha}", "a", True),  # gc= resolves the same names as \p{..}
    (r"\P{Alpha}", "é", True),
    # scripts
    (r"\p{IsLatin}", "é", True),
    (r"\p{IsLatin}", "Ω", False),
    (r"\p{IsGreek}", "Ω", True),
    (r"\p{sc=Grek}", "α", True),
    (r"\p{script=cyrillic}", "Ж", True),
    (r"\p{IsLATN}", "a", True),
    (r"\p{IsHan}", "中", True),
    (r"\p{IsCommon}", "1", True),
    (r"\p{IsInherited}", "\u0301", True),
    (r"\p{IsOld_Italic}", "\U00010300", True),
    (r"\P{IsLatin}", "1", True),
    # ... inside classes
    (r"[\p{L}\d]+", "a1é", True),
    (r"[\P{L}]", "1", True),
    (r"[^\p{L}]", "a", False),
    (r"[^\P{L}]", "a", True),
    (r"[\p{L}&&[^a-z]]", "a", False),
    (r"[\p{L}&&[^a-z]]", "é", True),
    (r"[\p{IsGreek}\p{IsLatin}]+", "aΩ", True),
    (r"[\p{Lu}&&\p{IsGreek}]", "Ω", True),
    (r"[\p{Lu}&&\p{IsGreek}]", "ω", False),
    (r"[^\p{Lu}&&\p{IsGreek}]", "ω", True),
    (r"[a\pN]", "½", True),
    (r"[\p{L}&&[\p{Lu}[0-9]]]", "A", True),
    (r"[\p{L}&&[\p{Lu}[0-9]]]", "5", False),
    (r"[\p{Alpha}&&\p{L}]", "é", False),
    # botocore 1.44.5's bedrock model
    (BOTOCORE_1_44_5, "Hello", True),
    (BOTOCORE_1_44_5, "héllo wörld", True),
    (BOTOCORE_1_44_5, "日本語 テキスト", True),
    (BOTOCORE_1_44_5, "e\u0301", True),
    (BOTOCORE_1_44_5, "\u0301e", False),
    (BOTOCORE_1_44_5, "1abc", False),
    (BOTOCORE_1_44_5, "a  b", False),
    (BOTOCORE_1_44_5, "a b_1", True),
    (BOTOCORE_1_44_5, "a-b", False),
    (BOTOCORE_1_44_5, "a ", False),
    (BOTOCORE_1_44_5, "", False),
    (BOTOCORE_1_44_5, "Ωmega_9 x", True),
    (BOTOCORE_1_44_5, "a\tb", False),
    (BOTOCORE_1_44_5, "a\u3000b", False),
    # quantifiers and groups
    ("(?:ab|cd){2}", "abcd", True),
    ("(?:ab|cd){2}", "abxcd", False),
    ("a{2,3}", "aaaa", False),
    ("a{2,}", "aaaaa", True),
    ("a{0}", "", True),
    ("a{01,002}", "aa", True),
    ("a+?", "aaa", True),
    ("a{1,2}?b", "aab", True),
    ("a??b", "ab", True),
    ("(|-cn)x", "-cnx", True),
    ("(|-cn)x", "x", True),
    ("(?<year>[0-9]{4})-", "2024-", True),
    ("(?<Y2>a)(?<z>b)?", "a", True),
    ("()", "", True),
    ("(|)", "", True),
    ("a||b", "", True),
    ("(a|)*b", "aab", True),
    ("(a?){3}", "aa", True),
    ("((a)|b)+", "abba", True),
    # an empty iteration ends a repetition in Java: fine where it can come last
    ("(a?){3}", "a", True),
    (r"(\z|a){3}", "aa", True),
    ("($|a){2}", "a", True),
    ("(^|a)+", "a", True),
    ("(^|a){1,}", "", True),
    ("(^a|b){2}", "ab", True),
]


@pytest.fixture(scope="session")
def java(tmp_path_factory):
    queries = [(p, v) for p, v, _ in CASES]
    queries += [(p, None) for p, _, _ in REFUSED]
    queries += [(p, v) for p, values in model_values().items() for v in values]
    patterns, values = fuzz_patterns()
    queries += [(p, None) for p in patterns] + [(p, v) for p in patterns for v in values]
    queries += [(p, None) for p in PROPERTY_PATTERNS] + [(p, c) for p in PROPERTY_PATTERNS for c in _SAMPLE]
    return Java(str(tmp_path_factory.mktemp("java-oracle")), queries)


@pytest.mark.parametrize("pattern, value, expected", CASES, ids=[f"{i}:{c[0][:40]}" for i, c in enumerate(CASES)])
def test_translation_means_what_java_means(java, pattern, value, expected):
    assert java.matches(pattern, value) is expected, f"the table is wrong about Java {java.version}"
    rust = S.to_rust(pattern)
    assert rust.isascii() and rust.isprintable(), rust  # fits the generated raw strings
    assert rust.startswith("\\A(?:") and rust.endswith(")\\z")
    assert translated_matches(pattern, value) is expected, rust


EXACT = {
    "": r"\A(?:)\z",
    "a|b": r"\A(?:a|b)\z",
    "^a$": r"\A(?:\Aa\z)\z",
    r"\d": r"\A(?:[0-9])\z",
    r"\w": r"\A(?:[0-9A-Z_a-z])\z",
    r"\s": r"\A(?:[\x{9}-\x{D} ])\z",
    r"\S": r"\A(?:[^\x{9}-\x{D} ])\z",
    ".": r"\A(?:[^\x{A}\x{D}\x{85}\x{2028}\x{2029}])\z",
    r"\p{L}": r"\A(?:\p{gc=L})\z",
    r"\P{Lu}": r"\A(?:\P{gc=Lu})\z",
    r"\p{IsLatin}": r"\A(?:\p{sc=Latin})\z",
    r"\p{sc=ital}": r"\A(?:\p{sc=Old_Italic})\z",
    r"\p{Cs}": r"\A(?:[^\x{0}-\x{10FFFF}])\z",
    r"\p{Alpha}": r"\A(?:[A-Za-z])\z",
    BOTOCORE_1_44_5: r"\A(?:\p{gc=L}[0-9_\p{gc=L}\p{gc=M}]*( [0-9_\p{gc=L}\p{gc=M}]+)*)\z",
    r"[\p{L}&&[^a-z]]": r"\A(?:[\p{gc=L}&&[^a-z]])\z",
    r"[^\p{L}\d]": r"\A(?:[^0-9\p{gc=L}])\z",
    "[a-z&&[^aeiou]]": r"\A(?:[b-df-hj-np-tv-z])\z",
    "[]a]": r"\A(?:[\]a])\z",
    "[a-]": r"\A(?:[\-a])\z",
    "[\\s\\S]+": r"\A(?:[\x{0}-\x{10FFFF}]+)\z",
    "(?<n>a)(?:b)": r"\A(?:(a)(?:b))\z",
    "a{01,002}?c*?d+?": r"\A(?:a{1,2}?c*?d+?)\z",
    r"\Qa.b\E+": r"\A(?:a\.b+)\z",
    "\u00e9\U0001F600": r"\A(?:\x{E9}\x{1F600})\z",
    "[    -\xff]+": r"\A(?:[ -\x{FF}]+)\z",
    "#~&<": r"\A(?:\#\~\&<)\z",
}


@pytest.mark.parametrize("pattern, rust", EXACT.items(), ids=list(EXACT))
def test_exact_translations(pattern, rust):
    assert S.to_rust(pattern) == rust


# --------------------------------------------------------------------------------------
# Refused: (pattern, part of the reason, whether Java compiles it: None if that depends
# on the JDK). A reason that blames Java ("(Java: <its message>)") is a Java error.
# --------------------------------------------------------------------------------------

REFUSED = [
    # what the Rust crate cannot express
    ("(?=a)a", "lookahead", True),
    ("a(?!b)", "lookahead", True),
    ("(?<=a)b", "lookbehind", True),
    ("(?<!a)b", "lookbehind", True),
    ("(?>a)", "atomic group", True),
    (r"(a)\1", "backreference", True),
    (r"\1", "backreference", True),  # Java: no such group, never matches
    (r"(?<n>a)\k<n>", "named backreference", True),
    ("a*+", "possessive", True),
    ("a?+", "possessive", True),
    ("a{1,2}+", "possessive", True),
    ("(ab)++", "possessive", True),
    ("a$\\n", "line terminator", True),  # Java: matches "a\n"
    (r"a$\s*", "line terminator", True),
    ("a$[^x]", "line terminator", True),
    ("(?:a$)+\\r", "line terminator", True),
    ("(?:a\\Z|\\n)+", "line terminator", True),
    ("a$\\r\\n?", "line terminator", True),
    ("a$.*\\x{85}?", "line terminator", True),
    (r"a$\p{C}*", "line terminator", True),
    (r"a$[\p{Zl}]", "line terminator", True),
    (r"a$\p{IsCommon}", "line terminator", True),
    # meaning in doubt
    ("(?i)a", "inline flags", True),
    ("(?i:a)", "inline flags", True),
    ("(?x) a", "inline flags", True),
    ("(?-s)a", "inline flags", True),
    (r"\R", "line break", True),  # Java backtracks into \R only outside a repetition
    (r"\R\n", "line break", True),
    (r"\R?\n", "line break", True),
    ("(^|a){2}", "start-of-input assertion in a repetition", True),  # Java: not "a"
    (r"(?:\A|b){2,}", "start-of-input assertion in a repetition", True),
    ("((^|a)?){2}", "start-of-input assertion in a repetition", True),  # (Java: "a" matches)
    (r"\b", "word boundary", True),
    (r"a\Bb", "word boundary", True),
    (r"\b{g}", "grapheme", True),
    (r"\Ga", "previous match", True),
    (r"\X", "grapheme", True),
    (r"\N{LATIN SMALL LETTER A}", "Unicode name", True),
    (r"\p{IsAlphabetic}", "binary property", True),
    (r"\p{IsAlpha}", "binary property", True),  # Unicode's, unlike \p{Alpha}
    (r"\p{Isdigit}", "binary property", True),
    (r"\p{IsWhite_Space}", "binary property", True),
    (r"\p{IsPunctuation}", "binary property", True),
    (r"\p{IsEmoji}", "binary property", None),  # JDK 21+
    (r"\p{InGreek}", "block", True),
    (r"\p{InFoo}", "block", None),  # block names are not checked (Java: no such block)
    (r"\p{blk=Greek}", "block", True),
    (r"[\p{InBasicLatin}]", "block", True),
    (r"\p{javaLowerCase}", "java.lang.Character", True),
    (r"\p{IsjavaDigit}", "java.lang.Character", True),
    (r"\p{IsUnknown}", "Unknown script", True),
    (r"\p{sc=Zzzz}", "Unknown script", True),
    ("^*a", "quantified assertion", True),
    (r"\A+", "quantified assertion", True),
    ("a$?", "quantified assertion", True),
    ("{2}a", "nothing to repeat", True),  # Java repeats "" there
    ("a{2}{3}", "nothing to repeat", True),
    ("a|{2}", "nothing to repeat", True),
    ("a|{2}{", "Illegal repetition", False),  # a Java error further on is Java's error
    ("(?=a)[", "Unclosed character class", False),
    ("(?i)", "inline flags", True),
    ("(?i", "Unknown inline modifier", False),
    (r"\k<a>", "does not exist", False),
    (r"\kx", "not followed by '<'", False),
    (r"\N", "Illegal character name", False),
    ("[&&]", "Bad class syntax", False),
    ("[a-&&&b]", "Illegal character range", False),
    ("[a-&]", "Illegal character range", False),
    ("[a&&[b]c]", "dropping the nested classes", True),
    ("[a&&[b][c]d]", "dropping the nested classes", True),
    ("[a&&[b]&c]", "dropping the nested classes", True),
    ("[a&&]", "nothing after", True),
    ("[a&&&b]", "nothing after", True),
    ("[&&a]", "nothing before", True),
    ("\ud800", "surrogate", True),
    (r"\ud800", "surrogate", True),
    (r"\x{DC00}", "surrogate", True),
    (r"[\uDFFF]", "surrogate", True),
    ("(" * 150 + ")" * 150, "nested", True),
    # Java errors
    ("a**", "Dangling meta character", False),
    ("*a", "Dangling meta character", False),
    ("a*?+", "Dangling meta character", False),
    ("a|?", "Dangling meta character", False),
    ("a{", "Illegal repetition", False),
    ("a{,2}", "Illegal repetition", False),
    ("a{x}", "Illegal repetition", False),
    ("a{1", "Unclosed counted closure", False),
    ("a{1,a}", "Unclosed counted closure", False),
    ("a{3,2}", "Illegal repetition range", False),
    ("x{99999999999}", "Illegal repetition range", False),
    ("(a", "Unclosed group", False),
    ("a)", "Unmatched closing", False),
    ("(?", "Unknown inline modifier", False),
    ("(?#c)", "Unknown inline modifier", False),
    ("(?<1a>x)", "Latin letter", False),
    ("(?<a_b>x)", "missing trailing", False),
    ("(?<a>x)(?<a>y)", "already defined", False),
    ("[a", "Unclosed character class", False),
    ("[]", "Unclosed character class", False),
    ("[^]", "Unclosed character class", False),
    ("[a-", "Illegal character range", False),  # the end of the pattern read as U+0000
    ("[[a]", "Unclosed character class", False),
    ("[z-a]", "Illegal character range", False),
    ("[a--]", "Illegal character range", False),
    (r"[a-\d]", "Illegal character range", False),
    (r"[a-\]]", "Illegal character range", False),
    (r"[\b]", "Illegal/unsupported escape", False),
    (r"[\1]", "Illegal/unsupported escape", False),
    (r"[\R]", "Illegal/unsupported escape", False),
    (r"[\z]", "Illegal/unsupported escape", False),
    (r"[a-\pL]", "Illegal/unsupported escape", False),
    ("\\", "Unexpected internal error", False),
    (r"\g", "Illegal/unsupported escape", False),
    (r"\i", "Illegal/unsupported escape", False),
    (r"\E", "Illegal/unsupported escape", False),
    (r"\y", "Illegal/unsupported escape", False),
    (r"\c", "Illegal control escape", False),
    (r"\x4", "Illegal hexadecimal escape", False),
    (r"\x{}", "Illegal hexadecimal escape", False),
    (r"\x{61", "Unclosed hexadecimal escape", False),
    (r"\x{110000}", "too big", False),
    (r"\u12", "Illegal Unicode escape", False),
    (r"\0", "Illegal octal escape", False),
    (r"\08", "Illegal octal escape", False),
    (r"\p{Latin}", "Unknown character property name", False),
    (r"\p{alpha}", "Unknown character property name", False),
    (r"\p{Islu}", "Unknown character property name", False),
    (r"\p{isLatin}", "Unknown character property name", False),
    (r"\p{IsOldItalic}", "Unknown character property name", False),
    (r"\p{gc=Uppercase_Letter}", "Unknown Unicode property", False),
    (r"\p{gc=IsL}", "Unknown Unicode property", False),
    (r"\p{foo=bar}", "Unknown Unicode property", False),
    (r"\p{}", "Empty character family", False),
    (r"\p{L", "Unclosed character family", False),
    (r"\p", "Unknown character property name", False),
]


@pytest.mark.parametrize("pattern, reason, java_compiles", REFUSED,
                         ids=[f"{i}:{r[0][:30]}" for i, r in enumerate(REFUSED)])
def test_refused_patterns_say_why(java, pattern, reason, java_compiles):
    with pytest.raises(S.PatternError) as info:
        S.to_rust(pattern)
    error = info.value
    assert reason in error.reason, error
    assert error.construct and error.construct.isascii() and 0 <= error.pos <= len(pattern)
    blames_java = "(Java: " in error.reason
    if java_compiles is not None:
        assert java.compiles(pattern) is java_compiles, java.error(pattern)
        # a reason that blames Java is a Java error, and names Java's own message
        assert blames_java is (not java.compiles(pattern)), (error.reason, java.error(pattern))
    if blames_java:
        message = error.reason.split("(Java: ", 1)[1].rstrip(")")
        assert java.error(pattern)[1:].startswith(message.split(" @")[0][:20]), (message, java.error(pattern))
    # the generator's entry point never raises: (None, one line)
    assert S.for_shape("SomeShape", pattern) == (None, str(error))
    assert "\n" not in str(error)


CONSTRUCTS = [
    ("ab(?=c)", "'(?='", 2),
    ("[a-z]\\1", "'\\\\1'", 5),
    ("a$\\n", "'$'", 1),
    ("ab\\Z\\n", "'\\\\Z'", 2),
    ("x*+", "'x*+'", 0),
    (r"\Qa.b\E(?!x)", "'(?!'", 7),  # offsets are in the pattern as written
    ("\U0001F600(?=a)", "'(?='", 1),
    ("[a&&[b]c]", "'&&[b]c'", 2),
    (r"\p{IsAlphabetic}", "'\\\\p{IsAlphabetic}'", 0),
]


@pytest.mark.parametrize("pattern, construct, pos", CONSTRUCTS, ids=[c[0] for c in CONSTRUCTS])
def test_refusals_name_the_construct_and_its_offset(pattern, construct, pos):
    with pytest.raises(S.PatternError) as info:
        S.to_rust(pattern)
    assert (info.value.construct, info.value.pos) == (construct, pos)
    assert str(info.value).startswith(f"{construct} at offset {pos}: ")


def test_for_shape_never_raises():
    for pattern in ("(" * 5000, "[" * 5000, "a" * 100000 + "(", None, 42, "\udfff" * 3):
        regex, reason = S.for_shape("S", pattern)
        assert regex is None and reason and "\n" not in reason
    assert S.for_shape("S", "[a-z]+") == (r"\A(?:[a-z]+)\z", None)


def test_unusable_reports_shape_and_reason():
    assert S.unusable({"A": "[a-z]+", "B": "(?=x)", "C": r"\p{L}", "D": "x\\b"}) == {
        "B": S.for_shape("B", "(?=x)")[1],
        "D": S.for_shape("D", "x\\b")[1],
    }
    assert S.unusable({}) == {}


# --------------------------------------------------------------------------------------
# Random small patterns: what is translated agrees with Java; what Java rejects is refused
# --------------------------------------------------------------------------------------

_TOKENS = ["[", "]", "^", "&", "&&", "-", "a", "b", "z", "é", " ", ".", "|", "(", ")", "(?:",
           "*", "+", "?", "{2}", "{0,1}", "$", "\\d", "\\s", "\\w", "\\S", "\\v", "\\h", "\\n", "\\r",
           "\\p{L}", "\\P{Lu}", "\\pN", "\\p{IsLatin}", "\\p{IsGreek}", "\\p{Alpha}", "\\Q", "\\E",
           "\\-", "\\]", "\\x{61}", "\\u0062", "\\0141", "\\R", "\\Z", "\\z", "\\A", "\\t", "\\c",
           "[^", "[a-z]", "\U0001F600", "\\x{1F600}", "\\\\", "\\uD83D\\uDE00", "(^|a)"]
# character classes: Java's clazz() has the most corners
_CLASS_TOKENS = ["[", "[", "]", "]", "^", "&", "&&", "-", "a", "b", "c", "z", "\\d", "\\D",
                 "\\p{L}", "\\P{IsGreek}", "[a-c]", "[^b]", "\\v", "\\Q-\\E", "\\-", "\\[", "Ω"]
_VALUES = ["", "a", "b", "c", "z", "ab", "ba", "aa", "aaa", "é", "-", "&", "^", "[", "]", " ", "\n",
           "a\n", "\r\n", "a\r\n", "\x0b", "\x85", "\u2028", "1", "A", "_", "\\", "Ω", "ω", "a b",
           "\t", "\x01", "\U0001F600", "\u0301"]
_FUZZ = []


def fuzz_patterns():
    """A few hundred random small patterns (derandomized: the same each run), and values."""
    if _FUZZ:
        return _FUZZ[0], _VALUES
    patterns = []

    @settings(max_examples=400, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=7),
           st.lists(st.sampled_from(_CLASS_TOKENS), min_size=2, max_size=9))
    def collect(tokens, class_tokens):
        patterns.append("".join(tokens))
        patterns.append("[" + "".join(class_tokens) + "]")

    collect()
    _FUZZ.append(list(dict.fromkeys(patterns)))
    return _FUZZ[0], _VALUES


def test_random_patterns_agree_with_java(java):
    patterns, values = fuzz_patterns()
    translated = refused = 0
    problems = []
    for pattern in patterns:
        try:
            rust = S.to_rust(pattern)
        except S.PatternError as e:
            refused += 1
            if ("(Java: " in e.reason) is java.compiles(pattern):
                problems.append(f"{pattern!r}: refused ({e}) but Java says {java.error(pattern)}")
            continue
        translated += 1
        if not java.compiles(pattern):
            problems.append(f"{pattern!r}: translated to {rust!r} but Java says {java.error(pattern)}")
            continue
        compiled = as_python(rust)
        for value in values:
            if java.crashes(pattern, value):
                problems.append(f"{pattern!r}: translated to {rust!r} but Java crashes on {value!r}")
            elif (compiled.search(value, timeout=5) is not None) is not java.matches(pattern, value):
                problems.append(f"{pattern!r} on {value!r}: Java {java.matches(pattern, value)}, {rust!r} not")
    assert not problems, "\n".join(problems[:30])
    assert translated > 200 and refused > 100, (translated, refused)


# --------------------------------------------------------------------------------------
# Property names: every category, POSIX name and script Java 17 knows, in the spellings
# Java accepts, against Java on a sample of characters (assigned long before Unicode 13,
# so that Java's tables and the `regex` module's agree on them)
# --------------------------------------------------------------------------------------

_SAMPLE = list("aZ09_ -\t\n\x7f\x85\xa0\xad éßÆǅʰ\u0301\u0903\u20dd½Ⅻ¿«»€+^©\u2028\u2029\u3000\u200b"
               "\ue000\u0378ΩωЖж中あア한\u0663\u0966ก\u05d0\u0627\u1100\U0001F600\U00010300\U0001D400"
               "\u2160\u00b2ԱაሀᎠᚠᚁកᠠཀ⠁\U00010330\U00010400ⲁ\x00\x1f~`!")


def _property_patterns():
    names = []
    for name in list(S.GENERAL_CATEGORIES) + ["LD"] + list(S.POSIX):
        names += [name, "gc=" + name, "General_Category=" + name]
        if name.upper() not in S.JAVA_BINARY_PROPERTIES:  # IsAlpha: Unicode's, refused
            names.append("Is" + name)
    for script in sorted(set(S.SCRIPTS.values())):
        names += ["Is" + script, "sc=" + script.upper()]
    names += ["IsLatn", "script=grek", "sc=Cyrl", "IsHANI"]
    return [f"\\{p}{{{name}}}" for name in dict.fromkeys(names) for p in "pP"]


PROPERTY_PATTERNS = _property_patterns()


def test_property_names_mean_what_java_means(java):
    problems = []
    for pattern in PROPERTY_PATTERNS:
        if not java.compiles(pattern):
            problems.append(f"{pattern}: Java says {java.error(pattern)}")
            continue
        compiled = as_python(S.to_rust(pattern))
        wrong = [c for c in _SAMPLE if (compiled.search(c) is not None) is not java.matches(pattern, c)]
        if wrong:
            problems.append(f"{pattern} -> {S.to_rust(pattern)}: differs from Java on {wrong[:5]}")
    assert not problems, "\n".join(problems[:30])
    assert len(PROPERTY_PATTERNS) > 400


# --------------------------------------------------------------------------------------
# The pinned model
# --------------------------------------------------------------------------------------


def _model_patterns():
    with open(os.path.join(ROOT, "codegen", "model", "service-2.json"), encoding="utf-8") as f:
        shapes = json.load(f)["shapes"]
    return {name: s["pattern"] for name, s in shapes.items() if "pattern" in s}


MODEL = _model_patterns()
_PROBES = ["", "a", "A", "0", " ", "\n", "x" * 70, "arn:aws:bedrock:us-east-1:123456789012:custom-model/abc",
           "s3://my-bucket/key", "DRAFT", "1", "us.anthropic.claude-v2:1", "\U0001F600"]
_MODEL_VALUES = {}


def model_values():
    """{pattern: values}: hypothesis draws from Python's reading of each pattern (mostly
    matching), their mutations (mostly not) and fixed probes."""
    if _MODEL_VALUES:
        return _MODEL_VALUES
    strategies = {}
    for pattern in sorted(set(MODEL.values())):
        try:
            strategies[pattern] = st.from_regex(re.compile(pattern, re.ASCII), fullmatch=True)
        except re.error:
            pass
    drawn = {p: [] for p in strategies}

    @settings(max_examples=4, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.data())
    def collect(data):
        for pattern, strategy in strategies.items():
            drawn[pattern].append(data.draw(strategy))

    collect()
    for pattern in set(MODEL.values()):
        values = list(_PROBES)
        for v in drawn.get(pattern, []):
            values += [v, v + "\n", v + "\r\n", v + "x", "x" + v, v[1:], v[:-1], v + " ",
                       v[:1] + "é" + v[2:], v[:1] + "\r" + v[1:], v[:1] + "\x85" + v[1:],
                       v[:1] + "\xa0" + v[1:], v.upper()]
        _MODEL_VALUES[pattern] = list(dict.fromkeys(values))
    return _MODEL_VALUES


def test_every_model_pattern_translates():
    assert len(MODEL) > 50
    assert S.unusable(MODEL) == {}
    for name, pattern in MODEL.items():
        rust, reason = S.for_shape(name, pattern)
        assert reason is None and rust.isascii() and rust.isprintable(), name


@pytest.mark.parametrize("pattern", sorted(set(MODEL.values())))
def test_model_pattern_agrees_with_java(java, pattern):
    compiled = as_python(S.to_rust(pattern))
    values = model_values()[pattern]
    decided = [v for v in values if java.matches(pattern, v) is not None]
    assert len(decided) >= len(values) * 0.9, f"Java gave up on {len(values) - len(decided)} values"
    disagree = [v for v in decided if (compiled.search(v, timeout=5) is not None) is not java.matches(pattern, v)]
    assert not disagree, f"{pattern!r}: {disagree[:5]}"


def test_model_values_exercise_both_answers(java):
    both = [p for p, values in model_values().items()
            if {java.matches(p, v) for v in values} >= {True, False}]
    assert len(both) >= len(model_values()) - 3, set(model_values()) - set(both)


def test_built_package_matches_like_java_when_it_can(java):
    """`_core._match_pattern(shape, value)` (the Rust side, when built with it) on the
    model's values, against Java."""
    try:
        from bedrock_customization import _core
    except ImportError:
        return
    match = getattr(_core, "_match_pattern", None)
    if match is None:
        return
    disagree = []
    for name, pattern in sorted(MODEL.items()):
        for value in model_values()[pattern]:
            if java.matches(pattern, value) is not None and match(name, value) is not java.matches(pattern, value):
                disagree.append((name, value))
    assert not disagree, (f"the installed build disagrees with Java {java.version} (built from an older "
                          f"src/generated/shapes.rs? regenerate and rebuild): {disagree[:10]}")


_SHAPE = re.compile(r'\n        name: "(\w+)",\n(?:.*\n)*?        regex: (None|Some\((Ok|Err)\('
                    r'(?:r(#*)"(.*?)"\4|"((?:[^"\\]|\\.)*)")\)\)),\n')


def _rust_literal(raw, plain):
    if raw is not None:
        return raw
    return re.sub(r"\\u\{([0-9a-f]+)\}|\\(.)",
                  lambda m: chr(int(m.group(1), 16)) if m.group(1) else {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(2), m.group(2)),
                  plain)


def test_generated_shape_table_carries_the_translations():
    """src/generated/shapes.rs has, next to each pattern, its translation (or the reason
    there is none): regenerate with `python codegen/generate.py` when this fails."""
    with open(os.path.join(ROOT, "src", "generated", "shapes.rs"), encoding="utf-8") as f:
        table = f.read()
    found = {}
    for m in _SHAPE.finditer(table):
        found[m.group(1)] = None if m.group(2) == "None" else (m.group(3), _rust_literal(m.group(5), m.group(6)))
    assert len(found) == table.count("\n    Shape {\n") > 0
    assert {name for name, rx in found.items() if rx is not None} == set(MODEL)
    for name, pattern in sorted(MODEL.items()):
        rust, reason = S.for_shape(name, pattern)
        assert found[name] == (("Ok", rust) if rust is not None else ("Err", reason)), name
