// The selection copied to the shown page's own store only (callbacks/scope.py): the callbacks of
// hidden pages are not triggered, so a change posts requests for the page in view alone.
(function () {
  "use strict";
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    scope: {
      pageState: function (state) {
        const dc = window.dash_clientside;
        const shown = state && state.page ? "state-" + state.page : null;
        return dc.callback_context.outputs_list.map(function (out) {
          return out.id === shown ? state : dc.no_update;
        });
      },
    },
  });
})();
