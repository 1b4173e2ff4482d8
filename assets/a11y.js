/* Accessibility repairs for what Dash 4's components render (WCAG 2.2 AA; checked by axe-core
   in tests/browser/test_browser_a11y.py). Idempotent, re-applied whenever React changes the
   attributes concerned:
   - option lists (dcc.RadioItems, dcc.Checklist) are role=listbox with focusable radios inside
     role=option labels (nested interactive, no name): they become a named radiogroup / group
     of plain labelled inputs, named by their .ctl-label;
   - dcc.Dropdown puts keyboard focus on an aria-hidden input that forwards it to the real
     (named) button: the button takes the Tab stop itself and is named by its .ctl-label too;
   - typing a letter in an opened dropdown goes to its search box;
   - each graph is a named figure (its title), described by its own summary sentence under it. */
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
      // its own one-sentence summary (layouts/widgets.chart_summary), else the page's summary line
      const own = graph.id && document.getElementById(graph.id + "-summary");
      const page = graph.closest("section, .page");
      const summary = own || (page && (page.querySelector(".summary") || page.querySelector(".hint")));
      if (summary) {
        if (!summary.id) summary.id = (graph.id || "graph") + "-summary";
        if (graph.getAttribute("aria-describedby") !== summary.id) graph.setAttribute("aria-describedby", summary.id);
      }
    });
  }

  // After a Select/Deselect, the list is drawn again: keyboard focus goes back to that area's button.
  let refocus = null;
  function restoreFocus() {
    if (!refocus) return;
    if (Date.now() > refocus.until) { refocus = null; return; }
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    const buttons = document.querySelectorAll(".area-toggle");
    for (let i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-code") === refocus.code) {
        buttons[i].focus();
        refocus = null;
        return;
      }
    }
  }

  // The map's list of areas (callbacks/map_list.py): a Select/Deselect button rewrites the URL's
  // areas (selecting makes the area the focus, as a click on the map does); the URL sync callback
  // re-parses the selection with the URL's rules. One delegated listener: the buttons carry only
  // a data-code (no Dash ids, so dash-renderer has no callback graph to redo for them).
  function toggledQuery(code) {
    const params = new URLSearchParams(window.location.search);
    let areas = (params.get("areas") || "").split(",").filter(Boolean);
    areas = areas.indexOf(code) >= 0
      ? areas.filter(function (a) { return a !== code; })
      : [code].concat(areas);
    if (areas.length) params.set("areas", areas.join(","));
    else params.delete("areas");
    const query = params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%2F/g, "/");
    return query ? "?" + query : "";
  }
  // Draw the list from its rows (views.map.area_list, sent by callbacks.pages.update_map): text set as text, never as HTML.
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function renderAreaList(data) {
    const dc = window.dash_clientside;
    const holder = document.getElementById("map-area-table");
    if (!holder || !data || !data.rows) return dc.no_update;
    const body = el("tbody", {}, data.rows.map(function (r) {
      const picked = r[4];
      const button = el("button", {
        type: "button",
        class: picked ? "area-toggle selected" : "area-toggle",
        "data-code": r[0],
      }, [picked ? "Deselect" : "Select", el("span", {class: "visually-hidden"}, [" " + r[1]])]);
      return el("tr", picked ? {class: "picked"} : {}, [
        el("th", {scope: "row"}, [r[1]]), el("td", {}, [r[2]]), el("td", {}, [r[3]]), el("td", {}, [button]),
      ]);
    }));
    const head = el("thead", {}, [el("tr", {}, [
      el("th", {scope: "col"}, ["Area"]), el("th", {scope: "col"}, ["Value"]),
      el("th", {scope: "col"}, [data.heading]),
      el("th", {scope: "col"}, [el("span", {class: "visually-hidden"}, ["Selection"])]),
    ])]);
    const table = el("table", {class: "data-table map-area-table"}, [el("caption", {}, [data.caption]), head, body]);
    holder.replaceChildren(table);
    queue();  // give focus back to the button that was pressed
    return dc.no_update;
  }
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    a11y: Object.assign({}, (window.dash_clientside || {}).a11y, {renderAreaList: renderAreaList}),
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest(".area-toggle[data-code]");
    const dc = window.dash_clientside;
    if (!button || !dc || !dc.set_props) return;
    const code = button.getAttribute("data-code");
    refocus = {code: code, until: Date.now() + 15000};
    dc.set_props("url", {search: toggledQuery(code)});
  });

  let queued = false;
  function repair() {
    queued = false;
    fixOptionLists(document);
    fixDropdowns(document);
    fixGraphs(document);
    restoreFocus();
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
