/* AG Grid's script (0.36 MB gzip) only where a grid is shown: see layouts/on_demand.py.
 *
 * The server leaves dash_ag_grid.min.js out of the page and names its URL in
 * <meta name="ccg-ag-grid-script">. Until it is needed, this stand-in is the
 * `dash_ag_grid` namespace the renderer resolves components from. An AgGrid given rows
 * (the table page's grid comes empty with the page's content, its rows just after)
 * or a callback waiting on one (the renderer asks `_dashprivate_isLazyComponentReady`)
 * loads the real script once; the stand-in then renders the real grid with the same props,
 * and stays the namespace, so the grid is never remounted.
 */
(function () {
    'use strict';
    var meta = document.querySelector('meta[name="ccg-ag-grid-script"]');
    if (!meta || window.dash_ag_grid) return; // loaded the usual way
    var src = meta.getAttribute('content');
    var real = null;
    var loading = null;
    var standIn = {};

    function load() {
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var script = document.createElement('script');
                script.src = src;
                script.onload = function () {
                    real = window.dash_ag_grid;
                    window.dash_ag_grid = standIn;
                    Object.keys(real).forEach(function (key) {
                        if (key !== 'AgGrid') standIn[key] = real[key];
                    });
                    ['dashPersistence', 'propTypes'].forEach(function (key) {
                        if (real.AgGrid[key]) AgGrid[key] = real.AgGrid[key];
                    });
                    resolve(real);
                };
                script.onerror = function () {
                    loading = null;
                    reject(new Error('AG Grid could not be loaded from ' + src));
                };
                document.head.appendChild(script);
            });
        }
        return loading;
    }

    function AgGrid(props) {
        var React = window.React;
        var failed = React.useState(null);
        var ready = React.useState(!!real);
        var wanted = !!real || (Array.isArray(props.rowData) && props.rowData.length > 0);
        React.useEffect(function () {
            if (!real && wanted) {
                load().then(
                    function () { ready[1](true); },
                    function (err) { failed[1](err.message); }
                );
            }
        }, [wanted]);
        if (real) return React.createElement(real.AgGrid, props);
        return React.createElement(
            'p',
            {className: 'hint', role: 'status'},
            failed[0] || 'Loading the table…'
        );
    }
    AgGrid.dashRenderType = true; // as the real AgGrid declares: the renderer passes dashRenderType
    Object.defineProperty(AgGrid, '_dashprivate_isLazyComponentReady', {
        get: function () { return real ? true : load(); }
    });

    standIn.AgGrid = AgGrid;
    standIn.getApi = function (id) {
        if (!real) throw new Error('AG Grid is not loaded yet: use getApiAsync');
        return real.getApi(id);
    };
    standIn.getApiAsync = function (id) {
        return load().then(function (r) { return r.getApiAsync(id); });
    };
    window.dash_ag_grid = standIn;
})();
