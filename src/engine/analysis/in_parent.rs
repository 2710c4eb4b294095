//! "MSOAs of Birmingham": an analysis of a level's areas within one area of its parent level
//! (the view's `within`). Rows are placed on the whole level first, so a row in an area of
//! another parent is *excluded* by that choice (counted, with the filter's words), never
//! unmatched or misplaced; the figures (rates, quintiles, indices) are over the areas within.

use super::place::Prepared;
use super::result::ExcludedBy;
use crate::engine::error::Result;
use crate::engine::placement::matching::Placed;
use crate::engine::region::Areas;

/// A level restricted to one parent's areas, with the placement renumbered to them.
pub struct Restricted {
    /// The areas within the parent, as a level of their own.
    pub areas: Areas,
    /// The placement with area numbers of [`Restricted::areas`]; rows in other areas keep a
    /// placeholder (they are excluded).
    pub prepared: Prepared,
    /// Rows placed in an area of another parent.
    pub outside: Vec<bool>,
    /// The parent, in words (`Birmingham (E08000025)`).
    pub label: String,
}

/// `areas` and `prepared` restricted to the areas in parent `within` (`None` when `within` is
/// empty). Fails when the level has no parent or no area lies in `within`.
pub fn restrict(areas: &Areas, prepared: &Prepared, within: &str) -> Result<Option<Restricted>> {
    if within.is_empty() {
        return Ok(None);
    }
    let (sub, keep, label) = areas.in_parent(within)?;
    let mut new_index = vec![None; areas.len()];
    for (j, &i) in keep.iter().enumerate() {
        new_index[i] = Some(j as u32);
    }
    let mut outside = vec![false; prepared.placement.len()];
    let placement = prepared
        .placement
        .iter()
        .enumerate()
        .map(|(row, p)| match p.get() {
            Ok(a) => match new_index[a as usize] {
                Some(j) => Placed::from(Ok(j)),
                None => {
                    outside[row] = true;
                    Placed::from(Ok(0))
                }
            },
            Err(why) => Placed::from(Err(why)),
        })
        .collect();
    let prepared = Prepared { placement, ..prepared.clone() };
    Ok(Some(Restricted { areas: sub, prepared, outside, label }))
}

impl Restricted {
    /// Excludes the rows placed outside the parent (those no earlier filter excluded), and says
    /// how many.
    pub fn exclude(&self, excluded: &mut [bool]) -> ExcludedBy {
        let mut rows = 0;
        for (e, &out) in excluded.iter_mut().zip(&self.outside) {
            if out && !*e {
                *e = true;
                rows += 1;
            }
        }
        ExcludedBy { filter: format!("in areas outside {}", self.label), rows }
    }
}
