//! Reading a chart's SVG back as a person looks at it: where each text
//! sits and how big it is, and which colour and marker each legend entry
//! shows. Used by the layout tests to find overlapping or clipped text
//! and architectures drawn alike.
//!
//! Text extents are estimated, not measured: the width is the font size
//! times the sum of per-character advances of the embedded DejaVu Sans,
//! taken in three classes (narrow letters and punctuation 0.32 em, wide
//! capitals and m/w 0.85 em, everything else 0.62 em, close to the font's
//! average advance for digits and lower case); the height runs from the
//! cap height (0.73 em) above the baseline to the descender (0.24 em)
//! below it. Text rotated by 90° or 270° (an axis description) is turned
//! with its box.

use std::collections::BTreeMap;

/// One element of the SVG, in drawing order.
#[derive(Clone, Debug)]
pub struct Element {
    pub tag: String,
    pub attrs: BTreeMap<String, String>,
    /// The text of a `<text>` element, trimmed.
    pub text: String,
}

impl Element {
    pub fn num(&self, name: &str) -> f64 {
        self.attrs
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    }
}

/// The elements of `svg`, in drawing order.
pub fn elements(svg: &str) -> Vec<Element> {
    let mut out = Vec::new();
    for chunk in svg.split('<').skip(1) {
        if chunk.starts_with('/') || chunk.starts_with('?') || chunk.starts_with('!') {
            continue;
        }
        let Some((head, rest)) = chunk.split_once('>') else {
            continue;
        };
        let tag: String = head.chars().take_while(|c| c.is_alphanumeric()).collect();
        out.push(Element {
            attrs: attributes(&head[tag.len()..]),
            text: unescape(rest.trim()),
            tag,
        });
    }
    out
}

fn attributes(s: &str) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    let mut rest = s;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim().trim_start_matches('/').to_string();
        let value_start = eq + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        attrs.insert(name, rest[value_start..value_start + len].to_string());
        rest = &rest[value_start + len + 1..];
    }
    attrs
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A text's box on the page, in pixels.
#[derive(Clone, Debug)]
pub struct TextBox {
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl TextBox {
    /// Whether the two boxes share more than `slack` pixels each way.
    pub fn overlaps(&self, o: &TextBox, slack: f64) -> bool {
        self.left + slack < o.right
            && o.left + slack < self.right
            && self.top + slack < o.bottom
            && o.top + slack < self.bottom
    }
}

/// The advance of `c` in em, by class (see the module doc).
fn advance(c: char) -> f64 {
    if "ijlrtf.,:;'!|()[]{} ·".contains(c) {
        0.32
    } else if "mwMWOQGCDHNU@%—".contains(c) {
        0.85
    } else {
        0.62
    }
}

/// The boxes of every non-empty text of `svg`.
pub fn text_boxes(svg: &str) -> Vec<TextBox> {
    elements(svg)
        .into_iter()
        .filter(|e| e.tag == "text" && !e.text.is_empty())
        .map(|e| text_box(&e))
        .collect()
}

fn text_box(e: &Element) -> TextBox {
    let size = e.num("font-size");
    let width: f64 = e.text.chars().map(advance).sum::<f64>() * size;
    let (x, y) = (e.num("x"), e.num("y"));
    // The baseline's offset from y, by the vertical anchor plotters wrote.
    let baseline = match e.attrs.get("dy").map(String::as_str) {
        Some("0.76em") => 0.76 * size,
        Some("0.5ex") => 0.25 * size,
        Some("-0.5ex") => -0.25 * size,
        _ => 0.0,
    };
    let (l, r) = match e.attrs.get("text-anchor").map(String::as_str) {
        Some("middle") => (-width / 2.0, width / 2.0),
        Some("end") => (-width, 0.0),
        _ => (0.0, width),
    };
    let (t, b) = (baseline - 0.73 * size, baseline + 0.24 * size);
    // Offsets (l..r, t..b) from (x, y), turned with the text.
    let ((l, r), (t, b)) = match e.attrs.get("transform") {
        Some(tr) if tr.starts_with("rotate(270") => ((t, b), (-r, -l)),
        Some(tr) if tr.starts_with("rotate(90") => ((-b, -t), (l, r)),
        _ => ((l, r), (t, b)),
    };
    TextBox {
        text: e.text.clone(),
        left: x + l,
        top: y + t,
        right: x + r,
        bottom: y + b,
    }
}

/// The page size of `svg`.
pub fn size(svg: &str) -> (f64, f64) {
    let root = &elements(svg)[0];
    (root.num("width"), root.num("height"))
}

/// Pairs of texts whose boxes overlap by more than `slack` pixels.
pub fn overlaps(svg: &str, slack: f64) -> Vec<(String, String)> {
    let boxes = text_boxes(svg);
    let mut out = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.overlaps(b, slack) {
                out.push((a.text.clone(), b.text.clone()));
            }
        }
    }
    out
}

/// Texts that reach past the page's edge by more than `slack` pixels.
pub fn off_page(svg: &str, slack: f64) -> Vec<String> {
    let (w, h) = size(svg);
    text_boxes(svg)
        .into_iter()
        .filter(|b| {
            b.left < -slack || b.top < -slack || b.right > w + slack || b.bottom > h + slack
        })
        .map(|b| b.text)
        .collect()
}

/// How a legend entry draws its architecture: the colour of its line and
/// the marker's outline, and the marker's shape ("circle", or a polygon's
/// corner count with the side of its first corner).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Look {
    pub color: String,
    pub marker: Option<String>,
}

/// The look of each legend entry whose label `is_entry` accepts (and maps
/// to the architecture's name): what was drawn just before the label.
pub fn legend_looks(
    svg: &str,
    is_entry: impl Fn(&str) -> Option<String>,
) -> BTreeMap<String, Look> {
    let els = elements(svg);
    let mut out = BTreeMap::new();
    for (k, e) in els.iter().enumerate() {
        if e.tag != "text" || k < 1 {
            continue;
        }
        let Some(name) = is_entry(&e.text) else {
            continue;
        };
        let glyph = &els[k.saturating_sub(3)..k];
        // A name drawn without a glyph (under a bar) is no legend entry.
        let Some(color) = glyph
            .iter()
            .rev()
            .find_map(|g| g.attrs.get("stroke").filter(|c| *c != "none").cloned())
        else {
            continue;
        };
        let marker = glyph
            .iter()
            .find(|g| g.tag == "circle" || g.tag == "polygon")
            .map(shape_of);
        out.entry(name).or_insert(Look { color, marker });
    }
    out
}

fn shape_of(e: &Element) -> String {
    if e.tag == "circle" {
        return "circle".into();
    }
    let pts: Vec<(f64, f64)> = e.attrs["points"]
        .split_whitespace()
        .filter_map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect();
    let n = pts.len() as f64;
    let (cx, cy) = pts
        .iter()
        .fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
    let (dx, dy) = (pts[0].0 - cx, pts[0].1 - cy);
    let side = |d: f64| match d {
        d if d > 1.0 => "+",
        d if d < -1.0 => "-",
        _ => "0",
    };
    format!("{}-gon {}{}", pts.len(), side(dx), side(dy))
}
