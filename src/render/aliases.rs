//! Old addresses that last (#12): for each `aliases = ["old/path"]` of a page, a small
//! page at `old/path/index.html` that sends the reader on (meta refresh), names the page's
//! address as canonical and shows a link, online and offline. The outputs table
//! (`outputs.rs`) registers them, so an alias that collides with another output is an
//! error naming both.

use super::views::Linker;
use super::{Options, Theme, url};
use crate::diag::Error;
use crate::model::Site;
use crate::output::Sink;

/// Writes the redirect pages of page `i`'s aliases into `sink`.
pub(super) fn render(
    site: &Site,
    theme: &Theme,
    options: Options,
    i: usize,
    sink: &dyn Sink,
) -> Result<(), Error> {
    let page = &site.pages[i];
    let page_file = url::page_file(&page.id);
    for alias in &page.aliases {
        let file = url::page_file(&alias.path);
        let l = Linker {
            site,
            from: &file,
            offline: options.offline,
        };
        let target = l.href(&page_file);
        let base_url = &site.config.site.base_url;
        let canonical = if options.offline || base_url.is_empty() {
            target.clone()
        } else {
            format!("{base_url}{}", url::online_path(&page_file))
        };
        let ctx = serde_json::json!({
            "site": l.site_view(None, site.config.site.print),
            "page": { "title": page.title },
            "target": target,
            "canonical": canonical,
        });
        sink.put(&file, &theme.render("alias.html", ctx, &file)?)?;
    }
    Ok(())
}
