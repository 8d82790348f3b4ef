//! A successful answer's body -> Python objects, in one pass over its bytes.
//!
//! What `json.loads` would give (dict, list, str, int, float, bool, None; integers of any
//! size, lone surrogates kept), built straight from the bytes while the GIL is held, with no
//! intermediate copy of the body. A short string is made once per answer: a list of 1,000
//! objects has a few dozen distinct keys, and most of its values repeat too (statuses, types,
//! dates, the workspace). Keys are interned, so reading a field is an identity hit, and an
//! object with the keys of an earlier one is a copy of that dict's table (`Parser::dict`),
//! never a dict that grows as keys arrive.
//!
//! The core has proven the body UTF-8 and has not checked its syntax: this parser does, as it
//! reads, to the grammar the core's `RawResponse::verify` applies (strings without control
//! characters, numbers as JSON writes them, nesting at most 127 deep). It does not say where a
//! body goes wrong: on a refusal the core names it (`RawResponse::refused`).

use std::ffi::{c_char, CStr, CString};
use std::sync::MutexGuard;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::keys::{self, Keys};

/// The core's bound (`portkey::response::MAX_DEPTH`), which also keeps the recursion finite.
const MAX_DEPTH: usize = 127;

/// Strings longer than this are made every time (unlikely to repeat, and costly to compare).
const CACHED_LEN: usize = 64;

/// Object shapes remembered per answer, and the fewest keys worth remembering.
const SHAPE_SLOTS: usize = 16;
const SHAPE_MIN: usize = 4;

pub enum Failure {
    /// Python could not make an object (out of memory, say).
    Python(PyErr),
    /// Not JSON after all.
    Malformed,
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Self {
        Failure::Python(e)
    }
}

type Built<'py, T = PyAny> = Result<Bound<'py, T>, Failure>;

/// The JSON value of `body`.
pub fn loads<'py>(py: Python<'py>, body: &[u8]) -> Built<'py> {
    let _paused = GcPause::new(py);
    parse(py, body)
}

/// The garbage collector, held off while an answer is built: it would run every few hundred
/// containers made, each time walking objects that cannot be garbage yet; resumed (on drop,
/// so even after a panic), it runs once. A program that had turned it off keeps it off.
/// Nothing else runs meanwhile: the GIL is held throughout.
struct GcPause {
    was_on: bool,
}

impl GcPause {
    fn new(_attached: Python<'_>) -> Self {
        // SAFETY: a plain C API call, with the GIL held.
        GcPause {
            was_on: unsafe { ffi::PyGC_Disable() } == 1,
        }
    }
}

impl Drop for GcPause {
    fn drop(&mut self) {
        if self.was_on {
            // SAFETY: as in `new`; the GIL is still held.
            unsafe { ffi::PyGC_Enable() };
        }
    }
}

fn parse<'py>(py: Python<'py>, body: &[u8]) -> Built<'py> {
    let mut parser = Parser {
        py,
        b: body,
        i: 0,
        strings: Strings::for_body(body.len()),
        // Room for the keys of a typical object and its nested ones, so it does not grow.
        pairs: Vec::with_capacity(32),
        shapes: [const { None }; SHAPE_SLOTS],
        scratch: Vec::new(),
        keys: keys::borrow(),
    };
    let value = parser.value(0)?;
    parser.skip_ws();
    if parser.i != body.len() {
        return Err(Failure::Malformed);
    }
    Ok(value)
}

struct Parser<'a, 'py> {
    py: Python<'py>,
    b: &'a [u8],
    i: usize,
    strings: Strings<'a, 'py>,
    /// The key-value pairs of the objects being read, innermost last.
    pairs: Vec<(Bound<'py, PyString>, Bound<'py, PyAny>)>,
    /// Dicts made earlier, by a hash of their keys (`dict`).
    shapes: [Option<Shape<'py>>; SHAPE_SLOTS],
    /// Where escaped strings are decoded (reused).
    scratch: Vec<u8>,
    /// Keys of earlier answers (`keys.rs`), when no other parse is using them.
    keys: Option<MutexGuard<'static, Keys>>,
}

impl<'a, 'py> Parser<'a, 'py> {
    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\n' | b'\t' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Built<'py> {
        self.skip_ws();
        let py = self.py;
        match self.peek() {
            b'{' if depth < MAX_DEPTH => Ok(self.object(depth + 1)?.into_any()),
            b'[' if depth < MAX_DEPTH => Ok(self.array(depth + 1)?.into_any()),
            b'"' => {
                let (span, escaped) = self.string()?;
                let text = if escaped {
                    self.unescape(span)?
                } else {
                    self.strings.get(py, span, false)?
                };
                Ok(text.into_any())
            }
            b't' => self.word(b"true", PyBool::new(py, true).to_owned().into_any()),
            b'f' => self.word(b"false", PyBool::new(py, false).to_owned().into_any()),
            b'n' => self.word(b"null", py.None().into_bound(py)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Failure::Malformed),
        }
    }

