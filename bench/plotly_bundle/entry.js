'use strict';
// plotly.js 4.1.1 with only the trace types the CCG Outcomes Explorer draws.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/choroplethmap'),
]);
module.exports = Plotly;
