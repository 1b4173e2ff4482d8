"""Patient experience in a board pack: the tables of the /experience page's story, in words.

The pack opens with patient experience after its cover (issue 17): the sources-agree line, each
source against the pack's comparator, the main hospital trusts of the area's residents, and what is
missing and why. The numbers are the page's (``data.queries.experience.experience``); these are
plain frames for ``reports.pack``'s table pages, one row per source, trust or gap.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from data.queries.experience import ExperienceView

LEAN_WORDS = {
    "below": "below",
    "above": "above",
    "mixed": "mixed (no clear lean)",
    "level": "level",
    "none": "no value",
}


def sources_table(view: ExperienceView) -> pd.DataFrame:
    """One row per source: its lean against the comparator, the items each way, and in words (with
    its significance, or why it is not tested)."""
    leans = view.leans
    counts = [
        f"{int(r.below)} below, {int(r.level)} level, {int(r.above)} above ({int(r.n)} {r.items})"
        if int(r.n) > 1
        else ("one measure" if int(r.n) == 1 else "no value")
        for r in leans.itertuples(index=False)
    ]
    return pd.DataFrame(
        {
            "Source": leans["source"].astype(str),
            "Lean": [LEAN_WORDS.get(str(v), str(v)) for v in leans["lean"]],
            "Items": counts,
            "In words": leans["detail"].astype(str),
        }
    )


def _bands(labels: pd.Series) -> str:
    """'About the same as expected on 11 of 11 sections' or the count of each band, worst first."""
    counts = Counter(str(v) for v in labels.dropna())
    n = sum(counts.values())
    if not n:
        return "no band"
    order = sorted(counts, key=lambda b: ("worse" not in b.lower(), "better" in b.lower(), b))
    return "; ".join(f"{b} on {counts[b]} of {n} sections" for b in order)


def _changes(words: pd.Series) -> str:
    """The change since 2021 in words: one phrase when every section says the same, else counts."""
    counts = Counter(str(v) for v in words.dropna())
    if len(counts) == 1:
        return next(iter(counts))
    return "; ".join(f"{w}: {c}" for w, c in counts.most_common())


def trusts_table(view: ExperienceView) -> pd.DataFrame:
    """One row per main trust (at least 5% of the residents' admissions): its share, CQC's bands
    over the inpatient survey's sections and the change since 2021."""
    trusts = view.inpatient_trusts
    columns = ["Trust", "Share of the area's admissions", "CQC's bands (11 sections)", "Change since 2021"]
    if trusts.empty:
        return pd.DataFrame(columns=columns)
    sections = trusts[trusts["item"].astype(str).str.startswith("S")]
    rows = []
    for (code, name), group in sections.groupby(["trust_code", "trust_name"], sort=False):
        red_red = int(group["red_red"].fillna(False).astype(bool).sum())
        change = _changes(group["trend_2021"])
        if red_red:
            change += f" ({red_red} worse than expected and significantly down)"
        rows.append(
            {
                "Trust": f"{name} ({code})",
                "Share of the area's admissions": f"{100 * float(group['share'].iloc[0]):.0f}%",
                "CQC's bands (11 sections)": _bands(group["band_label"]),
                "Change since 2021": change,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def missing_table(view: ExperienceView) -> pd.DataFrame:
    """What each source lacks for the area, and why (the page's 'What is missing')."""
    gaps = view.missing
    return pd.DataFrame(
        {
            "Source": gaps["source"].astype(str),
            "What": gaps["what"].astype(str),
            "Why": gaps["why"].astype(str),
        }
    )