    fn word(&mut self, word: &[u8], value: Bound<'py, PyAny>) -> Built<'py> {
        if !self.b[self.i..].starts_with(word) {
            return Err(Failure::Malformed);
        }
        self.i += word.len();
        Ok(value)
    }

    fn object(&mut self, depth: usize) -> Built<'py, PyDict> {
        self.i += 1;
        self.skip_ws();
        if self.peek() == b'}' {
            self.i += 1;
            return Ok(PyDict::new(self.py));
        }
        let base = self.pairs.len();
        loop {
            self.skip_ws();
            if self.peek() != b'"' {
                return Err(Failure::Malformed);
            }
            let key = self.key()?;
            self.skip_ws();
            if self.peek() != b':' {
                return Err(Failure::Malformed);
            }
            self.i += 1;
            let value = self.value(depth)?;
            self.pairs.push((key, value));
            self.skip_ws();
            match self.peek() {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    let dict = self.dict(base);
                    self.pairs.truncate(base);
                    return dict;
                }
                _ => return Err(Failure::Malformed),
            }
        }
    }

    /// The dict of the pairs above `base`. When an earlier object had the same keys in the
    /// same order, its dict is copied (its table comes whole, sized) and the values replaced:
    /// cheaper than inserting into a dict that grows twice on the way to 20 keys.
    fn dict(&mut self, base: usize) -> Built<'py, PyDict> {
        let pairs = &self.pairs[base..];
        let slot = shape_slot(pairs);
        let same_keys = |shape: &&Shape<'py>| {
            shape.keys.len() == pairs.len()
                && shape.keys.iter().zip(pairs).all(|(k, (key, _))| k.is(key))
        };
        if let Some(shape) = self.shapes[slot].as_ref().filter(same_keys) {
            // SAFETY: a dict in, an owned dict out (or null with the exception set).
            let copy = unsafe { ffi::PyDict_Copy(shape.dict.as_ptr()) };
            // SAFETY: as above.
            let copy = unsafe { Bound::from_owned_ptr_or_err(self.py, copy)? };
            let dict = copy.cast_into::<PyDict>().map_err(PyErr::from)?;
            for (key, value) in pairs {
                dict.set_item(key, value)?;
            }
            return Ok(dict);
        }
        let dict = PyDict::new(self.py);
        for (key, value) in pairs {
            dict.set_item(key, value)?;
        }
        // A shape worth keeping: a few keys at least, none repeated.
        if pairs.len() >= SHAPE_MIN && dict.len() == pairs.len() {
            self.shapes[slot] = Some(Shape {
                keys: pairs.iter().map(|(key, _)| key.clone()).collect(),
                dict: dict.clone(),
            });
        }
        Ok(dict)
    }

    fn array(&mut self, depth: usize) -> Built<'py, PyList> {
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == b']' {
            self.i += 1;
            return Ok(PyList::empty(self.py));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Ok(PyList::new(self.py, items)?);
                }
                _ => return Err(Failure::Malformed),
            }
        }
    }

    fn key(&mut self) -> Built<'py, PyString> {
        let (span, escaped) = self.string()?;
        if escaped {
            return self.unescape(span);
        }
        if let Some(keys) = self.keys.as_mut().filter(|_| span.len() <= keys::MAX_LEN) {
            let h = hash(span);
            if let Some(key) = keys.get(self.py, span, h) {
                return Ok(key);
            }
            let key = self.strings.get(self.py, span, true)?;
            keys.keep(span, h, &key);
            return Ok(key);
        }
        Ok(self.strings.get(self.py, span, true)?)
    }

    /// The bytes between a string's quotes, and whether they hold escapes.
    fn string(&mut self) -> Result<(&'a [u8], bool), Failure> {
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        loop {
            self.skip_plain();
            match self.peek() {
                b'"' => {
                    let span = &self.b[start..self.i];
                    self.i += 1;
                    return Ok((span, escaped));
                }
                // The escaped byte cannot end the string; `unescape` reads the rest.
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                // A control character, or the end.
                _ => return Err(Failure::Malformed),
            }
        }
    }

    /// Moves to the next `"`, `\` or control character (or the end).
    fn skip_plain(&mut self) {
        // `get`: after a trailing backslash `i` may be one past the end.
        self.i += self.b.get(self.i..).map_or(0, portkey::plain_len);
    }

    /// A string with escapes. As `json.loads`: a `\u` high surrogate followed by a `\u` low
    /// one is one character, and a lone surrogate stays in the text (as Python allows).
    fn unescape(&mut self, span: &[u8]) -> Built<'py, PyString> {
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let mut lone = false;
        let mut i = 0;
        while let Some(&c) = span.get(i) {
            i += 1;
            if c != b'\\' {
                out.push(c);
                continue;
            }
            let escape = span.get(i).copied().ok_or(Failure::Malformed)?;
            i += 1;
            let byte = match escape {
                b'"' | b'\\' | b'/' => escape,
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    let mut code = hex4(span.get(i..i + 4))?;
                    i += 4;
                    if (0xd800..0xdc00).contains(&code) && span.get(i..i + 2) == Some(b"\\u") {
                        if let Ok(low @ 0xdc00..0xe000) = hex4(span.get(i + 2..i + 6)) {
                            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                            i += 6;
                        }
                    }
                    lone |= (0xd800..0xe000).contains(&code);
                    push_code(&mut out, code);
                    continue;
                }
                _ => return Err(Failure::Malformed),
            };
            out.push(byte);
        }
        // A lone surrogate is written as UTF-8 would be without the rule against them;
        // "surrogatepass" is the decoder that reads it back.
        let decoded = text(self.py, &out, lone.then_some(c"surrogatepass"));
        self.scratch = out;
        Ok(decoded?)
    }

    /// An int as Python's `int()` reads it (any size), or a float as `float()` does (both
    /// round correctly, so the value is `json.loads`'s).
    fn number(&mut self) -> Built<'py> {
        let start = self.i;
        let float = self.number_grammar().ok_or(Failure::Malformed)?;
        let py = self.py;
        let digits = std::str::from_utf8(&self.b[start..self.i]).map_err(|_| Failure::Malformed)?;
        if float {
            let value: f64 = digits.parse().map_err(|_| Failure::Malformed)?;
            return Ok(PyFloat::new(py, value).into_any());
        }
        if let Ok(value) = digits.parse::<i64>() {
            return Ok(PyInt::new(py, value).into_any());
        }
        // Beyond 64 bits, Python parses it (and refuses one longer than its digit limit, as
        // `json.loads` does).
        let digits = CString::new(digits).map_err(|_| Failure::Malformed)?;
        // SAFETY: a NUL-terminated string, read and not kept.
        let int = unsafe { ffi::PyLong_FromString(digits.as_ptr(), std::ptr::null_mut(), 10) };
        // SAFETY: an owned reference, or null with the exception set.
        unsafe { Bound::from_owned_ptr_or_err(py, int) }.map_err(|_| Failure::Malformed)
    }
    /// Moves over a number as JSON writes it (`-`, then `0` or digits from `1`, then an
    /// optional fraction and exponent): whether it is a float, or `None` if it is malformed
    /// (`01`, `1.`, `.5`, `+1`, `1e`).
    fn number_grammar(&mut self) -> Option<bool> {
        if self.peek() == b'-' {
            self.i += 1;
        }
        match self.peek() {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        let mut float = false;
        if self.peek() == b'.' {
            self.i += 1;
            float = true;
            if !self.peek().is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if matches!(self.peek(), b'e' | b'E') {
            self.i += 1;
            float = true;
            if matches!(self.peek(), b'+' | b'-') {
                self.i += 1;
            }
            if !self.peek().is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        Some(float)
    }

    fn digits(&mut self) {
        while self.peek().is_ascii_digit() {
            self.i += 1;
        }
    }
}

/// Strings made so far, by their bytes: an open-addressed table (linear probing) sized to the
/// body and filled to half at most (a miss stays a probe or two), after which new strings are
/// made but not kept. A slot is four bytes (the table stays in the fastest cache): part of the
/// hash, so that most strings other than the one looked for need no comparing, and where the
/// string is.
struct Strings<'a, 'py> {
    /// 0: empty; else the hash's top 16 bits, then the index in `made` plus one.
    slots: Vec<u32>,
    made: Vec<(&'a [u8], Bound<'py, PyString>)>,
    room: usize,
}

impl<'a, 'py> Strings<'a, 'py> {
    fn for_body(len: usize) -> Self {
        let size = (len / 256).next_power_of_two().clamp(16, 1024);
        Strings {
            slots: vec![0; size],
            // Filled to `room` on any answer of a few dozen strings: sized once, not grown.
            made: Vec::with_capacity(size / 2),
            room: size / 2,
        }
    }

    /// The str of `bytes` (no escapes), interned when it is a key.
    fn get(
        &mut self,
        py: Python<'py>,
        bytes: &'a [u8],
        key: bool,
    ) -> PyResult<Bound<'py, PyString>> {
        if bytes.len() > CACHED_LEN {
            return text(py, bytes, None);
        }
        let mask = self.slots.len() - 1;
        let h = hash(bytes);
        let tag = (h >> 48) as u32;
        let mut slot = (h >> 32) as usize & mask;
        // Ends: the table always has an empty slot.
        while self.slots[slot] != 0 {
            let entry = self.slots[slot];
            if entry >> 16 == tag {
                let (seen, made) = &self.made[(entry & 0xffff) as usize - 1];
                if same(seen, bytes) {
                    return Ok(made.clone());
                }
            }
            slot = (slot + 1) & mask;
        }
        let mut made = text(py, bytes, None)?;
        if key {
            let mut ptr = made.into_ptr();
            // SAFETY: `ptr` is an owned reference to an exact str; interning swaps it for the
            // interned one, and the reference stays owned.
            made = unsafe {
                ffi::PyUnicode_InternInPlace(&mut ptr);
                Bound::from_owned_ptr(py, ptr).cast_into_unchecked()
            };
        }
        if self.room > 0 {
            self.room -= 1;
            self.made.push((bytes, made.clone()));
            self.slots[slot] = tag << 16 | self.made.len() as u32;
        }
        Ok(made)
    }
}

/// An object read earlier: its keys in order, and its dict (left as it was made, so a copy
/// of it has the same table).
struct Shape<'py> {
    keys: Vec<Bound<'py, PyString>>,
    dict: Bound<'py, PyDict>,
}

