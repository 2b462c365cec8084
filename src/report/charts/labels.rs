//! Where the labels of points go: next to their point where there is
//! room, else moved away (and joined to the point by a leader line) to the
//! nearest place that overlaps no other label, no marker, nothing else a
//! chart reserved, and stays inside the plot, so that a label never
//! covers the title, the legend or the axes. Lines (the Pareto frontier,
//! the SLO) are avoided where a place free of them is about as near.
//!
//! Pure pixel geometry: the charts measure the text and draw.

/// A box in pixels; `right` and `bottom` are exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
}

impl Rect {
    pub fn new(left: i32, top: i32, right: i32, bottom: i32) -> Rect {
        Rect {
            left,
            top,
            right,
            bottom,
        }
    }

    /// The square of half-side `r` around `(x, y)`, e.g. a marker.
    pub fn around((x, y): (i32, i32), r: i32) -> Rect {
        Rect::new(x - r, y - r, x + r, y + r)
    }

    pub fn width(&self) -> i32 {
        self.right - self.left
    }

    pub fn height(&self) -> i32 {
        self.bottom - self.top
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.left < o.right && o.left < self.right && self.top < o.bottom && o.top < self.bottom
    }

    pub fn within(&self, outer: &Rect) -> bool {
        self.left >= outer.left
            && self.right <= outer.right
            && self.top >= outer.top
            && self.bottom <= outer.bottom
    }

    /// Grown by `by` pixels on every side.
    pub fn grown(&self, by: i32) -> Rect {
        Rect::new(
            self.left - by,
            self.top - by,
            self.right + by,
            self.bottom + by,
        )
    }

    /// The point of the box nearest to `p`: where a leader line ends.
    pub fn nearest(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (
            x.clamp(self.left, self.right),
            y.clamp(self.top, self.bottom),
        )
    }

    /// Whether the segment a–b passes through the box (Liang–Barsky).
    pub fn crosses(&self, a: (i32, i32), b: (i32, i32)) -> bool {
        let (x0, y0) = (f64::from(a.0), f64::from(a.1));
        let (dx, dy) = (f64::from(b.0) - x0, f64::from(b.1) - y0);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let edges = [
            (-dx, x0 - f64::from(self.left)),
            (dx, f64::from(self.right) - x0),
            (-dy, y0 - f64::from(self.top)),
            (dy, f64::from(self.bottom) - y0),
        ];
        for (p, q) in edges {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }

    fn contains(&self, (x, y): (i32, i32)) -> bool {
        x >= self.left && x <= self.right && y >= self.top && y <= self.bottom
    }
}

/// Where one label went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub rect: Rect,
    /// Whether it sits away from its point and needs a leader line.
    pub leader: bool,
}

/// Pixels kept free between two labels.
const GAP: i32 = 4;
/// What crossing a line costs, in pixels of distance: a place this much
/// further out that crosses nothing is as good.
const LINE_COST: i32 = 40;
/// The grid of places tried away from the point, in pixels.
const GRID: (i32, i32) = (12, 6);

/// The labels of one plot, placed one after the other.
pub struct Layout {
    bounds: Rect,
    taken: Vec<Rect>,
    lines: Vec<((i32, i32), (i32, i32))>,
}

