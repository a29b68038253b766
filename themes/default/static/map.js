// The map of the guide, with a script: a choice of tag that dims the pages without it
// (and the links that leave them). Without the script the whole map shows, as in print.
(function () {
  const filter = document.querySelector(".map-filter");
  const svg = document.querySelector(".map-scroll svg");
  if (!filter || !svg) return;
  const select = filter.querySelector("select");
  filter.hidden = false;
  select.addEventListener("change", () => {
    const tag = select.value;
    const lit = new Set();
    for (const node of svg.querySelectorAll(".node")) {
      const on = !tag || node.dataset.tags.split(" ").includes(tag);
      node.classList.toggle("dim", !on);
      if (on) lit.add(node.dataset.node);
    }
    for (const edge of svg.querySelectorAll(".edge")) {
      const [a, b] = edge.dataset.ends.split(" ");
      edge.classList.toggle("dim", tag !== "" && !(lit.has(a) && lit.has(b)));
    }
  });
})();