/// The slot of an object's shape: a hash of its keys' identities (keys are shared, `Strings`).
fn shape_slot(pairs: &[(Bound<'_, PyString>, Bound<'_, PyAny>)]) -> usize {
    let h = pairs.iter().fold(pairs.len(), |h, (key, _)| {
        (h ^ key.as_ptr() as usize).wrapping_mul(0x9e37_79b9)
    });
    (h >> 16) & (SHAPE_SLOTS - 1)
}

/// A str from UTF-8 bytes (CPython checks them).
fn text<'py>(
    py: Python<'py>,
    bytes: &[u8],
    errors: Option<&CStr>,
) -> PyResult<Bound<'py, PyString>> {
    // SAFETY: the pointer and length describe `bytes`, which CPython copies; `errors` is null
    // or NUL-terminated. The result is an owned str, or null with the exception set.
    unsafe {
        let ptr = ffi::PyUnicode_DecodeUTF8(
            bytes.as_ptr().cast::<c_char>(),
            bytes.len() as ffi::Py_ssize_t,
            errors.map_or(std::ptr::null(), CStr::as_ptr),
        );
        Ok(Bound::from_owned_ptr_or_err(py, ptr)?.cast_into_unchecked())
    }
}

fn hex4(digits: Option<&[u8]>) -> Result<u32, Failure> {
    let digits = digits
        .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
        .ok_or(Failure::Malformed)?;
    let text = std::str::from_utf8(digits).map_err(|_| Failure::Malformed)?;
    u32::from_str_radix(text, 16).map_err(|_| Failure::Malformed)
}

