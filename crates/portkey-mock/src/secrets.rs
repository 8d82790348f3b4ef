//! Secrets as the API shows them after creation (masked), and the rule for mapping a field to
//! a secret reference, shared by virtual keys and integrations.

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// `Xk*******S4`: the first and last two characters, like the spec's example.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 4 {
        return "*******".into();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}*******{tail}")
}

/// `secret_mappings[].target_field` must be "key" or "<object>.<field>" (`model_config` for a
/// virtual key, `configurations` for an integration), each at most once: the spec says so in
/// the field's description.
pub fn check_secret_mappings(fields: &Map<String, Value>, object: &str) -> Result<(), ApiError> {
    let Some(mappings) = fields.get("secret_mappings").and_then(Value::as_array) else {
        return Ok(());
    };
    let prefix = format!("{object}.");
    let mut seen = Vec::new();
    for (i, mapping) in mappings.iter().enumerate() {
        let target = mapping["target_field"].as_str().unwrap_or_default();
        let path = format!("secret_mappings[{i}].target_field");
        let valid = target == "key" || target.strip_prefix(&prefix).is_some_and(|f| !f.is_empty());
        if !valid {
            return Err(ApiError::bad_request(format!(
                "\"{path}\" must be \"key\" or \"{object}.<field>\" (got {target:?})"
            )));
        }
        if seen.contains(&target) {
            return Err(ApiError::bad_request(format!(
                "\"{path}\" repeats {target:?}; each target_field must be unique"
            )));
        }
        seen.push(target);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_spec() {
        assert_eq!(mask("Xk1234567S4"), "Xk*******S4");
        assert_eq!(mask("Xk*******S4"), "Xk*******S4");
        assert_eq!(mask("abc"), "*******");
    }

    #[test]
    fn secret_mappings_target_the_key_or_one_field_of_the_object_once() {
        let fields = |targets: &[&str]| {
            let mappings: Vec<Value> = targets
                .iter()
                .map(|t| serde_json::json!({"target_field": t}))
                .collect();
            let mut map = Map::new();
            map.insert("secret_mappings".into(), Value::Array(mappings));
            map
        };
        assert!(
            check_secret_mappings(&fields(&["key", "model_config.region"]), "model_config").is_ok()
        );
        let message = |targets: &[&str], object| {
            check_secret_mappings(&fields(targets), object)
                .unwrap_err()
                .message
        };
        assert!(
            message(&["model_config.x"], "configurations").contains("\"configurations.<field>\"")
        );
        assert!(message(&["configurations."], "configurations").contains("secret_mappings[0]"));
        assert!(message(&["key", "key"], "model_config").contains("secret_mappings[1]"));
        assert!(check_secret_mappings(&Map::new(), "model_config").is_ok());
    }
}
