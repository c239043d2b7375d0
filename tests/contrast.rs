//! The theme's colour tokens (www/style.css), read natively: text at least 4.5:1 against the
//! backgrounds it is drawn on, role, focus and link colours at least 3:1 (WCAG 2.1 AA), in both
//! themes. axe-core leaves most SVG text "incomplete", so the tokens are checked here too.

use std::collections::BTreeMap;

fn tokens(css: &str, selector: &str) -> BTreeMap<String, String> {
    let start = css
        .find(selector)
        .unwrap_or_else(|| panic!("{selector} not in style.css"));
    let body = &css[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.split(';')
        .filter_map(|decl| {
            let (name, value) = decl.split_once(':')?;
            let name = name.trim().rsplit(|c: char| c.is_whitespace()).next()?;
            let value = value.trim();
            (name.starts_with("--") && value.starts_with('#') && value.len() == 7)
                .then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn ratio(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn check(theme: &str, t: &BTreeMap<String, String>) -> Vec<String> {
    let get = |n: &str| {
        t.get(n)
            .unwrap_or_else(|| panic!("{theme}: no {n}"))
            .as_str()
    };
    let mut bad = Vec::new();
    let mut need = |fg: &str, bg: &str, least: f64| {
        let r = ratio(get(fg), get(bg));
        if r < least {
            bad.push(format!(
                "{theme}: {fg} on {bg} is {r:.2}:1, needs {least}:1"
            ));
        }
    };
    for bg in ["--bg", "--panel", "--card"] {
        for text in [
            "--fg",
            "--muted",
            "--leader-text",
            "--looking-text",
            "--follower",
            "--observer",
            "--accent",
            "--cut",
        ] {
            need(text, bg, 4.5);
        }
        for mark in [
            "--leader",
            "--follower",
            "--observer",
            "--looking",
            "--down",
            "--accent",
            "--ok",
        ] {
            need(mark, bg, 3.0);
        }
    }
    // Words on a filled background: the selected server's button, the variant and protocol tags.
    for bg in ["--accent", "--cut", "--k-proposal"] {
        need("--on-accent", bg, 4.5);
    }
    // The role's icon on its badge.
    for role in [
        "--leader",
        "--follower",
        "--observer",
        "--looking",
        "--down",
    ] {
        need("--on-accent", role, 3.0);
    }
    bad
}

/// The stylesheet without its comments.
fn stylesheet() -> String {
    let css = std::fs::read_to_string("www/style.css").unwrap();
    let mut out = String::new();
    let mut rest = css.as_str();
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once("*/").map_or("", |(_, after)| after);
    }
    out + rest
}

#[test]
fn both_themes_meet_aa_contrast() {
    let css = stylesheet();
    let light = tokens(&css, ":root {");
    let mut dark = light.clone();
    dark.extend(tokens(&css, ":root[data-theme=\"dark\"] {"));
    let mut bad = check("light", &light);
    bad.extend(check("dark", &dark));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The system's dark theme (the media query) is the forced one (`data-theme="dark"`), token
/// for token: only the forced one is checked above.
#[test]
fn both_dark_blocks_agree() {
    let css = stylesheet();
    let forced = tokens(&css, ":root[data-theme=\"dark\"] {");
    let system = tokens(&css, ":root:not([data-theme=\"light\"]) {");
    assert_eq!(forced, system);
}

#[test]
fn the_contrast_check_catches_a_poor_pair() {
    // The leader's gold as text on white, as it was: 2.95:1.
    assert!(ratio("#c98a00", "#ffffff") < 3.0);
    assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
}

/// `color-mix(in srgb, a p%, b)` of two hex colours, as hex.
fn mix(a: &str, p: f64, b: &str) -> String {
    let ch = |h: &str, i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap() as f64;
    let c = |i: usize| (ch(a, i) * p / 100.0 + ch(b, i) * (1.0 - p / 100.0)).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(1), c(3), c(5))
}

/// The tree's tinted rows (`.tree li.missing` and the others: a role colour mixed into the
/// panel) keep its text, `--fg` and `--muted`, at 4.5:1 in both themes.
#[test]
fn the_tree_rows_tints_keep_text_readable() {
    let css = stylesheet();
    let light = tokens(&css, ":root {");
    let mut dark = light.clone();
    dark.extend(tokens(&css, ":root[data-theme=\"dark\"] {"));
    let mut tints = Vec::new();
    let mut rest = css.as_str();
    while let Some(i) = rest.find(".tree li.") {
        rest = &rest[i..];
        let rule = &rest[..rest.find('}').unwrap()];
        if let Some(j) = rule.find("color-mix(in srgb, var(") {
            let m = &rule[j + "color-mix(in srgb, var(".len()..];
            let (token, m) = m.split_once(") ").unwrap();
            let (pct, m) = m.split_once("%, var(").unwrap();
            let (base, _) = m.split_once(')').unwrap();
            tints.push((
                token.to_string(),
                pct.parse::<f64>().unwrap(),
                base.to_string(),
            ));
        }
        rest = &rest[1..];
    }
    assert!(tints.len() >= 3, "{tints:?}");
    let mut bad = Vec::new();
    for (theme, t) in [("light", &light), ("dark", &dark)] {
        for (token, pct, base) in &tints {
            let bg = mix(&t[token], *pct, &t[base]);
            for text in ["--fg", "--muted"] {
                let r = ratio(&t[text], &bg);
                if r < 4.5 {
                    bad.push(format!("{theme}: {text} on {token} {pct}% is {r:.2}:1"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
