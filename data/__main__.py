"""Command line: ``python -m data {fetch,build,indicators,export,inventory,problems}``."""

from __future__ import annotations

import argparse
import logging
import sys

import pandas as pd

from data.model import schema as s


def _model(args: argparse.Namespace):
    from data.model.store import get_model

    return get_model(rebuild=getattr(args, "rebuild", False))


def cmd_fetch(args: argparse.Namespace) -> int:
    from data.model.fetch import FetchError, fetch_all
    from data.model.manifest import load_manifest
    from data.model.settings import get_settings

    data_dir = get_settings().data_dir
    try:
        fetched = fetch_all(args.source, data_dir, load_manifest(), quiet=args.quiet)
    except FetchError as exc:
        print(f"fetch failed: {exc}", file=sys.stderr)
        return 1
    print(f"fetched {len(fetched)} files into {data_dir}", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    model = _model(args)
    print(
        f"model {model.fingerprint}: {len(model.indicators)} indicator rows, {len(model.catalogue)} indicators, "
        f"{len(model.problems)} problems",
        file=sys.stderr,
    )
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    model = _model(args)
    cat = model.catalogue.reset_index()
    out = pd.DataFrame(
        {
            "indicator_id": cat[s.INDICATOR_ID],
            "name": cat["name"],
            "domain": cat["domain"],
            "unit": cat["unit"],
            "polarity": cat["polarity"],
            "statistic": cat["statistic"],
            "geographies": cat["geographies"].str.replace(",", ";"),
            "periods": cat["periods"]
            .str.split("|")
            .map(lambda p: f"{p[0]} .. {p[-1]} ({len(p)})" if len(p) > 1 else p[0]),
            "source": cat["source"],
            "coverage": cat[s.INDICATOR_ID].map(_coverage(model)).fillna(""),
            "trust_values": cat[s.INDICATOR_ID].map(_trust_values(model)).fillna(""),
            "compare": cat.get("compare", s.COMPARE_CATEGORIES),
            "in_summaries": cat.get("in_summaries", True),
        }
    )
    out.to_csv(sys.stdout, index=False)
    return 0


def _coverage(model) -> dict[str, str]:
    """Indicator -> "106 of 106 ccg21 (2022)": areas with a value in the latest period at home."""
    frame = model.frames.get("indicator_catalogue")
    if frame is None:
        return {}
    return {
        r[
            s.INDICATOR_ID
        ]: f"{r['coverage_n']} of {r['coverage_of']} {r['home_geography']} ({r['coverage_period']})"
        for _, r in frame.iterrows()
    }


def _trust_values(model) -> dict[str, str]:
    """Indicator -> "133 trusts (126 with a score); 106 ccg21 areas with a covered share" (IP22)."""
    items, areas = model.frames.get("ip22_items"), model.frames.get("ip22_areas")
    if items is None or items.empty:
        return {}
    shares = {}
    if areas is not None and not areas.empty:
        with_share = areas[areas["covered_share"].notna()]
        shares = with_share.groupby(s.INDICATOR_ID)[s.AREA_CODE].nunique().to_dict()
        comparable = areas[areas["sound"].astype(bool)].groupby(s.INDICATOR_ID)[s.AREA_CODE].nunique()
    return {
        r[s.INDICATOR_ID]: (
            f"{r['n_trusts']} trusts ({r['n_scored']} with a score); "
            f"{shares.get(r[s.INDICATOR_ID], 0)} ccg21 areas attributed with a covered share, "
            f"{int(comparable.get(r[s.INDICATOR_ID], 0)) if shares else 0} comparable"
        )
        for _, r in items.iterrows()
    }


def cmd_export(args: argparse.Namespace) -> int:
    from data.queries.rows import UnknownSelection, fingertips_frame, resolve, view_rows

    model = _model(args)
    try:
        sel = resolve(model, args.indicator_id, args.period, args.geography, args.sex)
    except UnknownSelection as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = view_rows(model, sel)
    fingertips_frame(model, sel, rows).to_csv(sys.stdout, index=False)
    return 0


def cmd_inventory(args: argparse.Namespace) -> int:
    model = _model(args)
    inv = model.inventory
    out = sys.stdout
    out.write(f"Data inventory (model {model.fingerprint})\n")
    for kind, group in inv.groupby("kind", sort=False):
        out.write(f"\n== {kind} ({len(group)} files)\n")
        for _, r in group.iterrows():
            out.write(f"- {r['dataset']}  [{r['path']}]  {r['file_status']}\n")
            details = [f"rows read {r['rows_read']}", f"rejected {r['rows_rejected']}"]
            if r["reader"]:
                details.append(f"reader {r['reader']}")
            if r["indicators"]:
                details.append(f"{r['indicators']} indicators")
            out.write("    " + ", ".join(details) + "\n")
            for label in ("rejections", "matched", "periods", "notes"):
                if r[label]:
                    out.write(f"    {label}: {r[label]}\n")
    out.write("\n== coverage on CCG 2021\n")
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == "ccg21", s.AREA_CODE])
    on_map = {f["id"] for f in model.geojson.get("ccg21", {}).get("features", [])}
    demo = set(model.demographics.index) if not model.demographics.empty else set()
    ind = model.indicators
    qof = set(
        ind.loc[(ind[s.GEOGRAPHY] == "ccg21") & ind[s.INDICATOR_ID].str.startswith("qof_"), s.AREA_CODE]
    )
    out.write(
        f"  areas {len(ccg21)}; with boundaries {len(ccg21 & on_map)}/{len(ccg21)}; "
        f"with demographics {len(ccg21 & demo)}/{len(ccg21)}; with QOF values {len(ccg21 & qof)}/{len(ccg21)}\n"
    )
    out.write("\n== build notes\n")
    for note in model.build_notes:
        out.write(f"  {note}\n")
    out.write(f"\n{len(model.problems)} rows rejected in all; `python -m data problems` lists them.\n")
    return 0


def cmd_problems(args: argparse.Namespace) -> int:
    model = _model(args)
    model.problems.to_csv(sys.stdout, index=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fetch", help="copy the manifest's files from a mirror into the data root")
    p.add_argument("--from", dest="source", required=True, help="http(s) base URL or folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_fetch)
    p = sub.add_parser("build", help="build (or rebuild) the cached model")
    p.add_argument("--rebuild", action="store_true", help="ignore the cache")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("indicators", help="CSV of every indicator")
    p.set_defaults(func=cmd_indicators)
    p = sub.add_parser("export", help="CSV of one indicator in Fingertips' columns")
    p.add_argument("indicator_id")
    p.add_argument("--period")
    p.add_argument("--geography")
    p.add_argument("--sex")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("inventory", help="readable summary per dataset")
    p.set_defaults(func=cmd_inventory)
    p = sub.add_parser("problems", help="CSV of every rejected row")
    p.set_defaults(func=cmd_problems)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.func(args)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
