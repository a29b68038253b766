//! The integration suite: every test drives the real `archipel` binary on real files.
//! See `tests/README.md` for how to add one.

mod aliases;
mod anchors;
mod build;
mod cards;
mod check;
mod codes;
mod dates;
mod drafts;
mod faults;
mod forge;
mod guide;
mod i18n;
mod incremental;
mod links;
mod map;
mod memory;
mod messages;
mod metadata;
mod new;
mod offline;
mod outputs;
mod paginate;
mod print;
mod properties;
mod publish;
mod raw_html;
mod relations;
mod rerender;
mod search;
mod serve;
mod site_codes;
mod support;
mod symlinks;
mod templates;
mod workflows;
