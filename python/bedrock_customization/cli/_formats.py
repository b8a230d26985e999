"""Text and table output, as the AWS CLI v1 formats them (imported only for
``--output text`` and ``--output table``)."""

from __future__ import annotations

import sys


def _text_scalar(v) -> str:
    return str(v)


def format_text(item, out, identifier=None, scalar_keys=None):
    if isinstance(item, dict):
        if scalar_keys is None:
            scalars, nested = [], []
            for key, value in sorted(item.items()):
                if isinstance(value, (dict, list)):
                    nested.append((key, value))
                else:
                    scalars.append(_text_scalar(value))
        else:
            scalars = [_text_scalar(item.get(k, "")) for k in scalar_keys]
            nested = [(k, item[k]) for k in sorted(set(item) - set(scalar_keys))]
        if scalars:
            if identifier is not None:
                scalars.insert(0, identifier.upper())
            out.append("\t".join(scalars) + "\n")
        for key, value in nested:
            format_text(value, out, identifier=key)
    elif isinstance(item, list):
        if not item:
            return
        if any(isinstance(e, dict) for e in item):
            keys = _all_scalar_keys(item)
            for element in item:
                format_text(element, out, identifier=identifier, scalar_keys=keys)
        elif any(isinstance(e, list) for e in item):
            scalars = [e for e in item if not isinstance(e, (dict, list))]
            others = [e for e in item if isinstance(e, (dict, list))]
            if scalars:
                _text_scalar_list(scalars, identifier, out)
            for other in others:
                format_text(other, out, identifier=identifier)
        else:
            _text_scalar_list(item, identifier, out)
    else:
        out.append(_text_scalar(item) + "\n")


def _all_scalar_keys(items):
    """The scalar keys of a list's dicts; like the AWS CLI, it fails on a list
    that mixes dicts with other values (a document's), the same way."""
    keys = set()
    for element in items:
        if not isinstance(element, dict):
            raise AttributeError(f"'{type(element).__name__}' object has no attribute 'items'")
        for key, value in element.items():
            if not isinstance(value, (dict, list)):
                keys.add(key)
    return sorted(keys)


def _text_scalar_list(elements, identifier, out):
    if identifier is not None:
        for e in elements:
            out.append(f"{identifier.upper()}\t{e}\n")
    else:
        out.append("\t".join(_text_scalar(e) for e in elements) + "\n")


def _width(text) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in str(text))


class _Section:
    def __init__(self, title="", indent=0):
        self.title = title
        self.indent = indent
        self.headers = []
        self.rows = []
        self.widths = []
        self.columns = None

    def _grow(self, row):
        if not self.widths:
            self.widths = [_width(e) for e in row]
        else:
            for k, e in enumerate(row):
                self.widths[k] = max(_width(e), self.widths[k])

    def header(self, headers):
        self._grow(headers)
        if self.columns is None:
            self.columns = len(headers)
        self.headers = headers

    def row(self, row):
        if self.columns is None:
            self.columns = len(row)
        if len(row) != self.columns:
            raise ValueError(f"Row should have {self.columns} elements, instead it has {len(row)}")
        row = [str(e) for e in row]
        self.rows.append(row)
        self._grow(row)

    def column_widths(self, padding=0, max_width=None):
        widths = [w + padding for w in self.widths]
        if max_width is None or not widths:
            return widths
        factor = max_width / float(sum(widths))
        scaled = [int(round(factor * w)) for w in widths]
        off = sum(scaled) - max_width
        while off:
            order = range(len(scaled)) if off > 0 else reversed(range(len(scaled)))
            for k in order:
                if off > 0:
                    scaled[k] -= 1
                    off -= 1
                else:
                    scaled[k] += 1
                    off += 1
                if not off:
                    break
        return scaled

    def total_width(self):
        total = sum(w + 4 for w in self.column_widths()) + 2 + 2 * self.indent
        return max(_width(self.title) + 2 + 2 * self.indent, total)


