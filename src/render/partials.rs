//! Partials: the templates of a theme's `partials/` folder (`partials/header.html`),
//! rendered by the engine once per distinct `site` and given to every template as
//! `partials` (`partials.header`), HTML the theme made and already escaped. A site's
//! header and footer are the same for all pages that share their `site` (its links are
//! relative to the file's depth, its navigation marks the current kind), and rendering
//! them for each of 10,000 pages was about 48 lookups a page, 6 % of a build's CPU.
//!
//! A partial sees `t` and `site` alone, without `site.canonical` (the one field that
//! differs for every page). That `site`, as the template would get it, is the cache's
//! key, compared whole: two files share a rendering only when their partials would see
//! the same thing. The cache lives as long as the [`Theme`]: what a partial reads
//! besides its `site` (its templates, the strings) is the theme's, and a theme is
//! loaded again whenever its templates, its strings or the configuration change.

use std::collections::HashMap;
use std::sync::Mutex;

use rustc_hash::FxBuildHasher;
use serde_json::{Map, Value};
use tera::Tera;

use super::Theme;
use crate::diag::Error;

/// The folder of a theme's partials, in its `templates/`.
const DIR: &str = "partials/";

/// The field of `site` that partials do not see.
const UNSEEN: &str = "canonical";

/// A `site` as its partials see it.
type Site = Map<String, Value>;

/// A theme's partials and their renderings so far.
#[derive(Default)]
pub(super) struct Partials {
    /// Each partial's name as templates see it (`header`) and its template's.
    templates: Vec<(String, String)>,
    /// The partials rendered for each `site`, as the object templates get.
    rendered: Mutex<HashMap<Site, Value, FxBuildHasher>>,
}

impl Partials {
    /// The partials among the templates of `tera`.
    pub(super) fn new(tera: &Tera) -> Self {
        let mut templates: Vec<(String, String)> = tera
            .get_template_names()
            .filter_map(|name| {
                let partial = name.strip_prefix(DIR)?;
                let partial = partial.strip_suffix(".html").unwrap_or(partial);
                Some((partial.to_owned(), name.to_owned()))
            })
            .collect();
        templates.sort();
        Partials {
            templates,
            rendered: Mutex::default(),
        }
    }

    /// The rendering kept for `site`, if any.
    fn kept(&self, site: &Site) -> Option<Value> {
        let rendered = self.rendered.lock().unwrap_or_else(|e| e.into_inner());
        rendered.get(site).cloned()
    }

    /// Keeps `partials`, rendered for `site`.
    fn keep(&self, site: Site, partials: Value) {
        let mut rendered = self.rendered.lock().unwrap_or_else(|e| e.into_inner());
        rendered.entry(site).or_insert(partials);
    }
}

impl Theme {
    /// Adds `partials` to `view`, the context of a template rendering output `file`,
    /// when the theme has partials and the context has a `site`.
    pub(super) fn add_partials(
        &self,
        view: &mut Map<String, Value>,
        file: &str,
    ) -> Result<(), Error> {
        if self.partials.templates.is_empty() {
            return Ok(());
        }
        let Some(Value::Object(site)) = view.get_mut("site") else {
            return Ok(());
        };
        // Taken out while the key is `site` and put back after: no copy of `site` for
        // the files whose partials are already rendered.
        let unseen = site.remove(UNSEEN);
        let partials = match self.partials.kept(site) {
            Some(partials) => Ok(partials),
            None => self.render_partials(site, file).inspect(|partials| {
                self.partials.keep(site.clone(), partials.clone());
            }),
        };
        if let Some(unseen) = unseen {
            site.insert(UNSEEN.to_owned(), unseen);
        }
        view.insert("partials".to_owned(), partials?);
        Ok(())
    }

    /// Renders every partial for `site`, while rendering output `file`.
    fn render_partials(&self, site: &Site, file: &str) -> Result<Value, Error> {
        let mut context = self.strings_context();
        context.insert("site", site);
        let partials: Result<Map<String, Value>, Error> = (self.partials.templates)
            .iter()
            .map(|(name, template)| {
                let html = self.render_fragment(template, &context, file, 4096)?;
                Ok((name.clone(), Value::String(html)))
            })
            .collect();
        context.remove("site");
        self.give_back(context);
        match partials {
            Ok(partials) => Ok(Value::Object(partials)),
            Err(Error::Config(diags)) => {
                Err(Error::Config(diags.into_iter().map(with_help).collect()))
            }
            Err(e) => Err(e),
        }
    }
}

/// `diag` with the help of a partial that failed, unless it has its own.
fn with_help(diag: crate::diag::Diagnostic) -> crate::diag::Diagnostic {
    match diag.help {
        Some(_) => diag,
        None => diag.help(crate::t!("template.partial.help")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::views::Linker;

    /// What the partials of output `file` of `site` see, with `kind` current.
    fn seen(site: &crate::model::Site, file: &str, kind: Option<usize>) -> Value {
        let l = Linker {
            site,
            from: file,
            offline: false,
            cards: None,
        };
        let mut view = serde_json::to_value(l.site_view(kind, true)).unwrap();
        view.as_object_mut().unwrap().remove(UNSEEN);
        view
    }

    #[test]
    fn pages_of_one_kind_and_depth_share_their_partials() {
        let pages = [
            ("a", "title = \"A\"".to_owned()),
            ("b", "title = \"B\"".to_owned()),
        ];
        let (mut site, _) = crate::links::test_site(&pages, &[]);
        // Online with a base URL, where each page has its own canonical address.
        site.config.site.base_url = "https://exemple.org/".into();
        // A field of `site` that differs from page to page would make the partials
        // render once per page: it must be one they do not see (`UNSEEN`).
        assert_eq!(
            seen(&site, "k/a/index.html", Some(0)),
            seen(&site, "k/b/index.html", Some(0))
        );
        assert_ne!(
            seen(&site, "k/a/index.html", Some(0)),
            seen(&site, "k/a/index.html", None)
        );
        assert_ne!(
            seen(&site, "k/a/index.html", Some(0)),
            seen(&site, "k/index.html", Some(0))
        );
    }
}
