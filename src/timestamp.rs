//! The one timestamp parser: ISO 8601 text to calendar parts, used for parameters
//! (`convert.rs`, to the SDK's `DateTime`) and for responses (`response.rs`, to a
//! Python `datetime`). Anything it refuses goes to botocore's rules in Python
//! (`_parsing.parse_timestamp`: epoch numbers, RFC 822, dateutil's other forms).

/// A parsed timestamp; `offset` is None when the text has no zone.
#[derive(Debug, PartialEq)]
pub struct Iso {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// The fraction of the second, in nanoseconds (digits past the ninth dropped).
    pub nanos: u32,
    /// Seconds east of UTC.
    pub offset: Option<i64>,
}

impl Iso {
    /// Whole seconds since 1970-01-01T00:00:00Z (no zone read as UTC).
    pub fn epoch_seconds(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + self.hour * 3600
            + self.minute * 60
            + self.second
            - self.offset.unwrap_or(0)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// A small cursor over ASCII text.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0i64;
        for _ in 0..n {
            let c = self.peek()?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
            self.i += 1;
        }
        Some(v)
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

/// ISO 8601: `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fff]]`
/// and a zone (`Z`, `±HH:MM`, `±HHMM`, `±HH`). The basic forms `YYYYMMDD[THHMMSS]` are
/// accepted too. Dates and times that Python's datetime cannot hold (hour 24, a leap
/// second, February 30) are refused.
pub fn parse(text: &str) -> Option<Iso> {
    let mut c = Cursor {
        s: text.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)?;
    let extended = c.eat(b'-');
    let month = c.digits(2)?;
    if extended && !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if year < 1 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut nanos) = (0i64, 0i64, 0i64, 0u32);
    let mut offset = None;
    if !c.done() {
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return None;
        }
        hour = c.digits(2)?;
        let colons = c.eat(b':');
        minute = c.digits(2)?;
        let more = if colons {
            c.eat(b':')
        } else {
            c.peek().is_some_and(|b| b.is_ascii_digit())
        };
        if more {
            second = c.digits(2)?;
            if c.eat(b'.') || c.eat(b',') {
                let start = c.i;
                let mut frac = 0u64;
                while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                    if c.i - start < 9 {
                        frac = frac * 10 + u64::from(d - b'0');
                    }
                    c.i += 1;
                }
                let n = c.i - start;
                if n == 0 {
                    return None;
                }
                for _ in n..9 {
                    frac *= 10;
                }
                nanos = u32::try_from(frac).ok()?;
            }
        }
        // Python's datetime (hence botocore) has no hour 24 and no leap second.
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        match c.peek() {
            None => {}
            Some(b'Z') | Some(b'z') => {
                c.i += 1;
                offset = Some(0);
            }
            Some(sign @ (b'+' | b'-')) => {
                c.i += 1;
                let oh = c.digits(2)?;
                let om = if c.eat(b':') {
                    c.digits(2)?
                } else if c.done() {
                    0
                } else {
                    c.digits(2)?
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let off = oh * 3600 + om * 60;
                offset = Some(if sign == b'+' { off } else { -off });
            }
            Some(_) => return None,
        }
        if !c.done() {
            return None;
        }
    }
    Some(Iso {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn forms() {
        let t = parse("2026-11-23 06:04:59").expect("space form"); // ok: test
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second, t.offset),
            (2026, 11, 23, 6, 4, 59, None)
        );
        let t = parse("2026-11-23T06:04:59.1234567Z").expect("Z form"); // ok: test
        assert_eq!((t.nanos, t.offset), (123_456_700, Some(0)));
        let t = parse("2026-11-23T06:04:59.5-01:30").expect("offset form"); // ok: test
        assert_eq!((t.nanos, t.offset), (500_000_000, Some(-5400)));
        let t = parse("20261123T060459+0100").expect("basic form"); // ok: test
        assert_eq!((t.hour, t.offset), (6, Some(3600)));
        assert_eq!(
            parse("1970-01-01T01:00:00+01:00").map(|t| t.epoch_seconds()),
            Some(0)
        );
        assert!(parse("Mon, 23 Nov 2026 06:04:59 GMT").is_none());
        assert!(parse("2026-11-23T06:04:59 UTC").is_none());
        assert!(parse("2026-11-23T06:04:5").is_none());
        assert!(parse("2026-02-30T00:00:00Z").is_none());
        assert!(parse("2026-11-23T24:00:00Z").is_none());
        assert!(parse("").is_none());
    }
}
