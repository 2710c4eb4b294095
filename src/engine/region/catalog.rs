//! `catalog.json`: the regions a site serves — each one's id, name and where its manifest is,
//! with its samples and preset views so the landing page lists them before any region is opened.
//! Written from the manifests (`equimap region catalog DIR`), never by hand.

use serde::{Deserialize, Serialize};

use super::{Manifest, Preset, Sample};
use crate::engine::error::{EngineError, Result};

/// The catalog format version this program writes and reads.
pub const CATALOG_VERSION: u32 = 1;

/// The site's list of regions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Catalog {
    /// Format version (1).
    pub version: u32,
    /// The region opened when a link names none.
    pub default_region: String,
    /// Every region, in the order the picker lists them.
    pub regions: Vec<CatalogRegion>,
}

/// One region of the catalog.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CatalogRegion {
    /// The region's id (its manifest's `region`).
    pub id: String,
    /// Name shown to people.
    pub name: String,
    /// Path of its `manifest.json`, relative to the catalog.
    pub manifest: String,
    /// Its samples, paths relative to the catalog.
    #[serde(default)]
    pub samples: Vec<Sample>,
    /// Its preset views.
    #[serde(default)]
    pub presets: Vec<Preset>,
}

impl Catalog {
    /// Parses `catalog.json`.
    pub fn from_json(text: &str) -> Result<Self> {
        let c: Catalog =
            serde_json::from_str(text).map_err(|e| EngineError::RegionData { file: "catalog.json".into(), reason: e.to_string() })?;
        if c.version != CATALOG_VERSION {
            return Err(EngineError::RegionData {
                file: "catalog.json".into(),
                reason: format!("version {} (this program reads version {CATALOG_VERSION})", c.version),
            });
        }
        Ok(c)
    }

    /// The catalog of `manifests`, each given with its path relative to the catalog
    /// (`chicago/manifest.json`); the default region is `default` when listed, else the first.
    pub fn from_manifests(manifests: &[(String, Manifest)], default: &str) -> Catalog {
        let regions: Vec<CatalogRegion> = manifests
            .iter()
            .map(|(path, m)| {
                let dir = path.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
                CatalogRegion {
                    id: m.region.clone(),
                    name: m.name.clone(),
                    manifest: path.clone(),
                    samples: m.samples.iter().map(|s| Sample { path: format!("{dir}{}", s.path), ..s.clone() }).collect(),
                    presets: m.presets.clone(),
                }
            })
            .collect();
        let default_region = regions.iter().find(|r| r.id == default).or(regions.first()).map(|r| r.id.clone()).unwrap_or_default();
        Catalog { version: CATALOG_VERSION, default_region, regions }
    }

    /// The region with id `id`.
    pub fn region(&self, id: &str) -> Option<&CatalogRegion> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// The bundled sample named `file`, with its region: region `region`'s own when it has one
    /// of that name (two regions may serve the same export), else the first region's.
    pub fn sample(&self, region: &str, file: &str) -> Option<(&CatalogRegion, &Sample)> {
        let own = self.region(region).and_then(|r| r.samples.iter().find(|s| s.file == file).map(|s| (r, s)));
        own.or_else(|| self.regions.iter().find_map(|r| r.samples.iter().find(|s| s.file == file).map(|s| (r, s))))
    }

    /// The preset view with id `id`.
    pub fn preset(&self, id: &str) -> Option<&Preset> {
        self.regions.iter().flat_map(|r| &r.presets).find(|p| p.id == id)
    }

    /// Every preset view, region by region.
    pub fn presets(&self) -> impl Iterator<Item = &Preset> {
        self.regions.iter().flat_map(|r| &r.presets)
    }
}

impl CatalogRegion {
    /// The folder of the region's files relative to the catalog, with a trailing `/` (or empty).
    pub fn folder(&self) -> &str {
        self.manifest.rsplit_once('/').map(|(d, _)| &self.manifest[..=d.len()]).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(id: &str) -> Manifest {
        Manifest::from_json(&format!(
            r#"{{"version":1,"region":"{id}","name":"N {id}","attribution":"","default_level":"a","levels":[],
               "samples":[{{"file":"x.csv","path":"samples/x.csv","source":"s"}}],
               "presets":[{{"id":"p-{id}","title":"T","query":"v=1&r={id}"}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn sample_paths_become_relative_to_the_catalog() {
        let c =
            Catalog::from_manifests(&[("one/manifest.json".into(), manifest("one")), ("two/manifest.json".into(), manifest("two"))], "two");
        assert_eq!(c.default_region, "two");
        assert_eq!(c.region("one").unwrap().samples[0].path, "one/samples/x.csv");
        assert_eq!(c.region("two").unwrap().folder(), "two/");
        assert_eq!(c.preset("p-two").unwrap().query, "v=1&r=two");
        // Two regions' samples share a name: the region's own, else the first region's.
        assert_eq!(c.sample("two", "x.csv").unwrap().0.id, "two");
        assert_eq!(c.sample("three", "x.csv").unwrap().0.id, "one");
        assert!(c.sample("one", "y.csv").is_none());
        let again = Catalog::from_json(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(again, c);
        assert!(Catalog::from_json(r#"{"version":9,"default_region":"","regions":[]}"#).unwrap_err().to_string().contains("version 9"));
    }
}
