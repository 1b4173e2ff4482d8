// A collapsed section's open state, told to Dash (html.Details does not report it): the context
// sections of the spine and overview pages draw their chart only while open (callbacks/pages.py,
// register: the page's callback hears ``open``), so a change of selection with the section closed
// costs nothing for it.
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    const section = event.target;
    const dc = window.dash_clientside;
    if (!section || !section.matches || !section.matches("details.context-section[id]")) return;
    if (!dc || !dc.set_props) return;
    dc.set_props(section.id, {open: section.open});
  }, true);  // toggle does not bubble: listen on the way down
})();
