//! A depth limit on macro calls, for the recursion [`super::cycles`] cannot see: a macro
//! that calls itself under a condition which never turns false (`{% if n >= 0 %}` with
//! `n` growing). Tera 1 has no depth limit of its own, so such a macro would overflow
//! the stack and abort the process.
//!
//! Every macro body gets a call to `__archipel_enter` at its start and to
//! `__archipel_leave` at its end, two functions that count the macros being rendered on
//! the current thread (one template renders on one thread). Past [`LIMIT`] nested
//! calls, `enter` fails: Tera stops rendering and [`tripped`] names the macro, for a
//! diagnostic of its own. [`reset`] runs before each template, since a render that
//! failed half-way never reached its `leave` calls.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};
use tera::{Tera, Value};

use crate::diag::{Diagnostic, LineIndex};

/// Nested macro calls allowed. A tree walked by a macro is rarely ten levels deep.
pub(crate) const LIMIT: usize = 64;

/// The stack a thread that renders templates needs for [`LIMIT`] levels, with room to
/// spare: in a debug build, a macro with a loop, a filter section and a condition at
/// each level took about 40 KB a level (it overflowed a 2 MB stack between 45 and 64
/// levels); release builds take far less. Only the pages touched count in memory.
pub const RENDER_STACK: usize = 16 * 1024 * 1024;

const ENTER: &str = "__archipel_enter";
const LEAVE: &str = "__archipel_leave";

thread_local! {
    /// Macros being rendered on this thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The diagnostic for the macro that went past the limit, once one did.
    static TRIPPED: RefCell<Option<Diagnostic>> = const { RefCell::new(None) };
}

/// Forgets what an earlier render on this thread left (a failed render stops before
/// its `leave` calls).
pub(super) fn reset() {
    DEPTH.with(|d| d.set(0));
    TRIPPED.with(|t| t.borrow_mut().take());
}

/// The diagnostic of the macro that went past the limit during the last render on this
/// thread, if one did.
pub(super) fn tripped() -> Option<Diagnostic> {
    TRIPPED.with(|t| t.borrow_mut().take())
}

/// Adds the counting calls to every macro of `tera` and registers the two functions;
/// `sources` maps each template's name to its file and text, for positions.
pub(super) fn guard(tera: &mut Tera, sources: &BTreeMap<String, (PathBuf, String)>, root: &Path) {
    // The diagnostic of each macro, made now while the sources are at hand; `enter`
    // is told which one is its own.
    let mut diags = Vec::new();
    for (name, template) in tera.templates.iter_mut() {
        let (path, text) = sources
            .get(name)
            .map_or((PathBuf::from(name), ""), |(p, t)| (p.clone(), t.as_str()));
        let path = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let lines = LineIndex::new(text);
        for (macro_name, definition) in template.macros.iter_mut() {
            let mut d = Diagnostic::error(
                "template-depth",
                &path,
                crate::t!(
                    "template-depth",
                    name = macro_name,
                    file = name,
                    limit = LIMIT
                ),
            )
            .help(crate::t!("template-depth.help"));
            if let Some(offset) = definition_offset(text, macro_name) {
                d = d.at(&lines, offset);
            }
            definition.body.insert(0, call(ENTER, Some(diags.len())));
            definition.body.push(call(LEAVE, None));
            diags.push(d);
        }
    }
    let diags = Arc::new(diags);
    tera.register_function(ENTER, move |args: &HashMap<String, Value>| {
        let depth = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        if depth <= LIMIT {
            return Ok(Value::from(""));
        }
        let id = args.get("id").and_then(Value::as_u64).unwrap_or(0) as usize;
        TRIPPED.with(|t| *t.borrow_mut() = diags.get(id).cloned());
        Err(tera::Error::msg(format!(
            "more than {LIMIT} nested macro calls"
        )))
    });
    tera.register_function(LEAVE, |_: &HashMap<String, Value>| {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        Ok(Value::from(""))
    });
}

/// The offset of `{% macro name(` in `text`.
fn definition_offset(text: &str, name: &str) -> Option<usize> {
    let (at, _) = text.match_indices("macro").find(|(at, _)| {
        text[at + 5..]
            .trim_start()
            .strip_prefix(name)
            .is_some_and(|rest| rest.trim_start().starts_with('('))
    })?;
    Some(text[..at].rfind("{%").unwrap_or(at))
}

/// `{{ name(id=id) }}`, which renders as nothing.
fn call(name: &str, id: Option<usize>) -> Node {
    let args = id
        .map(|id| ("id".to_string(), Expr::new(ExprVal::Int(id as i64))))
        .into_iter()
        .collect();
    Node::VariableBlock(
        WS::default(),
        Expr::new(ExprVal::FunctionCall(FunctionCall {
            name: name.to_string(),
            args,
        })),
    )
}
