//! archipel: a static knowledge-base site generator.
//!
//! The pipeline runs in one direction: [`config`] and [`load`] read the site, [`model`]
//! validates it, [`links`] resolves its cross-references, [`render`] turns it into pages
//! that [`output`] writes. [`build`] chains the stages; [`serve`] is a loop around it.

// One exception, in `load::Text::get`, says why it holds; nothing else may be unsafe.
#![deny(unsafe_code)]

pub mod build;
pub mod config;
pub mod console;
pub mod date;
pub mod diag;
pub mod escape;
pub mod info;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod new;
pub mod output;
pub mod render;
pub mod review;
pub mod serve;
pub mod slug;
