"""The inequalities page's outputs: the focus CCG's ICB preselected, bad parameters fall back, the ACSC gradient."""

from __future__ import annotations

import pandas as pd

from data.model.manifest import load_manifest
from data.model.settings import get_settings
from selection import parse_query
from views.inequalities import inequalities_outputs

KERNOW = "E38000089"
NORFOLK_WAVENEY = "E38000239"


def acsc_file() -> pd.DataFrame:
    entry = load_manifest()["acsc_chronic_ccg16"]
    return pd.read_csv(get_settings().data_dir / entry["path"], dtype={"ccg16_ods_code": str})


def test_focus_ccgs_icb_is_preselected_and_bad_params_fall_back(app_ctx, state_for, model):
    note, icb_fig, rank_fig, acsc, _, _ = inequalities_outputs(
        state_for(f"?areas={KERNOW}", page="inequalities")
    )
    assert "Cornwall" in icb_fig["layout"]["title"]["text"]
    assert any("▶" in str(y) for t in rank_fig["data"] for y in (t.get("y") or []))
    state, notices = parse_query(model, "?icb=E54999999&ineq=nope")
    assert (state["icb"], state["ineq"]) == ("", "")
    assert notices == [
        "Unknown inequality indicator 'nope': showing the first.",
        "Unknown ICB 'E54999999': showing the focus area's ICB.",
    ]
    assert "acsc_chronic_agi" in str(acsc)


def test_acsc_gradient_chart_shows_every_ccg_in_the_file_with_its_limits(app_ctx, state_for, model):
    """Every CCG of the published file is a point, at its published value and 95% limits, ranked."""
    raw = acsc_file().set_index("ccg16_ods_code")
    *_, acsc, fig, _ = inequalities_outputs(
        state_for(f"?areas={NORFOLK_WAVENEY}&benchmark=peers&peers=rightcare", page="inequalities")
    )
    points = {}
    for trace in fig["data"]:
        for code, x, y, up, down in zip(
            (c[0] for c in trace["customdata"]),
            trace["x"],
            trace["y"],
            trace["error_y"]["array"],
            trace["error_y"]["arrayminus"],
            strict=True,
        ):
            points[code] = (trace["name"], x, y, y + up, y - down)
    assert len(points) == len(raw) == 209
    for code, (_, _, y, hi, lo) in points.items():
        assert y == raw.at[code, "agi_per_100k"]
        assert (
            abs(hi - raw.at[code, "agi_upper_ci95"]) < 1e-6
            and abs(lo - raw.at[code, "agi_lower_ci95"]) < 1e-6
        )
    ranks = sorted(points.values(), key=lambda p: p[1])
    assert [p[1] for p in ranks] == list(range(1, 210))
    assert all(a[2] >= b[2] for a, b in zip(ranks, ranks[1:]))  # steepest first
    # Norfolk and Waveney was formed from five CCGs of 2015/16: all five marked as the focus
    focus = {c for c, p in points.items() if p[0].startswith("NHS Norfolk and Waveney CCG")}
    assert focus == {"06M", "06V", "06W", "06Y", "07J"}
    peers = {c for c, p in points.items() if p[0].startswith("Its peers")}
    sets = model.frames["peer_sets"]
    peer21 = set(
        sets.loc[
            (sets["peer_set"] == "rightcare")
            & (sets["geography"] == "ccg21")
            & (sets["area_code"] == NORFOLK_WAVENEY),
            "peer_code",
        ]
    )
    links = model.lineage[model.lineage["from_geography"] == "ccg16"].sort_values("share", ascending=False)
    main = links.drop_duplicates("from_code").set_index("from_code")["to_code"]
    assert len(peer21) == 10 and peers == set(main[main.isin(peer21)].index)
    # the five implausibly low rates are hollow, labelled as such
    flagged = {c for c, p in points.items() if p[0].startswith("Implausibly")}
    assert flagged <= {"09H", "09L", "10K", "07T", "10R"} and len(flagged) >= 3
    method = str(acsc)
    assert "209 CCGs" in method and "c. 2014/15-2015/16" in method and "York Health Equity" in method


def test_acsc_gradient_without_a_focus_area_marks_nothing(app_ctx, state_for):
    *_, fig, _ = inequalities_outputs(state_for("", page="inequalities"))
    names = [t["name"] for t in fig["data"]]
    assert not any(n.startswith(("Its peers", "NHS")) for n in names)
    assert sum(len(t["x"]) for t in fig["data"]) == 209
