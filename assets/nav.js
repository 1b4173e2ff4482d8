// Links whose query is the page's own (a[data-follow-query]): the page links (layouts/shell.py) and
// the footer's export links (layouts/exports.py). Their href is kept in step with the address bar
// here rather than by a callback: each prop a callback writes costs dash-renderer a pass over every
// mounted component, and a change of indicator would otherwise rewrite some 45 links. A link's
// href is its path, the address bar's query, then what the link adds (data-extra: a part, a size).
//
// A plain click on a page link opens the page in place, as dcc.Link does (history.pushState, then
// the event dcc.Location listens for); a click with a modifier key, or a middle click, is left to
// the browser (a new tab, with the selection). Links the browser draws itself (the catalogue's,
// a[data-app-link]) open their page in place the same way.
(function () {
  "use strict";
  const FOLLOW = "a[data-follow-query]";

  // data-follow-keys: only those keys of the query (a board pack's: selection.PACK_KEYS), as written
  function only(search, keys) {
    const kept = search.replace(/^\?/, "").split("&").filter(function (pair) {
      return pair && keys.indexOf(pair.split("=")[0]) >= 0;
    });
    return kept.length ? "?" + kept.join("&") : "";
  }
  function wanted(a) {
    const keys = a.getAttribute("data-follow-keys");
    const search = keys ? only(window.location.search, keys.split(",")) : window.location.search;
    const path = (a.getAttribute("href") || "").split("?")[0];
    const extra = a.getAttribute("data-extra") || "";
    return path + search + (extra ? (search ? "&" : "?") + extra : "");
  }
  function followLinks() {
    document.querySelectorAll(FOLLOW).forEach(function (a) {
      const want = wanted(a);
      if (a.getAttribute("href") !== want) a.setAttribute("href", want);
    });
  }
  window.addEventListener("_dashprivate_pushstate", followLinks);
  window.addEventListener("popstate", followLinks);

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = event.target.closest && event.target.closest("a.nav-link[data-follow-query], a[data-app-link]");
    if (!a) return;
    event.preventDefault();
    const target = a.hasAttribute("data-app-link") ? a.getAttribute("href") : wanted(a);
    window.history.pushState({}, "", target);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  });

  // The page links are drawn by dash-renderer after this script runs: bring them up to date once
  // they are there (later changes of the address come with the events above; export links arrive
  // from the server with the query of their time, and follow it from then on).
  const watcher = new MutationObserver(function () {
    if (document.querySelector("a.nav-link[data-follow-query]")) {
      watcher.disconnect();
      followLinks();
    }
  });
  watcher.observe(document.documentElement, {subtree: true, childList: true});
})();
