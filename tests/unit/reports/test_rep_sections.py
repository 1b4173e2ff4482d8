"""The board pack's "Early warning" and "Compared with similar CCGs" pages, recomputed here from
the model's own frames (indicator rows, trend frame, peer lists) without the code under test."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.precomputed import in_summaries
from data.queries.view_frames import hidden_categories

AREAS = ("E38000014", "E38000089")  # Blackburn with Darwen, Kernow


@pytest.fixture(scope="module")
def plans(model):
    from reports.pack import plan_pack
    from views.exports import figure_for

    out = {}
    for area in AREAS:
        out[area] = plan_pack(
            model, [area], benchmark="england", ci="95", figure_for=figure_for, link_root=""
        )
    out["rightcare"] = plan_pack(
        model,
        [AREAS[1]],
        benchmark="england",
        ci="95",
        figure_for=figure_for,
        link_root="",
        peers="rightcare",
    )
    return out


def _page(plan, title):
    pages = [p for p in plan if p.title == title or p.title.startswith(f"{title} (continued")]
    assert pages, f"no {title!r} page"
    return pages


def _latest(model, area):
    ind = model.indicators
    rows = ind[
        (ind[s.AREA_CODE] == area)
        & (ind[s.GEOGRAPHY] == "ccg21")
        & (ind[s.SEX] == "Persons")
        & ind[s.VALUE].notna()
    ]
    rows = rows[rows[s.INDICATOR_ID].isin(in_summaries(model.catalogue))]  # no unworded survey questions
    return rows.sort_values(s.PERIOD_START).groupby(s.INDICATOR_ID).tail(1)


def expected_warnings(model, area) -> dict[str, set[str]]:
    """Group -> indicator ids, from the indicator rows and the trend frame alone."""
    rows = _latest(model, area)
    trends = model.frames["trends"]
    trends = trends[
        (trends[s.AREA_CODE] == area) & (trends[s.GEOGRAPHY] == "ccg21") & (trends[s.SEX] == "Persons")
    ]
    trend_of = trends.set_index([s.INDICATOR_ID, s.PERIOD])["trend"].to_dict()
    out: dict[str, set[str]] = {
        g: set() for g in ("red-red", "worse now", "worse", "worsening", "not assessed")
    }
    for rec in rows.to_dict("records"):
        trend = trend_of.get((rec[s.INDICATOR_ID], rec[s.PERIOD]))
        trend = "Cannot be calculated" if trend is None or pd.isna(trend) else str(trend)
        worse = rec[s.CMP_ENGLAND_95] == s.WORSE and rec[s.INDICATOR_ID] not in hidden_categories(model)
        getting_worse = trend.endswith("getting worse")
        if trend == "Cannot be calculated":
            out["worse now" if worse else "not assessed"].add(rec[s.INDICATOR_ID])
        elif worse and getting_worse:
            out["red-red"].add(rec[s.INDICATOR_ID])
        elif worse:
            out["worse"].add(rec[s.INDICATOR_ID])
        elif getting_worse:
            out["worsening"].add(rec[s.INDICATOR_ID])
    return out


@pytest.mark.parametrize("area", AREAS)
def test_early_warning_page_matches_the_model(plans, model, area):
    from data.queries.alerts import GROUPS

    pages = _page(plans[area], "Early warning")
    table = pd.concat([p.table for p in pages if p.table is not None], ignore_index=True)
    want = expected_warnings(model, area)
    names = model.catalogue["short_name"]
    labels = {
        "red-red": "Worse, getting worse",
        "worse now": "Worse now",
        "worse": "Worse",
        "worsening": "Getting worse",
    }
    shown = table["Indicator"].str.removesuffix(" (context)")
    for group, label in labels.items():
        assert set(shown[table["Warning"] == label]) == {names[i] for i in want[group]}
    # red-red first, then worse now, worse, worsening
    order = {label: i for i, label in enumerate(labels.values())}
    ranks = table["Warning"].map(order).tolist()
    assert ranks == sorted(ranks)
    assert len(GROUPS) == 5
    text = " ".join(pages[0].paragraphs)
    assert f"{len(want['red-red'])} worse and getting worse;" in text
    assert f"{len(want['worse now'])} worse now with a trend that cannot be assessed" in text
    assert f"{len(want['not assessed'])} not worse and not assessed" in text
    # every row's benchmark value is England's (or the partial comparator's, named)
    assert table["Benchmark"].str.match(r"^[£\d.,\-]").all() and table["Gap"].str.len().gt(0).all()


def test_the_qof_points_break_is_worse_now_not_red_red(plans, model):
    """QOF points achieved changed its maximum (559 to 635 points) in 2021/22: Blackburn with Darwen
    is worse than England now, but no trend is computed across the break, so it is not red-red."""
    pages = _page(plans[AREAS[0]], "Early warning")
    table = pages[0].table
    qof = table[table["Indicator"] == model.catalogue.at["qof_points", "short_name"] + " (context)"]
    assert len(qof) == 1
    row = qof.iloc[0]
    assert row["Warning"] == "Worse now"
    assert row["Recent trend"] == "No trend: series break 2021/22, 2 of 5 points"
    assert any(
        "not assessed because of a series break (QOF points achieved (%), 2021/22)" in p
        for p in pages[0].paragraphs
    )


def _number(text: str) -> float:
    return float(re.sub(r"[^0-9.\-]", "", text.split(" ")[0]))


@pytest.mark.parametrize("key", [AREAS[0], AREAS[1], "rightcare"])
def test_similar_ccgs_page_matches_the_model(plans, model, key):
    area = AREAS[1] if key == "rightcare" else key
    peer_set = "rightcare" if key == "rightcare" else "similar"
    pages = _page(plans[key], "Compared with similar CCGs")
    sets = model.frames["peer_sets"]
    peers = sets[
        (sets["peer_set"] == peer_set) & (sets[s.GEOGRAPHY] == "ccg21") & (sets[s.AREA_CODE] == area)
    ].sort_values("rank")
    names = model.areas.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)[s.AREA_NAME]
    intro = pages[0].paragraphs[0]
    assert len(peers) >= 5
    for code in peers["peer_code"]:
        assert names[code] in intro, names[code]  # every peer named
    table = pd.concat([p.table for p in pages if p.table is not None], ignore_index=True)
    assert len(table) >= 3
    ind = model.indicators
    short = model.catalogue.reset_index().set_index("short_name")
    for rec in table.to_dict("records"):
        # the spine's name, perhaps with a note on its centre ("(centre: 97 of 106 CCGs with data)")
        named = max((n for n in short.index if rec["Indicator"].startswith(str(n))), key=len)
        indicator = short.loc[named, s.INDICATOR_ID]
        if isinstance(indicator, pd.Series):
            indicator = indicator.iloc[0]
        rows = ind[
            (ind[s.INDICATOR_ID] == indicator)
            & (ind[s.PERIOD] == rec["Period"])
            & (ind[s.GEOGRAPHY] == "ccg21")
            & (ind[s.SEX] == "Persons")
        ]
        theirs = rows[rows[s.AREA_CODE].isin(peers["peer_code"])]
        theirs = theirs[theirs[s.VALUE].notna()]
        lo, hi = rec["Peers' range"].split(" to ")
        assert _number(lo) == pytest.approx(theirs[s.VALUE].min(), rel=0.01, abs=0.06)
        assert _number(hi) == pytest.approx(theirs[s.VALUE].max(), rel=0.01, abs=0.06)
        if rec["Peers' value"].endswith("(mean)"):
            expected = theirs[s.VALUE].mean()
        else:
            assert rec["Peers' value"].endswith("(pooled)")
            mult = model.catalogue.at[indicator, "multiplier"]
            mult = 1.0 if pd.isna(mult) else mult
            expected = theirs[s.COUNT].sum() / theirs[s.DENOMINATOR].sum() * mult
        assert _number(rec["Peers' value"]) == pytest.approx(expected, rel=0.01, abs=0.06)
        # the comparison with the peers: the area's 95% interval against the peers' value
        mine = rows[rows[s.AREA_CODE] == area].iloc[0]
        polarity = model.catalogue.at[indicator, "polarity"]
        if rec["Compared with peers"] in (s.WORSE, s.BETTER) and not np.isnan(mine[s.LOWER95]):
            above = mine[s.LOWER95] > expected
            below = mine[s.UPPER95] < expected
            assert above or below
            high_is_worse = polarity == s.POLARITY_LOW_GOOD
            worse = above if high_is_worse else below
            assert rec["Compared with peers"] == (s.WORSE if worse else s.BETTER)
    # worse than the peers first, then better
    order = table["Compared with peers"].map({s.WORSE: 0, s.BETTER: 1}).fillna(2).tolist()
    assert order == sorted(order)


@pytest.mark.parametrize("benchmark", ["region", "peers_rightcare"])
def test_key_messages_show_the_value_compared_with(model, benchmark):
    """With benchmark=region (or peers) the key messages' benchmark value is the region's (the
    peers') value, not England's."""
    from data.queries.comparator import comparator_for
    from reports.messages import display_table, key_messages

    area = AREAS[0]
    comp = comparator_for(model, benchmark, focus=area)
    messages = key_messages(model, [area], {area: "X"}, {area: comp})
    table = display_table(messages, several_areas=False, main="")
    assert len(table) >= 1
    ind = model.indicators
    region = model.areas.loc[model.areas[s.AREA_CODE] == area, "region_code"].dropna().iloc[0]
    sets = model.frames["peer_sets"]
    peers = sets[
        (sets["peer_set"] == "rightcare") & (sets[s.GEOGRAPHY] == "ccg21") & (sets[s.AREA_CODE] == area)
    ]["peer_code"]
    for rec, msg in zip(table.to_dict("records"), messages.itertuples(index=False), strict=True):
        rows = ind[
            (ind[s.INDICATOR_ID] == msg.indicator_id)
            & (ind[s.PERIOD] == rec["Period"])
            & (ind[s.SEX] == "Persons")
        ]
        if benchmark == "region":
            expected = rows.loc[rows[s.AREA_CODE] == region, s.VALUE].iloc[0]
        else:
            theirs = rows[
                (rows[s.GEOGRAPHY] == "ccg21") & rows[s.AREA_CODE].isin(peers) & rows[s.VALUE].notna()
            ]
            pooled = (
                theirs[s.COUNT].sum()
                / theirs[s.DENOMINATOR].sum()
                * (model.catalogue.at[msg.indicator_id, "multiplier"] or 1.0)
            )
            mean = theirs[s.VALUE].mean()
            got = _number(rec["Benchmark"])
            assert got == pytest.approx(pooled, rel=0.01) or got == pytest.approx(mean, rel=0.01)
            continue
        assert _number(rec["Benchmark"]) == pytest.approx(expected, rel=0.01, abs=0.06)
