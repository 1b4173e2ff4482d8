// The page links (layouts/shell.py): plain anchors whose href carries the current query, kept in
// step with the address bar here rather than by a callback (each prop a callback writes costs
// dash-renderer a pass over every mounted component). A plain click opens the page in place, as
// dcc.Link does (history.pushState, then the event dcc.Location listens for); a click with a
// modifier key, or a middle click, is left to the browser (a new tab, with the selection). Links
// the browser draws itself (the catalogue's, a[data-app-link]) open their page in place the same way.
(function () {
  "use strict";
  const PREFIX = "nav-";
  function links() {
    return document.querySelectorAll("a.nav-link[id^='" + PREFIX + "']");
  }
  function syncLinks() {
    const search = window.location.search;
    links().forEach(function (a) {
      const want = "/" + a.id.slice(PREFIX.length) + search;
      if (a.getAttribute("href") !== want) a.setAttribute("href", want);
    });
  }
  window.addEventListener("_dashprivate_pushstate", syncLinks);
  window.addEventListener("popstate", syncLinks);

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = event.target.closest && event.target.closest("a.nav-link[id^='" + PREFIX + "'], a[data-app-link]");
    if (!a) return;
    event.preventDefault();
    const target = a.hasAttribute("data-app-link")
      ? a.getAttribute("href")
      : "/" + a.id.slice(PREFIX.length) + window.location.search;
    window.history.pushState({}, "", target);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  });

  // The links are drawn by dash-renderer after this script runs: bring them up to date once
  // they are there (later changes of the address come with the events above).
  const watcher = new MutationObserver(function () {
    if (links().length) {
      watcher.disconnect();
      syncLinks();
    }
  });
  watcher.observe(document.documentElement, {subtree: true, childList: true});
})();
