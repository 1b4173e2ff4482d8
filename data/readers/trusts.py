"""Trust-level indicators attributed to CCG 2021 with the acute-trust catchment weights.

A user adds a file of trust values (CQC inpatient, maternity or urgent and emergency care
survey scores, say) with a manifest entry whose ``reader = "trust_indicator"`` (see README,
"Adding trust-level results"). Columns: trust ODS code, period, value, and optionally count and
denominator; a Fingertips-shaped export ("Area Code", "Time period", "Value", "Count",
"Denominator") is accepted too.

A CCG's value is Σ share x trust value over the trusts with a value, divided by Σ share over
those trusts (renormalised), where share is the part of the CCG's population attributed to the
trust (``share_of_ccg_attributed``, SOURCES.md 8d). England is the catchment-population-weighted
mean of the trust values. Every row is marked "attributed from trusts"; there are no limits.
Trust rows are kept in ``model.frames["trust_indicators"]``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.validation import Problems, SourceError, file_row
from data.readers import ReadContext, ReadResult, reader
from data.readers.common import catalogue_entry, conform_values, empty_values, normalise_header, period_start

log = logging.getLogger(__name__)

WEIGHTS_ID = "trust_ccg21_catchment_weights_2019"
WEIGHT_COLUMNS = [
    "trust_code",
    "ccg21_code",
    "ccg21_name",
    "share_of_ccg_attributed",
    "catchment_population_2019",
]
# Role -> accepted headers (compared case-insensitively, whitespace collapsed).
ALIASES: dict[str, tuple[str, ...]] = {
    "trust": ("trust_code", "trust code", "org code", "ods code", "area code"),
    "period": ("period", "time period", "year"),
    "value": ("value", "score"),
    "count": ("count", "numerator"),
    "denominator": ("denominator", "respondents", "denominator count"),
}
REQUIRED_ROLES = ("trust", "period", "value")
ATTRIBUTED = "attributed from trusts"
TRUST_FRAME_COLUMNS = [
    "indicator_id",
    "trust_code",
    "period",
    "value",
    "count",
    "denominator",
    "in_catchment",
]


def find_columns(columns: list[str]) -> dict[str, str | None]:
    """The file's column for each role in ``ALIASES`` (None when absent)."""
    lower = {normalise_header(c).lower(): c for c in columns}
    return {role: next((lower[a] for a in names if a in lower), None) for role, names in ALIASES.items()}


def read_trust_file(path, problems: Problems) -> tuple[pd.DataFrame | None, int]:
    """Checked trust rows (trust_code, period, value, count, denominator); bad rows are Problems.

    Each problem names the file's own column and the cell as written.
    """
    if not path.exists():
        raise SourceError(f"{path.name}: file not found at {path}")
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False).replace({"": None})
    raw.columns = [normalise_header(c) for c in raw.columns]
    rows_read = len(raw)
    cols = find_columns(list(raw.columns))
    missing = [r for r in REQUIRED_ROLES if cols[r] is None]
    for role in missing:
        problems.add(
            f"missing column for the {role} (one of: {', '.join(ALIASES[role])}; columns present: "
            f"{', '.join(raw.columns)})",
            column=role,
        )
    if missing:
        return None, rows_read
    if "Area Type" in raw.columns:  # a Fingertips export: only its trust rows are trust values
        raw = raw[raw["Area Type"].fillna("").str.contains("trust", case=False)]
    frame = pd.DataFrame({role: raw[col] for role, col in cols.items() if col}, index=raw.index)

    def reject(frame: pd.DataFrame, mask: pd.Series, role: str, reason: str) -> pd.DataFrame:
        mask = mask.fillna(False).astype(bool)
        for idx in frame.index[mask.to_numpy()]:
            problems.add(reason, row=file_row(idx), column=cols[role], value=raw.at[idx, cols[role]])
        return frame[~mask.to_numpy()]

    frame["trust"] = frame["trust"].astype("string").str.strip().str.upper()
    frame["period"] = frame["period"].astype("string").str.strip()
    frame = reject(
        frame, ~frame["trust"].str.fullmatch(r"[RTN][0-9A-Z]{2}"), "trust", "not an NHS trust ODS code"
    )
    frame = reject(frame, frame["period"].isna(), "period", "missing value")
    for role in ("value", "count", "denominator"):
        if cols[role] is None:
            frame[role] = np.nan
            continue
        text = frame[role].astype("string").str.replace(",", "", regex=False).str.strip()
        number = pd.to_numeric(text, errors="coerce")
        frame = reject(frame, number.isna() & text.notna(), role, "not a number")
        frame[role] = number.loc[frame.index].astype(float)
        if role == "value":
            frame = reject(frame, frame[role].isna(), role, "missing value")
    frame = reject(frame, frame["denominator"] <= 0, "denominator", "denominator is zero or negative")
    frame = reject(frame, frame["count"] < 0, "count", "count is negative")
    dup = frame.duplicated(["trust", "period"], keep="first")
    frame = reject(frame, dup, "trust", "trust and period listed twice (first kept)")
    return frame.rename(columns={"trust": "trust_code"}), rows_read


