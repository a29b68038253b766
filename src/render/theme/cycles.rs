//! Template cycles, found before anything is rendered. Tera 1 has no depth limit: a
//! template that includes itself, templates that include each other in a circle, or a
//! macro that calls itself whatever its arguments recurse until the stack overflows and
//! the process aborts. This module reads the compiled templates' syntax trees and
//! reports each such circle as a `template-cycle` error naming the template.
//!
//! A circle of includes (or of a template and its parent) is always an error. A circle
//! of macro calls is an error only when no call on it sits under an `if` or a `for`: a
//! macro that walks a tree, calling itself for each child, is fine.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use tera::Tera;
use tera::ast::{Expr, ExprVal, Node};

use crate::diag::{Diagnostic, LineIndex};

/// A template, or a macro of a template file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Template(String),
    Macro(String, String),
}

impl Unit {
    fn file(&self) -> &str {
        match self {
            Unit::Template(f) | Unit::Macro(f, _) => f,
        }
    }

    fn describe(&self) -> String {
        match self {
            Unit::Template(f) => format!("`{f}`"),
            Unit::Macro(f, m) => format!("macro `{m}` of `{f}`"),
        }
    }

    /// What to look for in the calling file's text to place a call to this unit.
    fn needle(&self) -> String {
        match self {
            Unit::Template(f) => f.clone(),
            Unit::Macro(_, m) => format!("::{m}("),
        }
    }
}

/// One use of a unit by another: `include` for includes and parents, `guarded` when it
/// sits under an `if` or a `for`.
#[derive(Clone, Debug)]
struct Edge {
    to: Unit,
    include: bool,
    guarded: bool,
}

/// What a walk over one unit's nodes needs to resolve macro namespaces.
struct Walk<'a> {
    file: &'a str,
    imports: &'a [(String, String)],
    edges: Vec<Edge>,
}

impl Walk<'_> {
    fn nodes(&mut self, nodes: &[Node], guarded: bool) {
        for node in nodes {
            match node {
                Node::VariableBlock(_, e) => self.expr(e, guarded),
                Node::Include(_, names, _) => {
                    for name in names {
                        self.push(Unit::Template(name.clone()), true, guarded);
                    }
                }
                Node::Extends(_, parent) => self.push(Unit::Template(parent.clone()), true, false),
                Node::Set(_, set) => self.expr(&set.value, guarded),
                Node::FilterSection(_, section, _) => {
                    section
                        .filter
                        .args
                        .values()
                        .for_each(|e| self.expr(e, guarded));
                    self.nodes(&section.body, guarded);
                }
                Node::Block(_, block, _) => self.nodes(&block.body, guarded),
                Node::Forloop(_, for_loop, _) => {
                    self.expr(&for_loop.container, guarded);
                    self.nodes(&for_loop.body, true);
                    if let Some(empty) = &for_loop.empty_body {
                        self.nodes(empty, true);
                    }
                }
                Node::If(branches, _) => {
                    for (n, (_, condition, body)) in branches.conditions.iter().enumerate() {
                        self.expr(condition, guarded || n > 0);
                        self.nodes(body, true);
                    }
                    if let Some((_, body)) = &branches.otherwise {
                        self.nodes(body, true);
                    }
                }
                _ => {}
            }
        }
    }

    fn expr(&mut self, e: &Expr, guarded: bool) {
        for filter in &e.filters {
            filter.args.values().for_each(|a| self.expr(a, guarded));
        }
        self.value(&e.val, guarded);
    }

    fn value(&mut self, v: &ExprVal, guarded: bool) {
        match v {
            ExprVal::MacroCall(call) => {
                let file = match call.namespace.as_str() {
                    "self" => Some(self.file.to_string()),
                    ns => self
                        .imports
                        .iter()
                        .find(|(_, n)| n == ns)
                        .map(|(f, _)| f.clone()),
                };
                if let Some(file) = file {
                    self.push(Unit::Macro(file, call.name.clone()), false, guarded);
                }
                call.args.values().for_each(|a| self.expr(a, guarded));
            }
            ExprVal::FunctionCall(call) => call.args.values().for_each(|a| self.expr(a, guarded)),
            ExprVal::Math(m) => [&m.lhs, &m.rhs].iter().for_each(|e| self.expr(e, guarded)),
            ExprVal::Logic(l) => [&l.lhs, &l.rhs].iter().for_each(|e| self.expr(e, guarded)),
            ExprVal::In(i) => [&i.lhs, &i.rhs].iter().for_each(|e| self.expr(e, guarded)),
            ExprVal::Test(t) => t.args.iter().for_each(|e| self.expr(e, guarded)),
            ExprVal::Array(items) => items.iter().for_each(|e| self.expr(e, guarded)),
            ExprVal::StringConcat(c) => c.values.iter().for_each(|v| self.value(v, guarded)),
            _ => {}
        }
    }

    fn push(&mut self, to: Unit, include: bool, guarded: bool) {
        self.edges.push(Edge {
            to,
            include,
            guarded,
        });
    }
}

