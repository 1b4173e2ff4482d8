"""callbacks.shell: the frame's parts from one callback, each sent only when it differs from
what the browser shows (its digest in ids.SHELL_SHOWN)."""

from __future__ import annotations

import dataclasses

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from callbacks import shell
from layouts import ids

KERNOW, SOUTH_WEST = "E38000089", "E40000006"


def run(state, shown=None, clicks=0):
    extra = {(ids.DEFINITION_BUTTON, "n_clicks"): clicks}
    out = shell.shell_outputs(state, extra, shown)
    names = [(part.name, cid, prop) for part in shell.PARTS for cid, prop in part.outputs]
    assert len(out) == len(names) + 1  # every output, then the digests
    return {f"{cid}.{prop}": value for (_, cid, prop), value in zip(names, out[:-1])}, out[-1]


def sent(values: dict) -> set[str]:
    return {key for key, value in values.items() if value is not no_update}


def test_no_selection_yet_answers_nothing():
    with pytest.raises(PreventUpdate):
        run(None)


def test_a_first_answer_sends_every_part_and_their_digests(app_ctx, state_for):
    values, digests = run(state_for(f"?areas={KERNOW}", page="overview"))
    assert sent(values) == set(values)
    assert set(digests) == {part.name for part in shell.PARTS}


def test_the_same_selection_again_sends_nothing(app_ctx, state_for):
    state = state_for(f"?areas={KERNOW}", page="overview")
    _, digests = run(state)
    values, again = run(state, shown=digests)
    assert sent(values) == set() and again is no_update


def test_a_region_change_sends_only_the_parts_that_change(app_ctx, state_for):
    before = state_for(f"?areas={KERNOW}", page="overview")
    after = state_for(f"?areas={KERNOW}&region={SOUTH_WEST}", page="overview")
    first, digests = run(before)
    values, new = run(after, shown=digests)
    changed = sent(values)
    # the closed Definition panel, the peers panel and the Benchmark labels are as they were: not
    # sent; nor the export links, whose query the browser keeps in step (assets/nav.js)
    for key in (ids.DEFINITION_PANEL, ids.PEERS_PANEL, ids.BENCHMARK, ids.EXPORT_LINKS):
        assert not any(k.startswith(key + ".") for k in changed), key
    assert new is no_update or (
        new["definition"] == digests["definition"] and new["export_links"] == digests["export_links"]
    )
    # what is sent is what a first answer for the new selection sends
    fresh, _ = run(after)
    assert all(shell.digest((values[k],)) == shell.digest((fresh[k],)) for k in changed)


def test_opening_the_definition_sends_it(app_ctx, state_for):
    state = state_for("?indicator=qof_hyp", page="map")
    _, digests = run(state)
    values, _ = run(state, shown=digests, clicks=1)
    assert sent(values) == {f"{ids.DEFINITION_PANEL}.children", f"{ids.DEFINITION_PANEL}.hidden"}
    assert values[f"{ids.DEFINITION_PANEL}.hidden"] is False


def test_a_digest_store_of_another_shape_is_ignored(app_ctx, state_for):
    values, _ = run(state_for("", page="map"), shown=["not", "a", "dict"])
    assert sent(values) == set(values)


def test_export_links_are_sent_again_only_when_more_than_their_query_changes(app_ctx, state_for):
    """A new indicator or a new area changes only the links' query (kept up to date in the browser,
    the board pack's with its own keys of it); the footer is sent again when its links themselves
    change (the first area chosen brings the board pack's links; another page, other formats)."""
    from selection import PACK_KEYS, only_keys, pack_href, to_query

    before = state_for(f"?areas={KERNOW}&indicator=qof_hyp", page="compare")
    _, digests = run(before)
    for query in (f"?areas={KERNOW}&indicator=dementia_ddr_65plus", f"?areas={KERNOW},E38000240&ci=99.8"):
        values, _ = run(state_for(query, page="compare"), shown=digests)
        assert values[f"{ids.EXPORT_LINKS}.children"] is no_update, query
    other = state_for("?indicator=dementia_ddr_65plus", page="compare")  # no area: no pack links
    values, _ = run(other, shown=digests)
    assert values[f"{ids.EXPORT_LINKS}.children"] is not no_update
    chosen = state_for(f"?areas={KERNOW},E38000240&indicator=qof_hyp&ci=99.8", page="compare")
    values, _ = run(chosen, shown=run(other)[1])
    links = values[f"{ids.EXPORT_LINKS}.children"]
    follow = [a for a in links.children if getattr(a, "className", "") == "export-link"]
    assert follow and all(a.to_plotly_json()["props"]["data-follow-query"] == "1" for a in follow)
    query = to_query(chosen)
    for a in follow:  # the query the browser would write: the page's (or its pack keys), then the link's own
        props = a.to_plotly_json()["props"]
        if "data-follow-keys" in props:
            assert props["data-follow-keys"].split(",") == list(PACK_KEYS)
            assert a.href == a.href.split("?")[0] + only_keys(query, PACK_KEYS)
            assert a.href == pack_href(chosen, a.href.split("?")[0].rsplit(".", 1)[1])
            continue
        extra = props["data-extra"]
        assert a.href == a.href.split("?")[0] + query + (("&" + extra) if extra else "")
    packs = [a.href for a in follow if "/export/pack." in a.href]
    assert packs == [f"/export/pack.{f}?areas={KERNOW},E38000240&ci=99.8" for f in ("pdf", "pptx")]


