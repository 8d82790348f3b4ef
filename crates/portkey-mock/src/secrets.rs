//! Secrets as the API shows them after creation: masked.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_the_spec() {
        assert_eq!(mask("Xk1234567S4"), "Xk*******S4");
        assert_eq!(mask("Xk*******S4"), "Xk*******S4");
        assert_eq!(mask("abc"), "*******");
    }
}
