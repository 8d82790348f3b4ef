//! Object keys read in earlier answers, kept for the life of the process.
//!
//! An answer's keys are nearly always ones read before: the models' field names. Making each
//! again cost a str, a hash of it and a lookup in CPython's table of interned strings: about
//! 1,000 instructions a key, a sixth of a small `retrieve` (callgrind). A hit here is a hash of
//! the bytes and a compare.
//!
//! Bounded: keys up to `MAX_LEN` bytes, `MAX_KEYS` of them; later keys are made as before.
//! The table is used by one parse at a time. A parse that finds it in use (free-threaded
//! Python, or a parse started from inside another) goes without, so no thread ever waits for
//! it while holding the GIL; after a fork in which another thread held it, the child goes
//! without for good.

use std::sync::{Mutex, MutexGuard, OnceLock, TryLockError};

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Keys longer than this are not kept (they are rare, and costly to compare).
pub const MAX_LEN: usize = 64;

const SLOTS: usize = 1024;
/// Filled to half at most, so a miss stays a probe or two.
const MAX_KEYS: usize = SLOTS / 2;

pub struct Keys {
    /// 0: empty; else the hash's top 16 bits, then the index in `kept` plus one.
    slots: Box<[u32; SLOTS]>,
    kept: Vec<(Box<[u8]>, Py<PyString>)>,
}

static KEYS: OnceLock<Mutex<Keys>> = OnceLock::new();

/// The table, unless another parse is using it.
pub fn borrow() -> Option<MutexGuard<'static, Keys>> {
    let keys = KEYS.get_or_init(|| {
        Mutex::new(Keys {
            slots: Box::new([0; SLOTS]),
            kept: Vec::with_capacity(MAX_KEYS),
        })
    });
    match keys.try_lock() {
        Ok(keys) => Some(keys),
        // A panic mid-parse leaves the table whole: an entry is kept before its slot is set.
        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

impl Keys {
    /// The interned str of `bytes` (hash `h`, from `loads::hash`) if it was kept.
    pub fn get<'py>(&self, py: Python<'py>, bytes: &[u8], h: u64) -> Option<Bound<'py, PyString>> {
        let tag = (h >> 48) as u32;
        let mut slot = (h >> 32) as usize & (SLOTS - 1);
        // Ends: the table always has an empty slot.
        while self.slots[slot] != 0 {
            let entry = self.slots[slot];
            if entry >> 16 == tag {
                let (seen, key) = &self.kept[(entry & 0xffff) as usize - 1];
                if **seen == *bytes {
                    return Some(key.bind(py).clone());
                }
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
        None
    }

    /// Keeps `key`, the interned str of `bytes` (hash `h`), if there is room.
    pub fn keep(&mut self, bytes: &[u8], h: u64, key: &Bound<'_, PyString>) {
        if self.kept.len() == MAX_KEYS || bytes.len() > MAX_LEN {
            return;
        }
        let mut slot = (h >> 32) as usize & (SLOTS - 1);
        while self.slots[slot] != 0 {
            slot = (slot + 1) & (SLOTS - 1);
        }
        self.kept.push((bytes.into(), key.clone().unbind()));
        self.slots[slot] = ((h >> 48) as u32) << 16 | self.kept.len() as u32;
    }
}
