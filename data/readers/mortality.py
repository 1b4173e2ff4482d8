"""Avoidable (treatable and preventable) mortality under 75 by CCG, 2010-2019 (ONS, via Goodair & Reeves).

Two Domain 1 indicators, age-standardised deaths per 100,000 (statistic "dsr"), each year on
the CCG set its codes belong to: 2010-2018 are published on the April 2019 CCGs (191, keyed here
by ODS code as the model's ccg19 areas are), 2019 on the April 2020 CCGs (135). Each year's
codes are checked against the lookups; codes of another set are reported, not guessed. The
model carries the rates onto CCG 2021 (population-weighted, never summed: a DSR does not add).
Byar's limits on the treatable deaths, scaled to the rate, are an approximation (the age
structure is ignored). The file's socio-economic control columns become explorer demographics.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.validation import Problems, SourceError, file_row
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import catalogue_entry, conform_values, empty_values, period_start

log = logging.getLogger(__name__)

CODE, YEAR = "ccg19cd", "year"
TREATABLE, PREVENTABLE = "Treatable_Mortality_Rate", "Preventatable_Mortality_Rate"  # sic
DEATHS, POPULATION = "treatable_mortality_deaths", "CCGpop"
KEY_COLUMNS = [CODE, YEAR, TREATABLE, PREVENTABLE]
FIRST_YEAR, LAST_YEAR = 2010, 2019
INDICATORS = {
    TREATABLE: ("mort_treatable_u75", "treatable", "Treatable mortality under 75"),
    PREVENTABLE: ("mort_preventable_u75", "preventable", "Preventable mortality under 75"),
}
# Year -> the geography its CCG codes belong to (checked row by row against the lookups).
GEOGRAPHY_OF_YEAR = {y: "ccg19" for y in range(FIRST_YEAR, 2019)} | {2019: "ccg20"}
PUBLISHER = "Office for National Statistics (compiled by Goodair & Reeves, Lancet Public Health 2022)"
BYARS_NOTE = "Byar's limits on the deaths scaled to the rate: an approximation for an age-standardised rate"

# Control columns offered as explorer demographics: column -> (id, name, unit, note).
CONTROLS: dict[str, tuple[str, str, str, str]] = {
    "Unemployment_percent": ("am_unemployment_pct", "Unemployment (%), 2018", "%", "model-based, LA level"),
    "Qual_lvl4_percent": (
        "am_qual_level4_pct",
        "Residents with level 4+ qualifications (%), 2018",
        "%",
        "Annual Population Survey, LA level",
    ),
    "Claimant_percent": ("am_claimant_pct", "Claimant count (% of 16-64), 2018", "%", "LA level"),
    "GDHI_per_person": (
        "am_gdhi_per_person",
        "Gross disposable household income per person (GBP), 2018",
        "GBP",
        "ONS regional accounts, LA level",
    ),
    "professional_and_managerial": (
        "am_prof_managerial_pct",
        "Managerial and professional occupations (%), 2018",
        "%",
        "Annual Population Survey, LA level",
    ),
}
CONTROLS_YEAR = 2018


def read_mortality_file(path) -> pd.DataFrame:
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "NA"])
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def code_sets(ctx: ReadContext) -> dict[str, dict[str, str]]:
    """E38 code -> area code of the model for each CCG set a year may use.

    ccg19: E38 -> ODS from the QOF points by-CCG file (2018-19, the April 2019 set);
    ccg20: E38 -> E38 from the CCG 2020 code list.
    """
    out: dict[str, dict[str, str]] = {}
    qof = pd.read_csv(ctx.data_dir / ctx.params["ccg19_codes"], dtype=str)
    q19 = qof[qof["qof_year"] == "2018-19"]
    out["ccg19"] = dict(zip(q19["ccg_ons_code"], q19["ccg_ods_code"], strict=True))
    c20 = pd.read_csv(ctx.data_dir / ctx.params["ccg20_codes"], dtype=str)
    out["ccg20"] = dict(zip(c20["CCG20CD"], c20["CCG20CD"], strict=True))
    return out


def _byars(deaths: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    from data.methods.stats import _byars_lower_safe, _byars_upper_safe, _elementwise

    conf = np.full(len(deaths), confidence)
    d = np.where(deaths > 0, deaths, np.nan)
    return _elementwise(_byars_lower_safe, d, conf), _elementwise(_byars_upper_safe, d, conf)


def _checked_cells(frame: pd.DataFrame, col: str, is_bad, reason: str, problems: Problems) -> pd.Series:
    """``col`` as numbers; a non-number or an impossible value is a Problem and becomes NaN."""
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    text = frame[col].astype("string").str.replace(",", "", regex=False).str.strip()
    number = pd.to_numeric(text, errors="coerce").astype(float)
    not_number = number.isna() & text.notna() & (text != "")
    impossible = is_bad(number).fillna(False)
    for mask, why in ((not_number, "not a number"), (impossible, reason)):
        for idx in frame.index[mask.to_numpy()]:
            problems.add(
                f"{why} (this value left out; the row's other values kept)",
                row=file_row(idx),
                column=col,
                value=frame.at[idx, col],
            )
    return number.where(~(not_number | impossible))


def clean_rows(raw: pd.DataFrame, problems: Problems, sets: dict[str, dict[str, str]]) -> pd.DataFrame:
    """CCG rows of 2010-2019 with numeric rates, a geography and the model's area code.

    England (E92) is kept as the England row; regions (E40, 2019 regions), Wales (W11/W92)
    and older area codes (E39) are counted in a note, not loaded. A CCG code outside its
    year's set is a Problem.
    """
    frame = raw.copy()
    frame[CODE] = frame[CODE].astype("string").str.strip()
    frame = problems.numeric(frame, YEAR)
    frame = frame[(frame[YEAR] >= FIRST_YEAR) & (frame[YEAR] <= LAST_YEAR)]
    ccg = frame[CODE].str.startswith("E38").fillna(False) | frame[CODE].eq(s.ENGLAND_CODE).fillna(False)
    frame = frame[ccg.to_numpy()]
    # A bad cell loses only itself: the row's other rates, deaths and population are kept.
    checks = {
        TREATABLE: (lambda x: x < 0, "rate is negative"),
        PREVENTABLE: (lambda x: x < 0, "rate is negative"),
        DEATHS: (lambda x: x < 0, "count is negative"),
        POPULATION: (lambda x: x <= 0, "denominator is zero or negative"),
    }
    for col, (is_bad, reason) in checks.items():
        frame[col] = _checked_cells(frame, col, is_bad, reason, problems)
    both_missing = frame[TREATABLE].isna() & frame[PREVENTABLE].isna()
    frame = frame[~both_missing.to_numpy()]  # no rate at all (2010 has no preventable rates)
    frame[YEAR] = frame[YEAR].astype(int)
    frame[s.GEOGRAPHY] = frame[YEAR].map(GEOGRAPHY_OF_YEAR)
    england = frame[CODE] == s.ENGLAND_CODE
    frame.loc[england, s.GEOGRAPHY] = "england"
    area = pd.Series(pd.NA, index=frame.index, dtype="string")
    area[england] = s.ENGLAND_CODE
    for geography, mapping in sets.items():
        here = (frame[s.GEOGRAPHY] == geography).to_numpy()
        area[here] = frame.loc[here, CODE].map(mapping)
    frame[s.AREA_CODE] = area
    unknown = frame[s.AREA_CODE].isna()
    bad = frame[unknown]
    for idx, r in bad.iterrows():
        problems.add(
            f"code not in the {s.GEOGRAPHIES.get(r[s.GEOGRAPHY], r[s.GEOGRAPHY])} lookup for {r[YEAR]}",
            row=int(idx) + 2,
            column=CODE,
            value=r[CODE],
        )
    return frame[~unknown.to_numpy()]


def indicator_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Long rows of both indicators: value, Byar's limits where deaths are given, deaths, population."""
    pieces = []
    for col, (indicator_id, _, _) in INDICATORS.items():
        part = frame[frame[col].notna()]
        has_deaths = col == TREATABLE
        deaths = part[DEATHS] if has_deaths else pd.Series(np.nan, index=part.index)
        out = pd.DataFrame(
            {
                s.INDICATOR_ID: indicator_id,
                s.AREA_CODE: part[s.AREA_CODE],
                s.AREA_NAME: part["CCG19NM"] if "CCG19NM" in part.columns else part[s.AREA_CODE],
                s.GEOGRAPHY: part[s.GEOGRAPHY],
                s.PERIOD: part[YEAR].astype(str),
                s.PERIOD_START: [period_start(str(y)) for y in part[YEAR]],
                s.SEX: "Persons",
                s.VALUE: part[col],
                s.COUNT: deaths,
                s.DENOMINATOR: part[POPULATION],
            }
        )
        name = out[s.AREA_NAME].astype(object)
        out[s.AREA_NAME] = name.where(name.notna(), out[s.AREA_CODE].astype(object))
        out.loc[out[s.GEOGRAPHY] == "england", s.AREA_NAME] = s.ENGLAND_NAME
        for level, tag in ((0.95, "95"), (0.998, "998")):
            lo, hi = _limits(out[s.VALUE], out[s.COUNT], level)
            out[f"lower{tag}"], out[f"upper{tag}"] = lo, hi
        note = np.where(
            out[s.COUNT].notna(),
            f"{BYARS_NOTE}; count: deaths (halves: ONS counts some causes half treatable, half "
            "preventable); denominator: all-age population where given",
            "no deaths published: no limits",
        )
        out[s.NOTE] = note
        pieces.append(out)
    return pd.concat(pieces, ignore_index=True)