/// Every unit of the templates and what each uses.
fn graph(tera: &Tera) -> BTreeMap<Unit, Vec<Edge>> {
    let mut graph = BTreeMap::new();
    for (name, template) in &tera.templates {
        let walk = |nodes: &[Node]| {
            let mut w = Walk {
                file: name,
                imports: &template.imported_macro_files,
                edges: Vec::new(),
            };
            w.nodes(nodes, false);
            w.edges
        };
        graph.insert(Unit::Template(name.clone()), walk(&template.ast));
        for (macro_name, definition) in &template.macros {
            let unit = Unit::Macro(name.clone(), macro_name.clone());
            graph.insert(unit, walk(&definition.body));
        }
    }
    graph
}

/// The shortest chain of units from `from` back to `to` through the edges `keep` allows.
fn path_back(
    graph: &BTreeMap<Unit, Vec<Edge>>,
    from: &Unit,
    to: &Unit,
    keep: &dyn Fn(&Edge) -> bool,
) -> Option<Vec<Unit>> {
    let mut previous: BTreeMap<&Unit, &Unit> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(unit) = queue.pop_front() {
        if unit == to {
            let mut chain = vec![unit.clone()];
            let mut at = unit;
            while let Some(&p) = previous.get(at) {
                chain.push(p.clone());
                at = p;
            }
            chain.reverse();
            return Some(chain);
        }
        for edge in graph.get(unit).into_iter().flatten().filter(|e| keep(e)) {
            if seen.insert(&edge.to) {
                previous.insert(&edge.to, unit);
                queue.push_back(&edge.to);
            }
        }
    }
    None
}

/// The `template-cycle` errors of the compiled templates; `sources` maps each template's
/// name to its file and text, for positions.
pub(super) fn find(
    tera: &Tera,
    sources: &BTreeMap<String, (PathBuf, String)>,
    root: &Path,
) -> Vec<Diagnostic> {
    let graph = graph(tera);
    let mut reported: BTreeSet<Vec<Unit>> = BTreeSet::new();
    let mut diags = Vec::new();
    for (unit, edges) in &graph {
        for edge in edges {
            // A circle through an include never ends; one of macro calls only when no
            // call on it depends on a condition.
            let keep: &dyn Fn(&Edge) -> bool = if edge.include {
                &|_| true
            } else if !edge.guarded {
                &|e| !e.guarded
            } else {
                continue;
            };
            let Some(back) = path_back(&graph, &edge.to, unit, keep) else {
                continue;
            };
            let mut circle = back.clone();
            circle.sort();
            if !reported.insert(circle) {
                continue;
            }
            let mut chain = vec![unit.describe()];
            chain.extend(back.iter().map(Unit::describe));
            let (path, text) = sources
                .get(unit.file())
                .map_or((PathBuf::from(unit.file()), ""), |(p, t)| {
                    (p.clone(), t.as_str())
                });
            let path = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let key = if edge.include {
                "template-cycle"
            } else {
                "template-cycle.macro"
            };
            let mut d = Diagnostic::error(
                "template-cycle",
                path,
                crate::t!(key, chain = chain.join(" → ")),
            )
            .help(crate::t!("template-cycle.help"));
            if let Some(offset) = text.find(&edge.to.needle()) {
                d = d.at(&LineIndex::new(text), offset);
            }
            diags.push(d);
        }
    }
    diags
}
