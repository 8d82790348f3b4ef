//! `Text`: an answer's body handed to JS as a string, straight from the core's bytes (no copy
//! into a Rust `String` first).
//!
//! ASCII (most answers) is also Latin-1, which V8 copies into a one-byte string as it is; UTF-8
//! it scans and decodes first. Anything else is decoded as UTF-8 (an invalid sequence becomes
//! U+FFFD).
//!
//! An external string (V8 reading the core's bytes in place) was measured too and left out:
//! it saved ~0.25 ms on that list, but V8 does not count such bytes towards its heap, so
//! strings promoted to the old generation held hundreds of MB until a full collection (and
//! +60-90 MB of resident memory even with `napi_adjust_external_memory`).

use std::ptr;

use napi::bindgen_prelude::*;

pub struct Text(Box<dyn AsRef<[u8]> + Send>);

impl Text {
    pub fn new(bytes: impl AsRef<[u8]> + Send + 'static) -> Self {
        Text(Box::new(bytes))
    }
}

impl ToNapiValue for Text {
    unsafe fn to_napi_value(env: sys::napi_env, text: Self) -> Result<sys::napi_value> {
        let bytes = (*text.0).as_ref();
        let len = isize::try_from(bytes.len())
            .map_err(|_| Error::new(Status::GenericFailure, "a body too large for a string"))?;
        let mut value = ptr::null_mut();
        let status = unsafe {
            if bytes.is_ascii() {
                sys::napi_create_string_latin1(env, bytes.as_ptr().cast(), len, &mut value)
            } else {
                sys::napi_create_string_utf8(env, bytes.as_ptr().cast(), len, &mut value)
            }
        };
        if status != sys::Status::napi_ok {
            return Err(Error::new(
                Status::GenericFailure,
                "could not turn a body into a string",
            ));
        }
        Ok(value)
    }
}
