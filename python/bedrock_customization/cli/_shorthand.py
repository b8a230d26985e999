"""The AWS CLI's shorthand syntax: ``key=value,key2=[a,b],key3={k=v}`` ->
dicts, lists and strings (typed afterwards from the model, by ``_argv``)."""

from __future__ import annotations

_EOF = object()


class ShorthandError(Exception):
    pass


def _syntax_error(value: str, expected: str, actual: str, index: int) -> ShorthandError:
    return ShorthandError(
        f"Expected: '{expected}', received: '{actual}' for input:\n{value}\n{' ' * index}^"
    )


class ShorthandParser:
    """``key=value,key2=[a,b],key3={k=v}`` -> dicts, lists and strings."""

    _KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.#/:")

    def __init__(self) -> None:
        import re

        start = r"\!\#-&\(-\+\--\<\>-Z\\\\-z\u007c-\uffff"
        first = r"\s\!\#-&\(-\+\--\\\\\^-\|~-\uffff"
        second = r"\s\!\#-&\(-\+\--\<\>-\uffff"
        comma = r"(\\,)"
        self._first = ("first", re.compile(f"({comma}|[{start}])({comma}|[{first}])*"))
        self._second = ("second", re.compile(f"({comma}|[{start}])({comma}|[{second}])*"))
        self._single = ("singled quoted", re.compile(r"'(?:\\'|[^'])*'"))
        self._double = ("double quoted", re.compile(r'"(?:\\"|[^"])*"'))

    def parse(self, value: str):
        self._s = value
        self._i = 0
        params = {}
        key, val = self._keyval()
        params[key] = val
        last = self._i
        while self._i < len(self._s):
            self._expect(",", True)
            key, val = self._keyval()
            if key in params:
                raise ShorthandError(
                    f"Second instance of key \"{key}\" encountered for input:\n{self._s}\n{' ' * (last + 1)}^\n"
                    "This is often because there is a preceding \",\" instead of a space."
                )
            params[key] = val
            last = self._i
        return params

    def _keyval(self):
        key = self._key()
        self._expect("=", True)
        return key, self._values()

    def _key(self):
        start = self._i
        while self._i < len(self._s) and self._s[self._i] in self._KEY_CHARS:
            self._i += 1
        return self._s[start : self._i]

    def _values(self):
        if self._i >= len(self._s):
            return ""
        c = self._s[self._i]
        if c == "[":
            return self._explicit_list()
        if c == "{":
            return self._hash_literal()
        return self._csv_value()

    def _csv_value(self):
        first = self._first_value()
        self._ws()
        if self._i >= len(self._s) or self._s[self._i] != ",":
            return first
        self._expect(",", True)
        values = [first]
        while True:
            try:
                current = self._second_value()
                self._ws()
                if self._i >= len(self._s):
                    values.append(current)
                    break
                self._expect(",", True)
                values.append(current)
            except ShorthandError:
                if self._i >= len(self._s):
                    raise
                while self._i >= 0 and self._s[self._i] != ",":
                    self._i -= 1
                break
        return first if len(values) == 1 else values

    def _explicit_list(self):
        self._expect("[", True)
        values = []
        while self._cur() != "]":
            values.append(self._explicit_value())
            self._ws()
            if self._cur() != "]":
                self._expect(",")
                self._ws()
        self._expect("]")
        return values

    def _explicit_value(self):
        c = self._cur()
        if c == "[":
            return self._explicit_list()
        if c == "{":
            return self._hash_literal()
        return self._first_value()

    def _hash_literal(self):
        self._expect("{", True)
        out = {}
        while self._cur() != "}":
            key = self._key()
            self._expect("=", True)
            v = self._explicit_value()
            self._ws()
            if self._cur() != "}":
                self._expect(",")
                self._ws()
            out[key] = v
        self._expect("}")
        return out

    def _first_value(self):
        c = self._cur()
        if c == "'":
            return self._quoted(self._single, "'")
        if c == '"':
            return self._quoted(self._double, '"')
        m = self._first[1].match(self._s, self._i)
        if m is None:
            return ""
        self._i = m.end()
        return m.group(0).replace("\\,", ",").rstrip()

    def _second_value(self):
        c = self._cur()
        if c == "'":
            return self._quoted(self._single, "'")
        if c == '"':
            return self._quoted(self._double, '"')
        return self._must(self._second).replace("\\,", ",").rstrip()

    def _quoted(self, regex, ch):
        value = self._must(regex)[1:-1]
        return value.replace("\\" + ch, ch).replace("\\\\", "\\")

    def _must(self, regex):
        name, rx = regex
        m = rx.match(self._s, self._i)
        if m is None:
            raise _syntax_error(self._s, f"<{name}>", "<none>", self._i)
        self._i = m.end()
        return m.group(0)

    def _expect(self, ch, ws=False):
        if ws:
            self._ws()
        if self._i >= len(self._s):
            raise _syntax_error(self._s, ch, "EOF", self._i)
        if self._s[self._i] != ch:
            raise _syntax_error(self._s, ch, self._s[self._i], self._i)
        self._i += 1
        if ws:
            self._ws()

    def _cur(self):
        return self._s[self._i] if self._i < len(self._s) else _EOF

    def _ws(self):
        while self._i < len(self._s) and self._s[self._i] in " \t\n\r\x0b\x0c":
            self._i += 1