/// `code` as UTF-8 bytes, surrogates included.
fn push_code(out: &mut Vec<u8>, code: u32) {
    let cont = |shift: u32| 0x80 | ((code >> shift) & 0x3f) as u8;
    match code {
        0..=0x7f => out.push(code as u8),
        0x80..=0x7ff => out.extend([0xc0 | (code >> 6) as u8, cont(0)]),
        0x800..=0xffff => out.extend([0xe0 | (code >> 12) as u8, cont(6), cont(0)]),
        _ => out.extend([0xf0 | (code >> 18) as u8, cont(12), cont(6), cont(0)]),
    }
}

/// A hash of a short string, eight bytes at a time (strings often differ only in the middle:
/// timestamps, numbered names).
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let h = bytes.chunks_exact(8).fold(bytes.len() as u64, |h, word| {
        (h ^ word_at(word)).wrapping_mul(K).rotate_left(26)
    });
    (h ^ rest(bytes)).wrapping_mul(K)
}

/// Whether two short strings are equal, compared a word at a time (a call to `memcmp` costs
/// more than the comparison itself).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && (a.chunks_exact(8).zip(b.chunks_exact(8))).all(|(p, q)| word_at(p) == word_at(q))
        && rest(a) == rest(b)
}

fn word_at(eight: &[u8]) -> u64 {
    u64::from_le_bytes(eight.try_into().expect("eight bytes"))
}

/// The bytes a string has beyond its whole words, as one word read without a loop: with eight
/// bytes or more, its last eight (overlapping the words before); with four to seven, its first
/// four and last four; with fewer, its first, middle and last byte. Between strings of one
/// length, the words and this cover every byte, so equal means equal.
fn rest(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let four = |at: usize| {
        u64::from(u32::from_le_bytes(
            bytes[at..at + 4].try_into().expect("four"),
        ))
    };
    match n {
        _ if n.is_multiple_of(8) => 0,
        8.. => word_at(&bytes[n - 8..]),
        4.. => four(0) | four(n - 4) << 32,
        _ => u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
    }
}
