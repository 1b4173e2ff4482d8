"""AG Grid's script is served but not on every page: the page loads it where a grid is shown."""

from __future__ import annotations

import re

from layouts.on_demand import GRID_SCRIPT, META_NAME, grid_script_url

STAND_IN = "/assets/ag-grid-on-demand.js"


def test_pages_leave_the_grid_script_out_and_name_it_for_the_stand_in(dash_app):
    client = dash_app.server.test_client()
    url = grid_script_url(dash_app)
    for path in ("/map", "/table", "/spine"):
        page = client.get(path).get_data(as_text=True)
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
        assert not any(GRID_SCRIPT.replace(".min.js", "") in src for src in scripts), path
        assert any(src.startswith(STAND_IN) for src in scripts), path
        assert f'<meta name="{META_NAME}" content="{url}">' in page


def test_the_grid_script_is_still_served_at_its_fingerprinted_url(dash_app):
    client = dash_app.server.test_client()
    response = client.get(grid_script_url(dash_app))
    assert response.status_code == 200
    assert b"window.dash_ag_grid=" in response.get_data()  # the namespace the stand-in hands over
    assert "max-age" in response.headers.get("Cache-Control", "")  # fingerprinted: cached long