impl Layout {
    /// Labels are kept inside `bounds` (the plot, in pixels).
    pub fn new(bounds: Rect) -> Layout {
        Layout {
            bounds,
            taken: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Nothing may be placed over `r` (a marker, a label drawn already).
    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }

    /// Labels keep off the segment a–b where they can.
    pub fn avoid_line(&mut self, a: (i32, i32), b: (i32, i32)) {
        self.lines.push((a, b));
    }

    /// Places a label of `size` (width, height) for the point at
    /// `anchor`, at least `clear` pixels from it: beside it if one of the
    /// usual places is free, else at the free place of a grid over the
    /// plot nearest to it (crossing a line counts as [`LINE_COST`] pixels
    /// further). The label and its leader line are then blocked for the
    /// labels after it.
    pub fn place(&mut self, anchor: (i32, i32), size: (i32, i32), clear: i32) -> Placed {
        let keep_off = Rect::around(anchor, clear - GAP);
        // The usual places count as `clear` away, in their order of
        // preference; a place of the grid as far as it is.
        let beside = candidates(anchor, size, clear)
            .into_iter()
            .enumerate()
            .map(|(order, r)| (Some(order as i32), self.clamp_x(r)));
        let grid = self.grid(size).map(|r| (None, r));
        let best = beside
            .chain(grid)
            .filter(|(_, r)| self.fits(r) && !r.grown(GAP).overlaps(&keep_off))
            .map(|(order, r)| {
                let cost = match order {
                    Some(order) => (clear + self.crossing_cost(&r, anchor)) * 10 + order,
                    None => (self.distance(&r, anchor) + self.crossing_cost(&r, anchor)) * 10 + 8,
                };
                (cost, r)
            })
            .min_by_key(|(cost, r)| (*cost, r.top, r.left))
            .map(|(_, r)| r);
        // Nowhere free: the first place, inside the plot, over others.
        let rect = best.unwrap_or_else(|| self.clamp(candidates(anchor, size, clear)[0]));
        self.taken.push(rect);
        // Beside its point, a label needs no line to say whose it is.
        let near = rect.nearest(anchor);
        let leader = (near.0 - anchor.0).abs().max((near.1 - anchor.1).abs()) > clear + GAP;
        if leader {
            self.lines.push((anchor, near));
        }
        Placed { rect, leader }
    }

    /// Every place of a box of `(w, h)` on the grid over the bounds.
    fn grid(&self, (w, h): (i32, i32)) -> impl Iterator<Item = Rect> + use<> {
        let b = self.bounds;
        let xs = (b.left..=b.right - w).step_by(GRID.0 as usize);
        xs.flat_map(move |left| {
            (b.top..=b.bottom - h)
                .step_by(GRID.1 as usize)
                .map(move |top| Rect::new(left, top, left + w, top + h))
        })
    }

    /// How far `r` is from `anchor`, in pixels.
    fn distance(&self, r: &Rect, anchor: (i32, i32)) -> i32 {
        let near = r.nearest(anchor);
        let (dx, dy) = (f64::from(near.0 - anchor.0), f64::from(near.1 - anchor.1));
        dx.hypot(dy).round() as i32
    }

    /// [`LINE_COST`] for each line `r` crosses and for each label or
    /// marker its leader line would cross.
    fn crossing_cost(&self, r: &Rect, anchor: (i32, i32)) -> i32 {
        let near = r.nearest(anchor);
        let lines = self.lines.iter().filter(|l| r.crosses(l.0, l.1)).count();
        let leader_crosses = self
            .taken
            .iter()
            .filter(|t| !t.contains(anchor) && t.crosses(anchor, near))
            .count();
        LINE_COST * (lines + leader_crosses) as i32
    }

    fn fits(&self, r: &Rect) -> bool {
        r.within(&self.bounds) && !self.taken.iter().any(|t| t.grown(GAP).overlaps(r))
    }

    /// `r` moved sideways, as little as needed, to lie within the bounds.
    fn clamp_x(&self, r: Rect) -> Rect {
        let b = &self.bounds;
        let left = r.left.min(b.right - r.width()).max(b.left);
        Rect::new(left, r.top, left + r.width(), r.bottom)
    }

    fn clamp(&self, r: Rect) -> Rect {
        let b = &self.bounds;
        let left = r.left.min(b.right - r.width()).max(b.left);
        let top = r.top.min(b.bottom - r.height()).max(b.top);
        Rect::new(left, top, left + r.width(), top + r.height())
    }
}

/// Places for a box of `(w, h)` at distance `d` from `(x, y)`, the most
/// natural first: above-right (where charts have always put labels),
/// right, above-left, left, above, below-right, below-left, below.
fn candidates((x, y): (i32, i32), (w, h): (i32, i32), d: i32) -> [Rect; 8] {
    let at = |left: i32, top: i32| Rect::new(left, top, left + w, top + h);
    [
        at(x + d, y - d - h),
        at(x + d, y - h / 2),
        at(x - d - w, y - d - h),
        at(x - d - w, y - h / 2),
        at(x - w / 2, y - d - h),
        at(x + d, y + d),
        at(x - d - w, y + d),
        at(x - w / 2, y + d),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot() -> Layout {
        Layout::new(Rect::new(0, 0, 1000, 600))
    }

    #[test]
    fn a_lone_label_sits_above_right_of_its_point() {
        let p = plot().place((500, 300), (100, 20), 12);
        assert_eq!(p.rect, Rect::new(512, 268, 612, 288));
        assert!(!p.leader);
    }

    #[test]
    fn labels_of_points_at_one_spot_never_overlap() {
        let mut l = plot();
        let placed: Vec<Placed> = (0..10)
            .map(|_| l.place((500, 300), (120, 24), 12))
            .collect();
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{a:?} {b:?}");
            }
        }
        assert!(placed.iter().skip(8).all(|p| p.leader), "{placed:?}");
        assert!(!placed[0].leader);
    }

    #[test]
    fn labels_stay_inside_the_plot_and_off_what_is_blocked() {
        let mut l = plot();
        l.block(Rect::new(900, 0, 1000, 100));
        let p = l.place((990, 10), (150, 24), 12);
        assert!(p.rect.within(&Rect::new(0, 0, 1000, 600)), "{p:?}");
        assert!(!p.rect.overlaps(&Rect::new(900, 0, 1000, 100)), "{p:?}");
    }

    #[test]
    fn a_label_keeps_off_a_line_when_a_place_nearby_is_free() {
        let mut l = plot();
        // A vertical line just right of the point.
        l.avoid_line((520, 0), (520, 600));
        let p = l.place((500, 300), (100, 20), 12);
        assert!(!p.rect.crosses((520, 0), (520, 600)), "{p:?}");
    }
}
