//! Number formatting without Rust's float formatter (it adds ~10 KB of wasm): fixed-point
//! through integers, which is all SVG coordinates and the page's figures need.

use std::fmt::Write;

/// Appends `v` with one decimal (`-12.3`), rounded.
pub fn push_1(out: &mut String, v: f64) {
    let tenths = (v * 10.0).round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let t = tenths.unsigned_abs();
    let _ = write!(out, "{}", t / 10);
    if !t.is_multiple_of(10) {
        let _ = write!(out, ".{}", t % 10);
    }
}

/// `v` with one decimal at most.
pub fn f1(v: f64) -> String {
    let mut s = String::with_capacity(8);
    push_1(&mut s, v);
    s
}

/// A value in 0..=1 with two decimals (`0.42`), for opacities.
pub fn unit(v: f64) -> String {
    let h = (v.clamp(0.0, 1.0) * 100.0).round() as u32;
    if h >= 100 {
        "1".into()
    } else {
        format!("0.{h:02}")
    }
}

/// `transform:translate(Xpx,Ypx)` as an inline style, one decimal: a CSS transform change is a
/// cheaper update for the browser than the SVG `transform` attribute.
pub fn style_translate(x: f64, y: f64) -> String {
    let mut s = String::with_capacity(40);
    s.push_str("transform:translate(");
    push_1(&mut s, x);
    s.push_str("px,");
    push_1(&mut s, y);
    s.push_str("px)");
    s
}

/// `translate(x y)` with one decimal.
pub fn translate(x: f64, y: f64) -> String {
    let mut s = String::with_capacity(24);
    s.push_str("translate(");
    push_1(&mut s, x);
    s.push(' ');
    push_1(&mut s, y);
    s.push(')');
    s
}

/// A speed (virtual ms per real ms) with two significant digits: `0.05`, `0.0031`, `1.5`, `12`.
pub fn speed(v: f64) -> String {
    if v.is_nan() || v <= 0.0 {
        return "0".into();
    }
    if v >= 10.0 {
        return format!("{}", v.round() as u64);
    }
    // Scale to two significant digits.
    let mut scale = 1u64;
    let mut digits = 0usize;
    while v * (scale as f64) < 10.0 && digits < 6 {
        scale *= 10;
        digits += 1;
    }
    let n = (v * scale as f64).round() as u64;
    if digits == 0 {
        return n.to_string();
    }
    let int = n / scale;
    let frac = n % scale;
    let mut s = format!("{int}.{frac:0width$}", width = digits);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    s
}

/// Virtual time as seconds with three decimals: `12.345 s`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// Virtual time in compact form for the feed: `12.345`.
pub fn secs_compact(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Virtual time in seconds with two decimals (`12.34 s`): the clock, which then changes a few
/// times a second rather than on every frame.
pub fn seconds_2(ms: u64) -> String {
    format!("{}.{:02} s", ms / 1000, ms % 1000 / 10)
}
