//! A small layered layout for the map of the guide: each node belongs to a layer (a
//! column), the columns are put in the order that keeps linked columns close, one column
//! keeps its given order, and the others are sorted by the mean position of their
//! neighbours already placed (the barycenter heuristic), then spaced without overlap.
//!
//! Integers only, ties broken by the given order: the same graph always gives the same
//! coordinates. Linear in nodes and edges, apart from sorting each column and trying
//! every order of at most [`MAX_PERMUTED`] columns.

/// Column orders are searched exhaustively up to this many columns (720 orders), kept
/// as given beyond.
const MAX_PERMUTED: usize = 6;

/// What to lay out. Nodes are numbered from 0; within a layer, their numbers give their
/// initial order.
pub struct Input<'a> {
    /// The layer of each node, from 0.
    pub layer: &'a [usize],
    /// Edges between nodes (either direction), with a weight.
    pub edges: &'a [(usize, usize, usize)],
    /// The layer whose order is kept (reading order).
    pub pinned: usize,
    /// Vertical distance between two nodes of a column.
    pub row: i64,
}

/// Where each node goes.
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    /// Each node's column, from 0 at the left.
    pub column: Vec<usize>,
    /// Each node's vertical position, from 0 at the top.
    pub y: Vec<i64>,
    /// The height of the tallest column.
    pub height: i64,
}

