//! What each template receives: one struct per template, its whole context, built from
//! the borrowed views of [`super::views`].
//!
//! These structs are also what an incremental rebuild (#4) compares: an output's key is
//! a hash of the context its template gets ([`super::keys`]), so a field added here is
//! part of the key with no second edit. Everything a context holds must therefore derive
//! `Hash` as well as `Serialize`; HTML made from a page's text is carried as an
//! [`Html`], hashed by the key of what produced it rather than by its bytes.

use serde::Serialize;

use super::map::svg::Drawing;
use super::views::{PageLink, PageView, SiteView, TagLink};

/// HTML rendered from a source, carried with a hash of everything that produced it:
/// templates get the HTML, hashing gets the key (hashing megabytes of bodies on every
/// rebuild would cost more than rendering the few that changed).
#[derive(Clone, Copy, Debug, Default)]
pub struct Html<'a> {
    /// The HTML.
    pub html: &'a str,
    /// A hash of its source text and of every answer its link rewriter gave.
    pub key: u64,
}

impl Serialize for Html<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.html)
    }
}

impl std::hash::Hash for Html<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

/// `page.html` (or a kind's own template): a content page.
#[derive(Serialize, Hash)]
pub struct PageContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The page.
    pub page: PageView<'a>,
    /// The page's neighbourhood map, when the site has a map and the page links.
    pub neighbourhood: Option<Drawing>,
}

/// The page an alias leads to, as `alias.html` names it.
#[derive(Serialize, Hash)]
pub struct AliasTarget<'a> {
    /// Its title.
    pub title: &'a str,
}

/// `alias.html`: the redirect from one of a page's old addresses.
#[derive(Serialize, Hash)]
pub struct AliasContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The page it sends to.
    pub page: AliasTarget<'a>,
    /// The link to the page, relative to the alias.
    pub target: String,
    /// The page's canonical address (absolute online with a `base_url`, else `target`).
    pub canonical: String,
}

/// One number of a list's page navigation; `gap` entries stand for numbers left out.
#[derive(Serialize, Hash)]
pub struct PageNumber {
    /// The number, from 1 (0 for a gap).
    pub number: usize,
    /// Its link (empty for a gap).
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
    /// Whether it stands for numbers left out.
    pub gap: bool,
}

/// The navigation between the pages of one list (`pagination`).
#[derive(Serialize, Hash)]
pub struct Pagination {
    /// The page shown, from 1.
    pub current: usize,
    /// How many pages the list has.
    pub total: usize,
    /// The link to the page before, if any.
    pub prev_href: Option<String>,
    /// The link to the page after, if any.
    pub next_href: Option<String>,
    /// The numbers to link.
    pub pages: Vec<PageNumber>,
}

/// A kind's list, as `list.html` gets it as `list`.
#[derive(Serialize, Hash)]
pub struct ListView<'a> {
    /// The kind id.
    pub id: &'a str,
    /// Singular label.
    pub singular: &'a str,
    /// Plural label.
    pub plural: &'a str,
    /// The kind's description.
    pub description: &'a str,
    /// Entries in the whole list.
    pub count: usize,
    /// The entries of this page of the list.
    pub pages: Vec<PageLink<'a>>,
    /// The link to propose a new page of this kind on the forge, if any.
    pub new_href: Option<String>,
    /// The label of that link.
    pub new_label: &'a str,
}

/// `list.html`: one page of a kind's list.
#[derive(Serialize, Hash)]
pub struct ListContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The list.
    pub list: ListView<'a>,
    /// The navigation between its pages, when it has more than one.
    pub pagination: Option<Pagination>,
}

/// The pages of one kind on a tag's page.
#[derive(Serialize, Hash)]
pub struct TagGroup<'a> {
    /// The kind's plural label, or empty for pages of no kind.
    pub label: &'a str,
    /// The pages.
    pub pages: Vec<PageLink<'a>>,
}

/// A tag, as `tag.html` gets it as `tag`.
#[derive(Serialize, Hash)]
pub struct TagView<'a> {
    /// The tag id.
    pub id: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Its description.
    pub description: &'a str,
    /// How many pages carry it.
    pub count: usize,
    /// This page's entries, grouped by kind.
    pub groups: Vec<TagGroup<'a>>,
}

/// `tag.html`: one page of a tag's list.
#[derive(Serialize, Hash)]
pub struct TagContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The tag.
    pub tag: TagView<'a>,
    /// The navigation between its pages, when it has more than one.
    pub pagination: Option<Pagination>,
}

/// A tag on the tag index.
#[derive(Serialize, Hash)]
pub struct TagSummary<'a> {
    /// The link to it.
    #[serde(flatten)]
    pub link: TagLink<'a>,
    /// Its description.
    pub description: &'a str,
    /// How many pages carry it.
    pub count: usize,
}

/// `tags.html`: the tag index.
#[derive(Serialize, Hash)]
pub struct TagsContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// Every tag, in the vocabulary's order.
    pub tags: Vec<TagSummary<'a>>,
}

/// A kind on the home page: its labels, its list's link and its first pages.
#[derive(Serialize, Hash)]
pub struct HomeKind<'a> {
    /// The kind id.
    pub id: &'a str,
    /// Singular label.
    pub singular: &'a str,
    /// Plural label.
    pub plural: &'a str,
    /// The kind's description.
    pub description: &'a str,
    /// The link to its list.
    pub href: String,
    /// How many pages it has.
    pub count: usize,
    /// Its first pages.
    pub pages: Vec<PageLink<'a>>,
}

/// The home page, as `index.html` gets it as `home`.
#[derive(Serialize, Hash)]
pub struct HomeView<'a> {
    /// The home page's title, or the site's.
    pub title: &'a str,
    /// Its summary, or the site's description.
    pub summary: &'a str,
    /// The body of `content/_index.md`, if any.
    pub content: Html<'a>,
    /// Each kind.
    pub kinds: Vec<HomeKind<'a>>,
    /// The link to edit `content/_index.md` on the forge, if any.
    pub edit_href: Option<String>,
}

/// `index.html`: the home page.
#[derive(Serialize, Hash)]
pub struct HomeContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The home page.
    pub home: HomeView<'a>,
}

/// The `site` of the search page and the 404 page: a host serves 404.html at any depth,
/// so with a known base URL it names it as `<base href>`.
#[derive(Serialize, Hash)]
pub struct FixedSite<'a> {
    /// The site.
    #[serde(flatten)]
    pub site: SiteView<'a>,
    /// The base of every link (the 404 page of an online build with a `base_url`).
    pub base: Option<String>,
}

/// `search.html` and `404.html`: pages that show only the site.
#[derive(Serialize, Hash)]
pub struct FixedContext<'a> {
    /// The site.
    pub site: FixedSite<'a>,
}

/// `map.html`: the map of the guide.
#[derive(Serialize, Hash)]
pub struct MapContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The map.
    pub map: super::map::MapView<'a>,
}

/// `print.html`: the printable guide.
#[derive(Serialize, Hash)]
pub struct PrintContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The booklet's sections in reading order.
    pub sections: Vec<super::print::PrintSection<'a>>,
}
