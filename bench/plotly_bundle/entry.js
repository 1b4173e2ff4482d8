'use strict';
// plotly.js 4.1.1 with only the trace types the CCG Outcomes Explorer draws: bar, heatmap and
// scatter for the charts, choropleth + scattergeo (d3, SVG) for the map. No MapLibre / WebGL.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
]);
module.exports = Plotly;