def _limits(rate: pd.Series, deaths: pd.Series, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    d = deaths.to_numpy(dtype=float)
    ok = np.isfinite(d) & (d > 0)
    lo, hi = _byars(np.where(ok, d, np.nan), confidence)
    r = rate.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, r * lo / d, np.nan), np.where(ok, r * hi / d, np.nan)


def _catalogue(ctx: ReadContext, kind: str, indicator_id: str, title: str) -> dict:
    limits = (
        f"95% and 99.8% limits: {BYARS_NOTE} (rate x Byar's limit / deaths)."
        if kind == "treatable"
        else "The file gives no preventable deaths, so these rates have no limits and are compared by quintile."
    )
    return catalogue_entry(
        indicator_id,
        name=f"{title}, age-standardised (ONS 2019 definition)",
        short_name=f"{title} (DSR)",
        domain="1",
        unit="per 100,000",
        multiplier=100_000,
        polarity=s.POLARITY_LOW_GOOD,
        statistic="dsr",
        ci_method="Byar's (approximation)" if kind == "treatable" else "none",
        source=ctx.dataset,
        publisher=PUBLISHER,
        licence=ctx.entry.get("licence", "OGL-3.0"),
        definition=(
            f"Deaths under 75 from causes considered {kind} (ONS 2019 definition of avoidable mortality: "
            + (
                "deaths that timely and effective health care could avoid"
                if kind == "treatable"
                else "deaths that public health and primary prevention could avoid"
            )
            + "), directly age-standardised to the 2013 European Standard Population, per 100,000 "
            "residents, by calendar year of death. 2010-2018 are published on the April 2019 CCGs, 2019 on "
            "the April 2020 CCGs; CCG 2021 values are carried across boundary changes as population-weighted "
            f"means (a rate does not add up), marked as harmonised. {limits}"
        ),
        caveats=(
            "Compiled from ONS avoidable mortality tables by Goodair & Reeves (Lancet Public Health 2022, "
            "reproducibility data); not an official ONS file. Small CCGs have few deaths a year, so single "
            "years are noisy; look at the trend. The denominator column is the CCG's all-age population "
            "(where the file gives it), the weight used when areas are combined, not the standard population."
        ),
    )