def apply_successions(weights: pd.DataFrame, successions: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """The catchment weights with trust codes that have since closed replaced by their successors.

    Each succession is ``{"from": "RW6", "to": "R0A", "ccg21": ["E38000217"], "reason": ...}``;
    with ``ccg21`` it applies to those CCGs' rows only, without it to every remaining row of the
    old code (so list the area-specific rules first: RW6 -> R0A for Manchester, then RW6 -> RM3).
    A successor already serving a CCG gets the old trust's share added to its own. Returns the
    weights (one row per trust and CCG, ``predecessors`` naming what was merged in) and one note
    per rule applied.
    """
    out = weights.copy()
    out["predecessors"] = ""
    notes = []
    for rule in successions:
        old, new = str(rule["from"]).upper(), str(rule["to"]).upper()
        hit = out["trust_code"] == old
        if rule.get("ccg21"):
            hit &= out["ccg21_code"].isin(list(rule["ccg21"]))
        if not hit.any():
            notes.append(f"succession {old} -> {new}: no catchment rows to move")
            continue
        out.loc[hit, "predecessors"] = old
        out.loc[hit, "trust_code"] = new
        notes.append(
            f"succession {old} -> {new}: {int(hit.sum())} CCG rows"
            + (f" ({', '.join(rule['ccg21'])})" if rule.get("ccg21") else "")
            + (f": {rule['reason']}" if rule.get("reason") else "")
        )
    additive = [c for c in ("share_of_ccg_attributed", "catchment_population_2019") if c in out.columns]
    firsts = [c for c in out.columns if c not in (*additive, "trust_code", "ccg21_code", "predecessors")]
    merged = out.groupby(["trust_code", "ccg21_code"], sort=False).agg(
        **{c: (c, "sum") for c in additive},
        **{c: (c, "first") for c in firsts},
        predecessors=("predecessors", lambda p: ",".join(sorted({x for x in p if x}))),
    )
    return merged.reset_index(), notes


def attribute(
    trust_values: pd.DataFrame, weights: pd.DataFrame, by: tuple[str, ...] = ("period",)
) -> pd.DataFrame:
    """CCG 2021 rows: Σ share x value / Σ share over the trusts with a value, per ``by`` (period).

    ``covered`` is Σ share over those trusts (of the share attributed to listed trusts, so 1 when
    every trust serving the CCG has a value). Where the weights carry populations,
    ``covered_share`` is the share of the CCG's residents whose admissions went to trusts with a
    value (``catchment_population_2019`` over ``ccg21_pop_mid2019``: it also counts what the
    catchments attribute to no listed trust). Where ``trust_values`` has ``sigma`` (each trust
    value's standard error), ``sigma`` is that of the attributed value, the trusts independent:
    sqrt(Σ w² sigma²) with the renormalised weights w.
    """
    by = list(by)
    joined = trust_values.merge(weights, on="trust_code", how="inner")
    joined["_wv"] = joined["share_of_ccg_attributed"] * joined["value"]
    has_pop = {"catchment_population_2019", "ccg21_pop_mid2019"} <= set(joined.columns)
    if not has_pop:
        joined["catchment_population_2019"] = np.nan
        joined["ccg21_pop_mid2019"] = np.nan
    has_sigma = "sigma" in joined.columns
    joined["_w2s2"] = joined["share_of_ccg_attributed"] ** 2 * (joined["sigma"] ** 2 if has_sigma else np.nan)
    keys = [*by, "ccg21_code"]
    grouped = joined.groupby([*keys, "ccg21_name"], sort=False)
    out = grouped.agg(
        weighted=("_wv", "sum"),
        covered=("share_of_ccg_attributed", "sum"),
        covered_population=("catchment_population_2019", "sum"),
        population=("ccg21_pop_mid2019", "first"),
        n=("trust_code", "size"),
        _w2s2=("_w2s2", "sum"),
    ).reset_index()
    # "RAA 67%, RBB 33%": each trust's renormalised share, largest first.
    ranked = joined.sort_values([*keys, "share_of_ccg_attributed"], ascending=[True] * len(keys) + [False])
    share = ranked["share_of_ccg_attributed"] / ranked.groupby(keys)["share_of_ccg_attributed"].transform(
        "sum"
    )
    ranked = ranked.assign(
        _t=ranked["trust_code"] + " " + (share * 100).round(0).astype(int).astype(str) + "%"
    )
    out = out.merge(
        ranked.groupby(keys)["_t"].agg(", ".join).rename("trusts").reset_index(), on=keys, how="left"
    )
    out[s.VALUE] = out["weighted"] / out["covered"]
    out["covered_share"] = out["covered_population"] / out["population"] if has_pop else np.nan
    sigma = np.sqrt(out.pop("_w2s2")) / out["covered"]
    if has_sigma:
        out["sigma"] = sigma
    out[s.NOTE] = (
        f"{ATTRIBUTED.capitalize()}: "
        + out["trusts"]
        + "; renormalised over trusts with a value ("
        + (out["covered"] * 100).round(0).astype(int).astype(str)
        + "% of the CCG's catchment share)"
    )
    return out.rename(columns={"ccg21_code": s.AREA_CODE, "ccg21_name": s.AREA_NAME})


def england(trust_values: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """England: the trust values weighted by each trust's catchment population (trusts with a value)."""
    pop = weights.groupby("trust_code")["catchment_population_2019"].sum()
    tv = trust_values.assign(_pop=trust_values["trust_code"].map(pop)).dropna(subset=["_pop"])
    grouped = tv.groupby("period", sort=False)
    out = grouped.apply(lambda g: np.average(g["value"], weights=g["_pop"]), include_groups=False)
    out = out.rename(s.VALUE).reset_index()
    out[s.AREA_CODE], out[s.AREA_NAME] = s.ENGLAND_CODE, s.ENGLAND_NAME
    out[s.NOTE] = (
        f"{ATTRIBUTED.capitalize()}: mean of "
        + grouped.size().reindex(out["period"]).astype(str).to_numpy()
        + " trusts weighted by their 2019 catchment population"
    )
    return out


@reader("trust_indicator")
def read_trust_indicator(ctx: ReadContext) -> ReadResult:
    """One trust-level indicator attributed to CCG 2021 (params: the catalogue fields)."""
    params = ctx.params
    indicator_id = params.get("indicator_id") or ctx.dataset
    problems = Problems(ctx.dataset, ctx.entry["path"])
    trust_values, rows_read = read_trust_file(ctx.path(), problems)
    weights_entry = ctx.manifest[params.get("weights", WEIGHTS_ID)]
    weights = pd.read_csv(ctx.path(weights_entry["id"]), dtype={"trust_code": str, "ccg21_code": str})
    weight_problems = Problems(ctx.dataset, weights_entry["path"])
    if weight_problems.require_columns(weights, WEIGHT_COLUMNS) or trust_values is None:
        # Named in the problems (file and column); the rest of the model loads.
        return ReadResult(
            rows_read=rows_read, values=empty_values(), problems=weight_problems.items + problems.items
        )
    weights, succession_notes = apply_successions(weights, params.get("successions", []))
    known = trust_values["trust_code"].isin(weights["trust_code"])
    for idx, r in trust_values[~known].iterrows():
        problems.add(
            "trust not in the acute-trust catchment weights (acute trusts only, codes of Nov 2021): "
            "its value cannot be attributed to CCGs",
            row=file_row(idx),
            column="trust_code",
            value=r["trust_code"],
        )
    usable = trust_values[known]
    ccg = attribute(usable, weights).assign(**{s.GEOGRAPHY: "ccg21"})
    eng = england(usable, weights).assign(**{s.GEOGRAPHY: "england"})
    values = pd.concat([ccg, eng], ignore_index=True)
    values[s.INDICATOR_ID] = indicator_id
    values[s.PERIOD_START] = values[s.PERIOD].map(lambda p: period_start(str(p)))
    values[s.SEX] = "Persons"
    out = conform_values(values)
    n_ccg = int((out[s.GEOGRAPHY] == "ccg21").sum())
    definition = params.get("definition", "")
    catalogue = [
        catalogue_entry(
            indicator_id,
            name=params.get("name", indicator_id),
            short_name=params.get("short_name", indicator_id),
            domain=str(params.get("domain", "4")),
            unit=params.get("unit", "score"),
            multiplier=float(params.get("multiplier", 1)),
            polarity=params.get("polarity", s.POLARITY_HIGH_GOOD),
            statistic=params.get("statistic", "mean"),
            ci_method="none",
            source=ctx.dataset,
            publisher=ctx.entry.get("publisher", ""),
            licence=ctx.entry.get("licence", ""),
            definition=(
                f"{definition} Published by NHS trust; {ATTRIBUTED}: each CCG's value is the mean of the "
                "values of the acute trusts serving it, weighted by the share of the CCG's population "
                "attributed to each trust (OHID catchments, 2019) and renormalised over the trusts with a "
                "value. England is the catchment-weighted mean of the trust values."
            ).strip(),
            caveats=(
                f"{params.get('caveats', '')} Attributed values are not published CCG results: a trust's "
                "result is shared by every CCG it serves, and limits are not available (areas are coloured "
                "by quintile). Only acute trusts have catchments."
            ).strip(),
            series_breaks=params.get("series_breaks", ()),
        )
    ]
    result = ReadResult(
        rows_read=rows_read,
        values=out,
        catalogue=catalogue,
        problems=weight_problems.items + problems.items,
    )
    frame = trust_values.assign(indicator_id=indicator_id, in_catchment=known)
    result.frames["trust_indicators"] = frame.reindex(columns=TRUST_FRAME_COLUMNS).reset_index(drop=True)
    result.notes += succession_notes
    result.notes.append(
        f"{ctx.dataset}: {len(trust_values)} trust rows, {int((~known).sum())} trusts without a catchment; "
        f"{n_ccg} CCG 2021 rows {ATTRIBUTED}"
    )
    return result