/// Lays out `input`.
pub fn layout(input: &Input<'_>) -> Layout {
    let n = input.layer.len();
    let layers = input.layer.iter().max().map_or(0, |l| l + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (node, &l) in input.layer.iter().enumerate() {
        members[l].push(node);
    }
    let mut adjacency: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for &(a, b, w) in input.edges {
        if a != b {
            adjacency[a].push((b, w));
            adjacency[b].push((a, w));
        }
    }
    let column_of_layer = column_order(input, layers);
    let column: Vec<usize> = input.layer.iter().map(|&l| column_of_layer[l]).collect();
    let tallest = members.iter().map(Vec::len).max().unwrap_or(0) as i64;
    let height = tallest * input.row;
    let mut y: Vec<Option<i64>> = vec![None; n];

    // The pinned column is spread evenly over the whole height, in its own order.
    let pinned = &members[input.pinned.min(layers.saturating_sub(1))];
    for (k, &node) in pinned.iter().enumerate() {
        y[node] = Some(k as i64 * height / pinned.len().max(1) as i64);
    }
    // The others from the nearest to the farthest from it, left first on ties.
    let pinned_column = column_of_layer.get(input.pinned).copied().unwrap_or(0) as i64;
    let mut rest: Vec<usize> = (0..layers).filter(|&l| l != input.pinned).collect();
    rest.sort_by_key(|&l| {
        (
            (column_of_layer[l] as i64 - pinned_column).abs(),
            column_of_layer[l],
        )
    });
    for l in rest {
        place_column(&members[l], &adjacency, &mut y, input.row, height);
    }
    Layout {
        column,
        y: y.into_iter().map(|v| v.unwrap_or(0)).collect(),
        height,
    }
}

/// For each layer, its column: of every order of the layers, the one with the least
/// total edge length (weight times columns crossed), the first in lexicographic order
/// on ties, so that the given order wins when nothing is gained.
fn column_order(input: &Input<'_>, layers: usize) -> Vec<usize> {
    if layers > MAX_PERMUTED {
        return (0..layers).collect();
    }
    let mut between = vec![vec![0usize; layers]; layers];
    for &(a, b, w) in input.edges {
        between[input.layer[a]][input.layer[b]] += w;
    }
    let cost = |column: &[usize]| -> usize {
        let mut total = 0;
        for (a, row) in between.iter().enumerate() {
            for (b, &w) in row.iter().enumerate() {
                total += w * column[a].abs_diff(column[b]);
            }
        }
        total
    };
    // `order[c]` is the layer in column `c`; permutations in lexicographic order.
    let mut order: Vec<usize> = (0..layers).collect();
    let mut best: Option<(usize, Vec<usize>)> = None;
    loop {
        let mut column = vec![0; layers];
        for (c, &l) in order.iter().enumerate() {
            column[l] = c;
        }
        let c = cost(&column);
        if best.as_ref().is_none_or(|(b, _)| c < *b) {
            best = Some((c, column));
        }
        if !next_permutation(&mut order) {
            break;
        }
    }
    best.map_or_else(Vec::new, |(_, column)| column)
}

/// The next permutation in lexicographic order, or `false` after the last.
fn next_permutation(v: &mut [usize]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        return false;
    };
    let j = (i..v.len()).rev().find(|&j| v[j] > v[i - 1]).unwrap_or(i);
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// Sorts one column's nodes by the mean position of their placed neighbours (nodes
/// with none keep their order, after the others), then gives them positions as close
/// to that mean as the spacing `row` and the height allow.
fn place_column(
    nodes: &[usize],
    adjacency: &[Vec<(usize, usize)>],
    y: &mut [Option<i64>],
    row: i64,
    height: i64,
) {
    // The wanted position: Σ weight·y / Σ weight, kept as a fraction.
    let wanted: Vec<Option<(i64, i64)>> = nodes
        .iter()
        .map(|&node| {
            let (sum, weight) = adjacency[node]
                .iter()
                .filter_map(|&(m, w)| y[m].map(|ym| (ym * w as i64, w as i64)))
                .fold((0, 0), |(s, t), (a, b)| (s + a, t + b));
            (weight > 0).then_some((sum, weight))
        })
        .collect();
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&a, &b| match (wanted[a], wanted[b]) {
        // a/b < c/d  <=>  a·d < c·b, with positive weights.
        (Some((sa, wa)), Some((sb, wb))) => (sa * wb).cmp(&(sb * wa)).then(a.cmp(&b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(&b),
    });
    let mut placed: Vec<i64> = order
        .iter()
        .map(|&k| wanted[k].map_or(height, |(s, w)| s / w))
        .collect();
    // Down: no closer than `row`; then up: within the height; then down again.
    for k in 1..placed.len() {
        placed[k] = placed[k].max(placed[k - 1] + row);
    }
    let mut limit = height - row;
    for p in placed.iter_mut().rev() {
        *p = (*p).min(limit);
        limit = *p - row;
    }
    let mut floor = 0;
    for p in placed.iter_mut() {
        *p = (*p).max(floor);
        floor = *p + row;
    }
    for (k, &slot) in order.iter().enumerate() {
        y[nodes[slot]] = Some(placed[k]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_columns_are_neighbours_and_nodes_face_their_links() {
        // Layer 0: a, b (pinned); layer 1: c, d; layer 2: e. c links b, d links a,
        // e links only layer 0: columns 1 0 2 cost less than 0 1 2.
        let layer = [0, 0, 1, 1, 2];
        let edges = [(2, 1, 1), (3, 0, 1), (4, 0, 1), (4, 1, 1)];
        let out = layout(&Input {
            layer: &layer,
            edges: &edges,
            pinned: 0,
            row: 10,
        });
        assert_eq!(out.column, [1, 1, 0, 0, 2]);
        assert_eq!(out.height, 20);
        // a at 0, b at 10; d faces a, c faces b; e sits between them.
        assert_eq!(out.y, [0, 10, 10, 0, 5]);
    }

    #[test]
    fn crowded_columns_keep_their_spacing_within_the_height() {
        // Three nodes all linked to the last of three pinned ones.
        let layer = [0, 0, 0, 1, 1, 1];
        let edges = [(3, 2, 1), (4, 2, 1), (5, 2, 1)];
        let out = layout(&Input {
            layer: &layer,
            edges: &edges,
            pinned: 0,
            row: 10,
        });
        assert_eq!(out.y, [0, 10, 20, 0, 10, 20]);
    }

    #[test]
    fn permutations_come_in_lexicographic_order() {
        let mut v = [0, 1, 2];
        let mut seen = vec![v];
        while next_permutation(&mut v) {
            seen.push(v);
        }
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[1], [0, 2, 1]);
        assert_eq!(seen[5], [2, 1, 0]);
    }
}