class Table:
    """The AWS CLI's table output: one titled section per nested structure."""

    def __init__(self, color: bool):
        self.sections: list[_Section] = []
        self.current: _Section | None = None
        self.color = color

    def section(self, title, indent=0):
        self.current = _Section(title, indent)
        self.sections.append(self.current)

    @property
    def _current(self) -> _Section:
        """The section being filled (``build`` opens one before any row)."""
        assert self.current is not None
        return self.current

    def build(self, title, value, indent=0) -> bool:
        if not value:
            return False
        if title is not None:
            self.section(title, indent)
        if isinstance(value, list):
            if isinstance(value[0], dict):
                self._from_list(value, indent, title)
            else:
                for item in value:
                    if not isinstance(item, (list, dict)):
                        self._current.row([item])
                    elif all(not isinstance(e, (list, dict)) for e in item):
                        self._current.row(item)
                    else:
                        self.build(None, item)
        if isinstance(value, dict):
            headers, more = self._group(value)
            if len(headers) == 1:
                self._current.row([headers[0], value[headers[0]]])
            elif headers:
                self._current.header(headers)
                self._current.row([value[k] for k in headers])
            for key in more:
                self.build(key, value[key], indent + 1)
        return True

    @staticmethod
    def _group(value):
        headers = sorted(k for k, v in value.items() if not isinstance(v, (list, dict)))
        more = sorted(k for k, v in value.items() if isinstance(v, (list, dict)))
        return headers, more

    def _from_list(self, items, indent, title):
        header_keys: set[str] = set()
        more_keys: set[str] = set()
        for item in items:
            h, m = self._group(item)
            header_keys.update(h)
            more_keys.update(m)
        headers, more = sorted(header_keys), sorted(more_keys)
        self._current.header(headers)
        first = True
        for element in items:
            if not first and more:
                self.section(title, indent)
                self._current.header(headers)
            first = False
            self._current.row([element.get(h, "") for h in headers])
            for key in more:
                if key in element:
                    self.build(key, element[key], indent + 1)

    # -- rendering --

    def _style_row(self, text):
        return f"\x1b[1m\x1b[34m{text}\x1b[0m" if self.color else text

    def _style_indent(self, text):
        return f"\x1b[2m\x1b[33m{text}\x1b[0m" if self.color else text

    def render(self, terminal_width: int) -> str:
        max_width = max(s.total_width() for s in self.sections)
        if max_width > terminal_width:
            for k, s in enumerate(self.sections):
                if len(s.rows) == 1 and s.headers:
                    vertical = _Section(s.title, s.indent)
                    for h, e in zip(s.headers, s.rows[0]):
                        vertical.row([h, e])
                    self.sections[k] = vertical
            max_width = max(s.total_width() for s in self.sections)
        # With colour the AWS CLI writes through colorama's autoreset wrapper,
        # which appends a reset after every write call: reproduced here.
        reset = "\x1b[0m" if self.color else ""
        out = ["-" * max_width + "\n" + reset]
        for s in self.sections:
            self._render_section(s, max_width, out)
        return "".join(out)

    def _render_section(self, s, max_width, out):
        edge = self._style_indent("|") * s.indent

        reset = "\x1b[0m" if self.color else ""

        def write(line):
            out.append(edge + reset + line + reset + edge + reset + "\n" + reset)

        width = max_width - s.indent * 2
        if s.title:
            write(_center(s.title, width, "|", "|", _width(s.title)))
            if not s.headers and not s.rows:
                write("+" + "-" * (width - 2) + "+")
        if s.headers:
            widths = s.column_widths(4, width)
            line = ""
            for k, (w, h) in enumerate(zip(widths, s.headers)):
                line += _center(h, w, "|" if k == 0 else "", "|", _width(h))
            write(_line_break(widths))
            write(line)
        if s.rows:
            widths = s.column_widths(4, width)
            if not widths:
                return
            write(_line_break(widths))
            for row in s.rows:
                line = ""
                for k, (w, e) in enumerate(zip(widths, row)):
                    line += _align_left(self._style_row(e), w, "|" if k == 0 else "", "|", _width(e))
                write(line)
            write(_line_break(widths))


def _center(text, length, left, right, text_length):
    start = length // 2 - text_length // 2 - 1
    so_far = _width(left) + start + text_length
    return left + " " * start + text + " " * (length - _width(right) - so_far) + right


def _align_left(text, length, left, right, text_length):
    padding = 2 if length - (text_length + 2 + _width(left) + _width(right)) >= 0 else 0
    so_far = len(left) + padding + text_length
    return left + " " * padding + text + " " * (length - so_far - len(right)) + right


def _line_break(widths) -> str:
    parts = []
    for k, w in enumerate(widths):
        parts.append("+" + "-" * (w - 2) + "+" if k == 0 else "-" * (w - 1) + "+")
    return "".join(parts)


def _terminal_width(default=80) -> int:
    try:
        import fcntl
        import struct
        import termios

        return struct.unpack("hhhh", fcntl.ioctl(sys.stdout, termios.TIOCGWINSZ, b"\0" * 8))[1]
    except Exception:
        return default


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:
        return False


def format_table(title, data, color_option) -> str:
    color = color_option == "on" or (color_option == "auto" and _is_tty(sys.stdout))
    table = Table(color)
    if not table.build(title, data):
        return ""
    return table.render(_terminal_width())


