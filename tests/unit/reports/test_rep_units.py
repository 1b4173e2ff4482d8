"""Export pieces that need no browser: validation, names, provenance layout, data files."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from callbacks.exports import EXPORT_PAGES, BadExport, links_for, query_params, split_name
from data.model import schema as s
from reports import describe, tables
from reports.decorate import EXPORT_FONT, SIZES, decorate, wrap
from reports.messages import sentence
from reports.parts import domain_order, fit_rows, slots_for
from reports.render import RenderError, chromium_path
from views.provenance import OGL, OS_DATA, Provenance

PARSE_STATE = {
    "page": "map",
    "indicator": "qof_hyp",
    "period": "2022/23",
    "geography": "ccg21",
    "sex": "Persons",
    "areas": ["E38000014"],
    "region": "",
    "benchmark": "england",
    "ci": "95",
    "colour": "category",
    "palette": "fingertips",
    "layout": "boundaries",
    "sort": "value",
    "x": "demo:imd19_mean_rank",
    "y": "qof_hyp",
}
PROV = Provenance(
    "A title", "Sub · 2022/23 · CCG", "NHS England", "Compared with England", "http://h/map?x=1", True
)


def test_split_name_allow_lists():
    assert split_name("map.png", EXPORT_PAGES) == ("map", "png")
    assert split_name("table.xlsx", EXPORT_PAGES) == ("table", "xlsx")
    for bad, status in (
        ("nope.png", 404),
        ("map.gif", 404),
        ("table.png", 404),
        ("map", 404),
        ("..%2Fx.png", 404),
    ):
        with pytest.raises(BadExport) as err:
            split_name(bad, EXPORT_PAGES)
        assert err.value.status == status


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"a=1&&b=2", "Malformed"),
        (b"foo=1", "Unknown query parameter"),
        (b"ci=95&ci=99.8", "more than once"),
        (b"indicator=\xff", "Malformed"),
        (b"x=" + b"a" * 3000, "too long"),
    ],
)
def test_query_params_rejects_malformed(raw, fragment):
    with pytest.raises(BadExport) as err:
        query_params(raw, ("indicator", "ci", "x"))
    assert err.value.status == 400 and fragment in str(err.value)


def test_file_names_are_safe_and_descriptive():
    state = {
        "indicator": "qof_hyp",
        "period": "2022/23",
        "geography": "ccg21",
        "areas": ["E38000014"],
        "benchmark": "england",
        "region": "",
        "x": "demo:imd",
        "y": "qof_hyp",
    }
    assert describe.file_name(state, "map", "png") == "ccg-outcomes_map_qof_hyp_2022-23_ccg21.png"
    assert describe.file_name(state, "spine", "pdf") == "ccg-outcomes_spine_E38000014_england.pdf"
    evil = dict(state, indicator="../../etc/passwd")
    assert "/" not in describe.file_name(evil, "map", "csv")


def test_decorate_adds_header_footer_fonts_and_size():
    fig = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    fig.update_layout(font=dict(family="system-ui"), yaxis=dict(automargin=True), title="old")
    out = decorate(fig, PROV, SIZES["a4"])
    lay = out.layout
    assert (lay.width, lay.height) == (1123, 794)
    header = [a.text for a in lay.annotations if a.name == "export-header"]
    assert header[0] == "<b>A title</b>" and "2022/23" in header[1]
    footer = lay.annotations[-1].text.replace("<br>", " ")
    for part in (
        "NHS England",
        "Open Government Licence v3.0",
        "Contains OS data",
        "Compared with England",
        "http://h/map?x=1",
    ):
        assert part in footer
    assert lay.font.family == EXPORT_FONT and lay.font.size >= 14
    assert all(a.font.size >= 14 for a in lay.annotations)
    assert lay.yaxis.automargin is False and lay.margin.l >= 10
    assert fig.layout.title.text == "old"  # the app's figure is not changed


def test_footer_licences_depend_on_boundaries():
    assert OS_DATA in " ".join(PROV.footer_lines())
    plain = Provenance("t", "s", "src", "m", "l", boundaries=False)
    text = " ".join(plain.footer_lines())
    assert OGL in text and OS_DATA not in text


def test_sizes_give_big_enough_pngs():
    for size in SIZES.values():
        scale = size.png_scale()
        assert size.width * scale >= 1600 - 1e-6 and size.height * scale >= 900 - 1e-6
    assert abs(SIZES["slide"].width / SIZES["slide"].height - 16 / 9) < 0.01
    assert all(len(line) < 200 for line in wrap("word " * 200, 1000, 11))


def test_chromium_path_uses_browser_path(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    with pytest.raises(RenderError):
        chromium_path()
    monkeypatch.delenv("BROWSER_PATH")
    assert chromium_path().endswith(("chromium", "chrome", "chromium-browser", "google-chrome-stable"))


def test_csv_and_xlsx_writers_round_trip():
    frame = pd.DataFrame({"Area Code": ["E1", "E2"], "Value": [1.5, None]})
    meta = [("Definition", "What it is"), ("Licence", OGL)]
    back = pd.read_csv(io.BytesIO(tables.csv_bytes(frame, meta)), comment="#")
    assert back.columns.tolist() == ["Area Code", "Value"] and len(back) == 2
    book = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes(frame, meta)))
    assert book.sheetnames == ["Data", "Metadata"]
    assert [c.value for c in book["Metadata"][2]] == ["Definition", "What it is"]


def test_key_sentence_says_direction_unit_gap_trend_and_age():
    from types import SimpleNamespace

    row = SimpleNamespace(
        message="red-red",
        history=True,
        short_name="Hypertension prevalence",
        context=False,
        area_name="NHS X CCG",
        value=16.9,
        unit="%",
        comparator_label="England",
        comparator_value=14.4,
        gap_text="+2.5 percentage points",
        period="2018/19",
        age_text="ended Mar 2019, 7 years 8 months ago",
        reason="",
    )
    text = sentence(row)
    assert text == (
        "Hypertension prevalence: NHS X CCG is significantly worse than England (16.9% against 14.4%, "
        "+2.5 percentage points; 2018/19, ended Mar 2019, 7 years 8 months ago: history) and getting worse."
    )
    now = sentence(
        SimpleNamespace(
            **{
                **vars(row),
                "message": "worse now",
                "history": False,
                "reason": "1 valid point (5 needed)",
                "unit": "per 100,000",
                "value": 95.4,
                "comparator_value": 80.3,
            }
        )
    )
    assert "(95.4 per 100,000 against 80.3 per 100,000," in now
    assert now.endswith("its trend cannot be assessed (1 valid point (5 needed)).")
    better = sentence(SimpleNamespace(**{**vars(row), "message": "better", "context": True}))
    assert better.startswith(
        "Hypertension prevalence (context): NHS X CCG is significantly better than England"
    )


def test_fit_rows_keeps_a_heading_with_the_rows_under_it():
    # a heading at the cut (row 17 of 18) moves to the next window
    heading = [i == 17 for i in range(40)]
    windows = fit_rows([1] * 40, 18 * 18, heading)
    assert windows[0][1] == 17 and windows[1][0] == 17
    assert all(not heading[b - 1] for a, b, _ in windows[:-1])


def test_fit_rows_pages_labels_at_full_size():
    # 40 one-line labels in room for 18 rows of 18 px: three windows, none over the room
    windows = fit_rows([1] * 40, 18 * 18)
    assert [(a, b) for a, b, _ in windows] == [(0, 18), (18, 36), (36, 40)]
    assert slots_for(windows) == [18, 18, 18]  # the short last page keeps the pitch
    # a middle window never shows the next one's rows
    uneven = [(0, 10, 18), (10, 28, 18), (28, 30, 18)]
    assert slots_for(uneven) == [10, 18, 18]
    # two-line labels need more pitch: fewer rows per window
    tall = fit_rows([2] * 10, 18 * 18)
    assert all(b - a <= 9 for a, b, _ in tall)
    assert slots_for(fit_rows([1], 18 * 18), least=10) == [10]


def test_domain_order_puts_domain_4_first_when_it_has_data():
    rows = pd.DataFrame({"domain": ["context", "2", "1", "4", "5"], s.VALUE: [1.0, 1.0, 1.0, 1.0, None]})
    assert domain_order(rows) == ["4", "1", "2", "5", "context"]
    rows.loc[rows["domain"] == "4", s.VALUE] = None
    assert domain_order(rows) == ["1", "2", "4", "5", "context"]


def test_public_url_setting(monkeypatch):
    from callbacks.exports import link_root, view_link
    from data.model.settings import SettingsError, get_settings

    monkeypatch.delenv("OUTCOMES_PUBLIC_URL", raising=False)
    assert link_root() == "" and view_link(link_root(), "map", dict(PARSE_STATE)).startswith("/map?")
    monkeypatch.setenv("OUTCOMES_PUBLIC_URL", "https://outcomes.example.nhs.uk/app/")
    assert get_settings().public_url == "https://outcomes.example.nhs.uk/app"
    assert view_link(link_root(), "map", dict(PARSE_STATE)).startswith(
        "https://outcomes.example.nhs.uk/app/map?"
    )
    monkeypatch.setenv("OUTCOMES_PUBLIC_URL", "outcomes.example.nhs.uk")
    with pytest.raises(SettingsError, match="OUTCOMES_PUBLIC_URL"):
        get_settings()


def test_data_tables_use_fingertips_columns(model):
    state = {
        "indicator": "qof_hyp",
        "period": "2022/23",
        "geography": "ccg21",
        "sex": "Persons",
        "areas": [],
        "region": "",
        "benchmark": "england",
        "ci": "95",
    }
    frame = tables.view_table(model, state, "map")
    assert frame.columns.tolist() == [*s.FINGERTIPS_COLUMNS, "Benchmark", "Benchmark value"]
    areas = frame[frame["Area Code"] != s.ENGLAND_CODE]
    assert set(areas["Benchmark"]) == {"England"}
    assert (frame["Area Type"] == s.GEOGRAPHIES["ccg21"]).sum() == 106
    assert (frame["Area Code"] == s.ENGLAND_CODE).sum() == 1


def test_footer_links_point_at_exports():
    state = {
        "page": "map",
        "indicator": "qof_hyp",
        "period": "2022/23",
        "geography": "ccg21",
        "sex": "Persons",
        "areas": ["E38000014"],
        "region": "",
        "benchmark": "england",
        "ci": "95",
        "colour": "category",
        "palette": "fingertips",
        "layout": "boundaries",
        "sort": "value",
        "x": "demo:imd19_mean_rank",
        "y": "qof_hyp",
    }
    hrefs = [c.href for c in links_for(state).children if getattr(c, "href", None)]
    assert any(h.startswith("/export/map.png?indicator=qof_hyp") for h in hrefs)
    assert {h.split("?")[0] for h in hrefs} >= {
        f"/export/map.{f}" for f in ("png", "svg", "pdf", "csv", "xlsx")
    }
    no_area = links_for(dict(state, page="spine", areas=[]))
    assert not [c for c in no_area.children if getattr(c, "href", None)]