def controls_frame(raw: pd.DataFrame, problems: Problems, ccg21: pd.DataFrame) -> pd.DataFrame:
    """The useful control columns, 2018, on CCG 2021 areas whose E38 code is unchanged since 2019."""
    year = pd.to_numeric(raw[YEAR], errors="coerce")
    rows = raw[(year == CONTROLS_YEAR) & raw[CODE].isin(ccg21["CCG21CD"])].drop_duplicates(CODE)
    out = pd.DataFrame({s.AREA_CODE: rows[CODE]})
    for col, (cid, *_rest) in CONTROLS.items():
        if col in rows.columns:
            out[cid] = pd.to_numeric(rows[col], errors="coerce")
    return out.reset_index(drop=True)


@reader("avoidable_mortality")
def read_avoidable_mortality(ctx: ReadContext) -> ReadResult:
    """Treatable and preventable mortality under 75 by CCG (2019 / 2020 sets) and England, 2010-2019."""
    path = ctx.path()
    problems = Problems(ctx.dataset, ctx.entry["path"])
    raw = read_mortality_file(path)
    if problems.require_columns(raw, KEY_COLUMNS):  # named in the problems; the rest of the model loads
        return ReadResult(rows_read=len(raw), values=empty_values(), problems=problems.items)
    sets = code_sets(ctx)
    ccg21 = pd.read_csv(ctx.data_dir / ctx.params["ccg21_codes"], dtype=str)
    frame = clean_rows(raw, problems, sets)
    values = indicator_values(frame)
    result = ReadResult(
        rows_read=len(raw),
        values=conform_values(values),
        catalogue=[_catalogue(ctx, kind, iid, title) for iid, kind, title in INDICATORS.values()],
        problems=problems.items,
    )
    year = pd.to_numeric(raw[YEAR], errors="coerce")
    prefix = raw[CODE].astype(str).str[:3]
    skipped = raw[
        (year >= FIRST_YEAR) & (year <= LAST_YEAR) & ~prefix.isin(["E38"]) & (raw[CODE] != s.ENGLAND_CODE)
    ]
    by_year = frame[frame[s.GEOGRAPHY] != "england"].groupby(YEAR)[s.AREA_CODE].nunique()
    result.notes.append(
        "CCG codes per year (all found in the lookups of their set): "
        + ", ".join(f"{y} {n} ({GEOGRAPHY_OF_YEAR[y]})" for y, n in by_year.items())
        + f"; not loaded: {len(skipped)} rows of regions (E40), Wales (W11/W92) and older area codes (E39); "
        f"rows before {FIRST_YEAR} and in 2020 have deaths but no rates"
    )
    controls = controls_frame(raw, problems, ccg21)
    if len(controls):
        result.frames["demographics"] = controls
        result.frames["demographic_catalogue"] = pd.DataFrame(
            [
                {
                    "id": cid,
                    "name": name,
                    "unit": unit,
                    "source": ctx.dataset,
                    "note": (
                        f"Goodair & Reeves' control variable ({note}), {CONTROLS_YEAR}; only the "
                        f"{len(controls)} CCG 2021 areas whose code is unchanged since 2019. Context, not an outcome."
                    ),
                }
                for col, (cid, name, unit, note) in CONTROLS.items()
            ]
        )
    log.info("avoidable_mortality: %d rows", len(values))
    return result
