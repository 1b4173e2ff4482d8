/* The map's base-map topojson, seeded locally so plotly.js never fetches it from a CDN.
 *
 * plotly's d3 geo subplot asks for a world topojson (scope "world", resolution 110:
 * "world_110m") for any trace with a locationmode, even with the base map hidden
 * (geo.visible = false). The map draws only our own GeoJSON boundaries, so an empty
 * topology is all it needs. Loaded by the browser (a Dash asset) and by kaleido's page
 * (reports/render.py), before or after plotly.js: plotly keeps an existing PlotlyGeoAssets.
 * assets/topojson/ holds the same file for the graph's topojsonURL config, as a fallback.
 */
(function () {
    var empty = {type: 'Topology', objects: {}, arcs: []};
    var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || {});
    assets.topojson = assets.topojson || {};
    ['world_110m', 'world_50m'].forEach(function (name) {
        if (!assets.topojson[name]) assets.topojson[name] = empty;
    });
})();
