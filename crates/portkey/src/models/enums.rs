//! String enums that survive the API's growth: a value this SDK does not know yet decodes to
//! `Other(text)` and encodes back unchanged, never a decode error.

/// Declares a string enum with an `Other(String)` arm.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version of the SDK does not know.
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Other(s),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    open_enum!(
        /// A test enum.
        Status { Active => "active", Exhausted => "exhausted" }
    );

    #[test]
    fn unknown_values_are_kept_and_round_trip() {
        let s: Status = serde_json::from_str("\"suspended\"").unwrap();
        assert_eq!(s, Status::Other("suspended".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"suspended\"");
        let s: Status = serde_json::from_str("\"active\"").unwrap();
        assert_eq!(s, Status::Active);
        assert_eq!(Status::from(String::from("exhausted")), Status::Exhausted);
        assert_eq!(Status::Other("x".into()).to_string(), "x");
    }
}