def test_only_keys_keeps_the_pairs_as_written():
    from selection import only_keys

    query = "?indicator=qof_hyp&areas=E38000089,E38000240&benchmark=region&ci=99.8&colour=value"
    assert only_keys(query, ("areas", "benchmark", "ci", "peers")) == (
        "?areas=E38000089,E38000240&benchmark=region&ci=99.8"
    )
    assert only_keys("?indicator=qof_hyp", ("areas",)) == "" and only_keys("", ("areas",)) == ""


def test_a_part_the_browser_keeps_is_not_made_again(app_ctx, state_for, monkeypatch):
    """The export links' digest is known from the selection alone: while the browser has them,
    a change does not build the footer's links only to throw them away."""
    before = state_for(f"?areas={KERNOW}&indicator=qof_hyp", page="compare")
    after = state_for(f"?areas={KERNOW}&indicator=dementia_ddr_65plus", page="compare")
    _, digests = run(before)
    made = []
    links = next(p for p in shell.PARTS if p.name == "export_links")
    counted = dataclasses.replace(links, answer=lambda *a: made.append(a) or links.answer(*a))
    monkeypatch.setattr(shell, "PARTS", tuple(counted if p is links else p for p in shell.PARTS))
    values, _ = run(after, shown=digests)
    assert made == [] and f"{ids.EXPORT_LINKS}.children" not in sent(values)
    run(state_for("?areas=E38000240&indicator=qof_hyp", page="compare"), shown=digests)
    assert made == []  # a new area: the pack's links follow the address bar too
    run(state_for("?indicator=qof_hyp", page="compare"), shown=digests)
    assert len(made) == 1  # no area: no pack links, so the links themselves change: made and sent


def test_the_benchmark_labels_and_regions_are_made_only_when_what_they_follow_changes(
    app_ctx, state_for, monkeypatch
):
    """The regions follow the geography; the Benchmark labels the indicator, period, sex and
    geography: a change of areas makes neither again, a change of indicator only the labels."""
    made: list[str] = []

    def counted(part):
        return dataclasses.replace(part, answer=lambda *a: made.append(part.name) or part.answer(*a))

    parts = tuple(counted(p) if p.name in ("benchmark", "region") else p for p in shell.PARTS)
    monkeypatch.setattr(shell, "PARTS", parts)
    before = state_for(f"?areas={KERNOW}&indicator=qof_hyp", page="compare")
    _, digests = run(before)
    assert sorted(made) == ["benchmark", "region"]
    made.clear()
    values, digests2 = run(
        state_for(f"?areas={KERNOW},E38000240&indicator=qof_hyp", page="compare"), shown=digests
    )
    assert made == [] and not {f"{ids.BENCHMARK}.options", f"{ids.REGION}.options"} & sent(values)
    values, _ = run(
        state_for(f"?areas={KERNOW}&indicator=dementia_ddr_65plus", page="compare"), shown=digests
    )
    assert made == ["benchmark"] and f"{ids.REGION}.options" not in sent(values)
    made.clear()
    values, _ = run(state_for("?indicator=qof_hyp&geography=icb22", page="compare"), shown=digests)
    assert sorted(made) == ["benchmark", "region"] and f"{ids.REGION}.options" in sent(values)
