//! Slugs: the slugified name plus a random hex tail, like the real API's virtual keys
//! (`my-key-1a2b`), configs (`pc-my-con-1a2b3c`) and workspaces. Generating one must always terminate quickly, even when every
//! four-digit tail of a name is taken (defect 14: the old "retry until free" loop spun
//! forever, holding the store lock, once `name-0000` .. `name-ffff` all existed).

use crate::ids;
use std::collections::HashSet;

/// Tail lengths tried in turn. Four digits is the real API's shape; longer tails only
/// appear after collisions, and at 16 or 32 random digits a collision is practically
/// impossible.
const TAIL_DIGITS: &[usize] = &[4, 8, 16, 32];

/// Random tails tried per length before moving on to a longer one.
const TRIES_PER_LENGTH: usize = 4;

/// `"My first key!"` -> `my-first-key`; a name with no letters or digits gives
/// `virtual-key`.
pub fn slugify(name: &str) -> String {
    slugify_or(name, "virtual-key")
}

/// [`slugify`] with another fallback for names without letters or digits.
pub fn slugify_or(name: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(40).collect();
    match slug.trim_end_matches('-') {
        "" => fallback.into(),
        trimmed => trimmed.into(),
    }
}

/// A slug `{base}-{hex tail}` not among `existing`. At most
/// `TAIL_DIGITS.len() * TRIES_PER_LENGTH` random candidates are checked (each a linear
/// scan, as the store is a list), then a deterministic fallback that cannot fail.
pub fn unique_slug<'a, I>(base: &str, existing: I) -> String
where
    I: Iterator<Item = &'a str> + Clone,
{
    unique_slug_from(base, 4, existing)
}

/// [`unique_slug`] whose shortest tail has `first` digits (configs have six); longer ones
/// follow as there.
pub fn unique_slug_from<'a, I>(base: &str, first: usize, existing: I) -> String
where
    I: Iterator<Item = &'a str> + Clone,
{
    let lengths = std::iter::once(first).chain(TAIL_DIGITS.iter().copied().filter(|&d| d > first));
    for digits in lengths {
        for _ in 0..TRIES_PER_LENGTH {
            let candidate = format!("{base}-{}", ids::hex(digits));
            if existing.clone().all(|slug| slug != candidate) {
                return candidate;
            }
        }
    }
    first_free(base, &existing.collect())
}

/// `{base}-0`, `{base}-1`, ... (in hex): the first one not taken. Of `taken.len() + 1`
/// distinct candidates at least one is free, so this ends within that many steps.
fn first_free(base: &str, taken: &HashSet<&str>) -> String {
    (0..=taken.len())
        .map(|n| format!("{base}-{n:x}"))
        .find(|candidate| !taken.contains(candidate.as_str()))
        .expect("pigeonhole: one of len + 1 distinct candidates is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("My first virtual key"), "my-first-virtual-key");
        assert_eq!(slugify("  Key 1 (Azure)! "), "key-1-azure");
        assert_eq!(slugify("***"), "virtual-key");
        assert_eq!(slugify(&"a".repeat(100)).len(), 40);
    }

    #[test]
    fn config_slugs_start_with_six_digits() {
        let slug = unique_slug_from("pc-my-con", 6, std::iter::empty());
        assert_eq!(slug.strip_prefix("pc-my-con-").unwrap().len(), 6, "{slug}");
        assert_eq!(slugify_or("!!", "workspace"), "workspace");
    }

    #[test]
    fn short_tails_first() {
        let slug = unique_slug("name", std::iter::empty());
        let tail = slug.strip_prefix("name-").unwrap();
        assert_eq!(tail.len(), 4, "{slug}");
    }

    #[test]
    fn every_four_digit_tail_taken_gives_a_longer_one() {
        let all: Vec<String> = (0..=0xffff).map(|n| format!("name-{n:04x}")).collect();
        let slug = unique_slug("name", all.iter().map(String::as_str));
        let tail = slug.strip_prefix("name-").unwrap();
        assert!(tail.len() >= 8, "{slug}");
        assert!(!all.contains(&slug));
    }

    #[test]
    fn fallback_skips_taken_candidates() {
        let taken: HashSet<&str> = ["n-0", "n-1", "n-3"].into();
        assert_eq!(first_free("n", &taken), "n-2");
        let taken: HashSet<&str> = ["n-0", "n-1", "n-2"].into();
        assert_eq!(first_free("n", &taken), "n-3");
        assert_eq!(first_free("n", &HashSet::new()), "n-0");
    }
}
