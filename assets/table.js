// The row picked in the table page's grid, for the shared selection (callbacks/table.py): the
// picked row's area code, or nothing when the selection is empty (as when the rows change).
(function () {
  "use strict";
  function pickRow(selected) {
    const dc = window.dash_clientside;
    const row = Array.isArray(selected) && selected.length ? selected[0] : null;
    if (!row || typeof row.area_code !== "string") return dc.no_update;
    return {area_code: row.area_code};
  }
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    table: Object.assign({}, (window.dash_clientside || {}).table, {pickRow: pickRow}),
  });
})();
