/* Accessibility repairs for what Dash 4's components render (WCAG 2.2 AA; checked by axe-core
   in tests/browser/test_browser_a11y.py). Idempotent, re-applied whenever React changes the
   attributes concerned:
   - option lists (dcc.RadioItems, dcc.Checklist) are role=listbox with focusable radios inside
     role=option labels (nested interactive, no name): they become a named radiogroup / group
     of plain labelled inputs, named by their .ctl-label;
   - dcc.Dropdown puts keyboard focus on an aria-hidden input that forwards it to the real
     (named) button: the button takes the Tab stop itself and is named by its .ctl-label too;
   - typing a letter in an opened dropdown goes to its search box;
   - each graph is a named figure (its title), described by the page's summary line. */
(function () {
  "use strict";

  function labelId(el) {
    const wrap = el.closest(".ctl");
    const label = wrap && wrap.querySelector(":scope > .ctl-label");
    if (!label) return null;
    if (!label.id) label.id = (el.id || "ctl-" + Math.random().toString(36).slice(2)) + "-label";
    return label.id;
  }

  function fixOptionLists(root) {
    root.querySelectorAll(".dash-options-list[role=listbox]").forEach(function (list) {
      list.setAttribute("role", list.querySelector("input[type=radio]") ? "radiogroup" : "group");
    });
    root.querySelectorAll(".dash-options-list[role=radiogroup], .dash-options-list[role=group]").forEach(function (list) {
      const id = labelId(list);
      if (id && list.getAttribute("aria-labelledby") !== id) list.setAttribute("aria-labelledby", id);
    });
    root.querySelectorAll(".dash-options-list-option[role], .dash-options-list-option[aria-selected]").forEach(function (opt) {
      opt.removeAttribute("role");
      opt.removeAttribute("aria-selected");
    });
  }

  function fixDropdowns(root) {
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (proxy) {
      if (proxy.tabIndex !== -1) proxy.tabIndex = -1;
      const button = proxy.nextElementSibling;
      if (!button || !button.classList.contains("dash-dropdown")) return;
      if (!button.disabled && button.tabIndex !== 0) button.tabIndex = 0;
      const id = labelId(button);
      const named = button.getAttribute("aria-labelledby") || "";
      if (id && named.split(" ")[0] !== id) button.setAttribute("aria-labelledby", (id + " " + named).trim());
    });
  }

  function fixGraphs(root) {
    root.querySelectorAll(".dash-graph").forEach(function (graph) {
      const gd = graph.querySelector(".js-plotly-plot");
      const title = gd && gd.layout && gd.layout.title && gd.layout.title.text;
      if (graph.getAttribute("role") !== "figure") graph.setAttribute("role", "figure");
      const label = title ? String(title).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim() : "Chart";
      if (graph.getAttribute("aria-label") !== label) graph.setAttribute("aria-label", label);
      const page = graph.closest("section, .page");
      const summary = page && (page.querySelector(".summary") || page.querySelector(".hint"));
      if (summary) {
        if (!summary.id) summary.id = (graph.id || "graph") + "-summary";
        if (graph.getAttribute("aria-describedby") !== summary.id) graph.setAttribute("aria-describedby", summary.id);
      }
    });
  }

  let queued = false;
  function repair() {
    queued = false;
    fixOptionLists(document);
    fixDropdowns(document);
    fixGraphs(document);
  }
  function queue() {
    if (!queued) {
      queued = true;
      Promise.resolve().then(repair);
    }
  }

  // A printable key in an opened dropdown's list (not already its search box): search.
  document.addEventListener("keydown", function (event) {
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
    const active = document.activeElement;
    const popup = active && active.closest && active.closest(".dash-dropdown-content");
    if (!popup) return;
    const search = popup.querySelector(".dash-dropdown-search");
    if (search && active !== search) search.focus();
  }, true);

  new MutationObserver(queue).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["role", "aria-selected", "tabindex", "aria-labelledby"],
  });
  queue();
})();
