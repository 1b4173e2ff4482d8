"""Names in their publishers' case: no "St Mary'S" or "Isles Of Scilly" anywhere in the model."""

from __future__ import annotations

import re

from data.model import schema as s

TITLE_CASED = re.compile(r"[a-z]'S\b|(?<=\S) (?:Of|And|The) ")


def test_area_names_in_indicator_rows_are_the_areas_tables(model):
    rows = model.indicators
    bad = rows.loc[rows[s.AREA_NAME].astype(str).str.contains(TITLE_CASED), s.AREA_NAME].unique()
    assert len(bad) == 0, list(bad)[:10]
    scilly = model.areas[(model.areas[s.GEOGRAPHY] == "sicbl22") & (model.areas["ods_code"] == "11N")]
    name = scilly[s.AREA_NAME].iloc[0]
    assert name == "NHS Cornwall and the Isles of Scilly ICB - 11N"
    sub_icb = rows[(rows[s.GEOGRAPHY] == "sicbl22") & (rows[s.AREA_CODE] == scilly[s.AREA_CODE].iloc[0])]
    assert len(sub_icb) and set(sub_icb[s.AREA_NAME]) == {name}
    # England keeps its own name: a partial comparator says what it is
    assert "49 of 106 CCGs with data" in set(rows.loc[rows[s.GEOGRAPHY] == "england", s.AREA_NAME])


def test_practice_and_pcn_names_are_repaired(model):
    for frame_name in ("practice_fft", "practice_values"):
        frame = model.frames.get(frame_name)
        if frame is None:
            continue
        for column in ("practice_name", "pcn_name"):
            if column in frame:
                names = frame[column].dropna().astype(str)
                assert not names.str.contains(TITLE_CASED).any(), (
                    names[names.str.contains(TITLE_CASED)].head().tolist()
                )
    fft = model.frames["practice_fft"]
    assert fft["practice_name"].astype(str).str.contains("St Mary's").any()
