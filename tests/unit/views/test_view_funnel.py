"""The funnel page: every area with a count and denominator on PHE's funnel, categories, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.methods.funnels import funnel_significance
from data.model import schema as s
from data.queries.funnel import eligible_indicators, funnel_statistic, funnel_view, label_categories
from data.queries.rows import Selection
from views.funnel import funnel_chart, funnel_outputs

KERNOW = "E38000089"
HYP = Selection("qof_hyp", "2022/23", "ccg21", "Persons")


def test_every_area_with_data_is_on_the_funnel(model):
    view = funnel_view(model, HYP)
    rows = model.slice(HYP.indicator_id, HYP.geography, HYP.period, HYP.sex)
    assert len(view.rows) == rows[s.COUNT].notna().sum() == 106
    assert view.rows["y"].to_numpy() == pytest.approx(view.rows[s.VALUE].to_numpy(), rel=1e-6)


def test_categories_follow_phe_significance(model):
    """Recomputed from data.methods.funnels' significance rule, then polarity and CI level."""
    view = funnel_view(model, HYP, ci="95")
    sig = funnel_significance(
        view.rows[s.COUNT].to_numpy(),
        view.rows[s.DENOMINATOR].to_numpy(),
        statistic="proportion",
        multiplier=100,
    )
    expected = np.select(
        [np.isin(sig, ["High (0.001)", "High (0.025)"]), np.isin(sig, ["Low (0.001)", "Low (0.025)"])],
        [s.HIGHER, s.LOWER],  # hypertension prevalence has no polarity
        s.SIMILAR,
    )
    assert view.rows["category"].tolist() == expected.tolist()
    strict = funnel_view(model, HYP, ci="99.8")
    assert strict.rows["category"].ne(s.SIMILAR).sum() <= view.rows["category"].ne(s.SIMILAR).sum()


def test_polarity_words():
    cats = pd.Series(["above 99.8%", "above 95%", "inside", "below 95%", "below 99.8%", ""])
    assert label_categories(cats, s.POLARITY_LOW_GOOD, "95").tolist() == [
        s.WORSE,
        s.WORSE,
        s.SIMILAR,
        s.BETTER,
        s.BETTER,
        s.NOT_COMPARED,
    ]
    assert label_categories(cats, s.POLARITY_HIGH_GOOD, "99.8").tolist() == [
        s.BETTER,
        s.SIMILAR,
        s.SIMILAR,
        s.SIMILAR,
        s.WORSE,
        s.NOT_COMPARED,
    ]


def test_overdispersion_widens_the_limits(model):
    plain = funnel_view(model, HYP)
    adjusted = funnel_view(model, HYP, od="multiplicative")
    assert adjusted.funnel.overdispersion.phi > 1
    assert adjusted.rows["category"].eq(s.SIMILAR).sum() > plain.rows["category"].eq(s.SIMILAR).sum()


def test_indicators_without_counts_say_why(model):
    stat, reason = funnel_statistic(model, Selection("dementia_ddr_65plus", "2025-01", "ccg21", "Persons"))
    assert stat is None and "cannot go on a funnel" in reason
    eligible = eligible_indicators(model)
    assert "qof_hyp" in eligible and "dementia_ddr_65plus" not in eligible
    assert "mort_treatable_u75" in eligible  # a DSR with events and population


def test_page_outputs_with_focus_and_peers(app_ctx, state_for):
    fig, note = funnel_chart(state_for(f"?indicator=qof_hyp&areas={KERNOW}", page="funnel"))
    points = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in points) == 106
    symbols = [sym for t in points for sym in t.marker.symbol]
    assert symbols.count("diamond") == 10  # Kernow's similar CCGs
    assert any(a.text == "<b>NHS Kernow CCG</b>" for a in fig.layout.annotations)
    figure, note, options = funnel_outputs(state_for("?indicator=dementia_ddr_65plus", page="funnel"))
    assert figure["data"] == [] and "cannot go on a funnel" in str(note)


def test_export_endpoints(dash_app):
    client = dash_app.server.test_client()
    assert client.get("/export/funnel.csv?indicator=qof_hyp&od=additive").status_code == 200
    bad = client.get("/export/funnel.png?indicator=dementia_ddr_65plus")
    assert bad.status_code == 400 and "cannot go on a funnel" in bad.get_data(as_text=True)
    bad = client.get("/export/funnel.svg?indicator=qof_hyp&od=wild")
    assert bad.status_code == 400 and "not a valid funnel adjustment" in bad.get_data(as_text=True)


@pytest.mark.parametrize("od", ["none", "multiplicative", "additive"])
def test_funnel_files_carry_the_funnel_under_od(dash_app, model, od):
    """/export/funnel.csv and .xlsx: funnel_table's columns under the chosen od= (the chart's own
    categories), what each area is compared with, and the method line naming the adjustment."""
    import io

    import openpyxl

    from data.queries.funnel import OD_WORDS

    client = dash_app.server.test_client()
    query = f"?indicator=gp_fft_positive&period=Feb+2026&od={od}"
    body = client.get(f"/export/funnel.csv{query}").get_data(as_text=True)
    meta = dict(line[2:].split(": ", 1) for line in body.splitlines() if line.startswith("# "))
    table = pd.read_csv(io.StringIO(body), comment="#")
    view = funnel_view(model, Selection("gp_fft_positive", "Feb 2026", "ccg21", "Persons"), od=od)
    assert (
        table["Compared to benchmark"].value_counts().to_dict()
        == view.rows["category"].value_counts().to_dict()
    )
    assert set(table["Benchmark"]) == {"the average of the 106 areas on the funnel"}
    assert OD_WORDS[od].split(" (")[0] in meta["Method"]
    assert "compared with the average of the 106 areas on the funnel" in meta["Selection"]
    assert "Caveats (gp_fft_positive)" in meta  # the FFT's caveat travels with its funnel
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/export/funnel.xlsx{query}").data))
    header = [c.value for c in book["Data"][1]]
    assert "Lower 95% limit at this denominator" in header and "Compared to benchmark" in header
