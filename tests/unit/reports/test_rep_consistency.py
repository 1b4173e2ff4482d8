"""One comparator per view, tested (issue 18): for a peers selection the number every view compares
with is one number. NHS Kernow CCG, benchmark=peers (its 10 similar CCGs, pooled), GP FFT %
positive (Feb 2026, where Kernow is worse than its peers now): the compare chart's peer line, the
map panel's benchmark line, the spine's value column and table, the table's CSV, the early-warning
CSV, the pack's key messages and its appendix, and the data API all give the same value."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from data.model import schema as s
from data.queries.comparator import comparator_for, compare_slice
from data.queries.rows import Selection

KERNOW = "E38000089"
IND, PERIOD = "gp_fft_positive", "Feb 2026"
QUERY = f"?indicator={IND}&period=Feb+2026&areas={KERNOW}&benchmark=peers"


@pytest.fixture(scope="module")
def expected(model) -> float:
    """The focus area's peer value, pooled from the peers' own counts (independent of the views)."""
    sets = model.frames["peer_sets"]
    peers = sets[
        (sets["peer_set"] == "similar") & (sets[s.GEOGRAPHY] == "ccg21") & (sets[s.AREA_CODE] == KERNOW)
    ]
    rows = model.slice(IND, "ccg21", PERIOD, "Persons").set_index(s.AREA_CODE).loc[peers["peer_code"]]
    return float(rows[s.COUNT].sum() / rows[s.DENOMINATOR].sum() * 100)


def _shown(text: str) -> str:
    """The number a string shows for the benchmark, as printed (one decimal for a percentage)."""
    return re.search(r"\d+\.\d+", text).group(0)


def test_one_number_for_a_peers_selection(app_ctx, model, state_for, export_client, expected):
    from data.methods.formatting import format_value
    from reports.pack import plan_pack
    from views.compare import compare_figure
    from views.exports import figure_for
    from views.map import selected_areas
    from views.spine import spine_outputs

    printed = format_value(expected, "%")  # "93.8%"
    comp = comparator_for(model, "peers", focus=KERNOW)
    rows = compare_slice(model, Selection(IND, PERIOD, "ccg21", "Persons"), comp)
    assert rows.loc[rows[s.AREA_CODE] == KERNOW, "comparator_value"].iloc[0] == pytest.approx(expected)

    # the compare chart: the peer line and the subtitle
    fig = compare_figure(state_for(QUERY, page="compare"))
    line = next(a for a in fig.layout.annotations if a.text.startswith("Similar CCGs"))
    assert float(line.x) == pytest.approx(expected)
    assert f"NHS Kernow CCG's 10 similar CCGs ({printed}, pooled)" in fig.layout.title.text

    # the map's side panel: the benchmark line
    panel = str(selected_areas(state_for(QUERY, page="map")))
    assert "Benchmark: NHS Kernow CCG's 10 similar CCGs" in panel and f"{printed} (pooled)" in panel

    # the spine: the table beside it and the export's value column
    spine_state = state_for(f"?areas={KERNOW}&benchmark=peers", page="spine")
    table = spine_outputs(spine_state)[1].children
    fft_row = next(
        line for line in table.splitlines() if line.startswith(f"| {model.catalogue.at[IND, 'short_name']}")
    )
    assert "NHS Kernow CCG's 10 similar CCGs" in fft_row and f"| {printed[:-1]} |" in fft_row.replace("%", "")

    # the table's CSV and the early-warning CSV
    def csv(url: str) -> pd.DataFrame:
        body = export_client.get(url).get_data(as_text=True)
        return pd.read_csv(io.StringIO(body), comment="#")

    table_csv = csv(f"/export/table.csv{QUERY}")
    mine = table_csv[table_csv["Area Code"] == KERNOW].iloc[0]
    assert mine["Benchmark value"] == pytest.approx(expected)
    alerts_csv = csv(f"/export/alerts.csv?areas={KERNOW}&benchmark=peers")
    fft = alerts_csv[(alerts_csv["Indicator ID"] == IND) & (alerts_csv["Area Code"] == KERNOW)].iloc[0]
    # GP FFT is not compared unless a person asks (NHS England's advice): no warning group, the same value
    assert fft["Benchmark value"] == pytest.approx(expected) and fft["Group"] == "not assessed"

    # the pack: key messages (table and sentences) and the appendix
    pages = plan_pack(model, [KERNOW], benchmark="peers", ci="95", figure_for=figure_for, link_root="")
    key = pd.concat([p.table for p in pages if p.title.startswith("Key messages") and p.table is not None])
    name = model.catalogue.at[IND, "short_name"]
    # GP FFT is not compared unless asked (NHS England's advice), so it makes no key message
    assert name not in set(key["Indicator"])
    appendix = pd.concat([p.table for p in pages if p.title.startswith("Data appendix")])
    assert _shown(appendix.loc[appendix["Indicator"] == name, "Benchmark"].iloc[0]) == printed[:-1]

    # the data API
    from api.answers import indicator_data

    answer = indicator_data(model, {"id": IND}, {"areas": KERNOW, "period": PERIOD, "benchmark": "peers"})
    assert answer.rows["comparator_value"].iloc[0] == pytest.approx(expected)
    assert answer.rows["comparator"].iloc[0] == "NHS Kernow CCG's 10 similar CCGs"
