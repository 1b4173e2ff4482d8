// The indicator catalogue's list (/indicators), drawn here from its entries (callbacks/catalogue.py,
// layouts/catalogue.py: catalogue_entries) instead of as Dash components: drawn once, and a search
// only hides the entries it does not match (the server sends their ids). The links inside open a
// page in place (assets/nav.js: a[data-app-link]).
(function () {
  "use strict";

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "hidden") node.hidden = !!attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function entry(e, domain) {
    const summary = el("summary", {}, [
      el("span", {class: "entry-name"}, [e.name]),
      el("span", {class: "entry-sep"}, [" · "]),
      el("span", {class: "entry-meta"}, [e.meta]),
      el("span", {class: "entry-sep"}, [" · "]),
      el("span", {class: e.old ? "age-badge old" : "age-badge", title: e.age_title}, [e.age]),
    ]);
    const fields = el("div", {class: "entry-fields"}, e.fields.map(function (f) {
      return el("p", {}, [el("strong", {}, [f[0] + ":"]), " " + f[1]]);
    }));
    const links = el("p", {class: "catalogue-links"}, e.links.map(function (l) {
      return el("a", {href: l[1], "data-app-link": "1"}, [l[0]]);
    }));
    return el("details", {class: "catalogue-entry", "data-id": e.id, "data-domain": domain}, [
      summary,
      ...e.extras.map(function (line) { return el("p", {class: "catalogue-extra"}, [line]); }),
      fields,
      links,
    ]);
  }

  function build(list, data) {
    const nodes = [];
    data.domains.forEach(function (d) {
      nodes.push(el("h3", {class: "catalogue-domain", "data-domain": d.key, "data-kind": d.kind}, [
        d.label,
        el("span", {class: "entry-meta"}, [" " + d.entries.length + " · " + d.kind]),
      ]));
      d.notes.forEach(function (line) {
        nodes.push(el("p", {class: "catalogue-extra", "data-domain": d.key}, [line]));
      });
      d.entries.forEach(function (e) { nodes.push(entry(e, d.key)); });
    });
    nodes.push(el("p", {class: "hint catalogue-none", hidden: true}, [data.none]));
    list.replaceChildren(...nodes);
    list.__entries = data;
  }

  // Hide the entries the search did not match, and the domains left empty; count what is left.
  function filter(list, matches) {
    const wanted = matches && Array.isArray(matches.ids) ? new Set(matches.ids) : null;
    const shown = {};
    let total = 0;
    list.querySelectorAll("details.catalogue-entry").forEach(function (d) {
      const keep = !wanted || wanted.has(d.getAttribute("data-id"));
      if (d.hidden === keep) d.hidden = !keep;
      if (keep) {
        const domain = d.getAttribute("data-domain");
        shown[domain] = (shown[domain] || 0) + 1;
        total += 1;
      }
    });
    list.querySelectorAll("h3.catalogue-domain").forEach(function (h) {
      const n = shown[h.getAttribute("data-domain")] || 0;
      const text = " " + n + " · " + h.getAttribute("data-kind");
      const count = h.querySelector(".entry-meta");
      if (count && count.textContent !== text) count.textContent = text;
      if (h.hidden !== (n === 0)) h.hidden = n === 0;
    });
    list.querySelectorAll("p.catalogue-extra[data-domain]").forEach(function (p) {
      const empty = !shown[p.getAttribute("data-domain")];
      if (p.hidden !== empty) p.hidden = empty;
    });
    const none = list.querySelector("p.catalogue-none");
    if (none && none.hidden !== total > 0) none.hidden = total > 0;
  }

  function draw(entries, matches) {
    const dc = window.dash_clientside;
    const list = document.getElementById("catalogue-list");
    if (!list || !entries || !entries.domains) return dc.no_update;
    if (list.__entries !== entries) build(list, entries);
    filter(list, matches);
    return dc.no_update;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    catalogue: Object.assign({}, (window.dash_clientside || {}).catalogue, {draw: draw}),
  });
})();
