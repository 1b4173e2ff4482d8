"""Board packs (PDF and PowerPoint) for three real CCGs, each built once, checked as a reader would.

Kernow (E38000089), Barnsley (E38000006) and North Central London (E38000240): every PDF page
meets the text-size and no-overlap standard; every slide is numbered or is a full chart picture
with alt text; native slide text is at least 9 pt and stays on the slide; the chart pictures,
rendered as SVG at slide size, meet the 14 px standard.
"""

from __future__ import annotations

import io
import re

import pytest
from export_helpers import needs_chromium, pdf_text
from legibility import SvgMeasurer, pdf_problems
from pack_checks import pack_text_problems
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

pytestmark = [pytest.mark.slow, needs_chromium]
AREAS = ("E38000089", "E38000006", "E38000240")
NAMES = {
    "E38000089": "NHS Kernow CCG",
    "E38000006": "NHS Barnsley CCG",
    "E38000240": "NHS North Central London CCG",
}


class Packs(dict):
    """{(area, fmt): response}, each pack rendered once, when a test first asks for it."""

    def __init__(self, client) -> None:
        super().__init__()
        self.client = client

    def __missing__(self, key):
        area, fmt = key
        self[key] = self.client.get(f"/export/pack.{fmt}?areas={area}")
        return self[key]


@pytest.fixture(scope="session")
def packs(export_client) -> Packs:
    return Packs(export_client)


@pytest.fixture(scope="module")
def plan(model):
    from reports.pack import plan_pack
    from views.exports import figure_for

    return plan_pack(model, [AREAS[0]], benchmark="england", ci="95", figure_for=figure_for, link_root="")


def test_plan_sections_in_order(plan, model):
    from reports.pack import PACK_SECTIONS

    # one list: a new section is one entry; patient experience opens the pack after its cover (issue 17)
    assert PACK_SECTIONS[:3] == ["cover", "patient experience", "key messages"]
    titles = [p.title for p in plan]
    bases = list(dict.fromkeys(t.split(" (continued")[0] for t in titles))
    assert bases[:9] == [
        "Board pack: NHS Kernow CCG",
        "Patient experience",
        "Patient experience: each source",
        "Patient experience: the main hospital trusts",
        "Patient experience: what is missing, and why",
        "Key messages",
        "Questions for the board",
        "Early warning",
        "Compared with similar CCGs",
    ]
    assert titles[-1].startswith("Data sources and glossary")
    assert any(t.startswith("Data appendix (") for t in titles)
    spine_titles = [t for t in titles if t.endswith(": spine chart")]
    # the outcome domains in one spine chart (over as many pages as it needs), context last
    assert spine_titles[0] == "Outcome indicators: spine chart"
    context_at = titles.index("Context: spine chart")
    assert all(not t.startswith("Outcome") and ": compared" not in t for t in titles[context_at:])
    # every key indicator: one comparison page, no region overflow pages
    assert not any(re.search(r"compared \(\d+ of \d+\)", t) for t in titles)
    assert all(p.number == f"Page {i} of {len(plan)}" for i, p in enumerate(plan, start=1))
    charts = [p for p in plan if p.kind == "chart"]
    assert charts and all(p.alt and len(p.alt) > 60 for p in charts)
    assert all(p.provenance.page_label == p.number for p in charts)
    assert not any("127.0.0.1" in p.provenance.link or "localhost" in p.provenance.link for p in charts)


def test_trends_only_with_three_periods(plan, model):
    from data.queries.rows import indicator_periods

    for page in plan:
        if page.title.endswith(": trend"):
            link = page.provenance.link
            ind = re.search(r"indicator=([^&]+)", link).group(1)
            assert len(indicator_periods(model, ind, "ccg21")) >= 3


def _messages(model, area, benchmark="england", peers=None):
    from data.queries.comparator import comparator_for
    from reports.messages import key_messages

    comp = comparator_for(model, benchmark, focus=area, peer_set=peers)
    return key_messages(model, [area], {area: NAMES[area]}, {area: comp})


@pytest.mark.parametrize("area", AREAS)
def test_key_messages_lead_with_the_warnings(model, area):
    """Key messages are the early-warning list's rows (every red-red among them, whatever its
    domain), in order: worse and getting worse, worse now, worse, better; history after current."""
    from data.queries.alerts import area_alerts
    from reports.messages import lead_sentences, summary_lines

    key = _messages(model, area)
    alerts = area_alerts(model, area)
    for group in ("red-red", "worse now", "worse"):
        want = set(alerts.loc[alerts["group"] == group, "indicator_id"])
        assert set(key.loc[key["message"] == group, "indicator_id"]) == want, group
    rank = {"red-red": 0, "worse now": 1, "worse": 2, "better": 3}
    order = list(zip(key["history"].astype(int), key["message"].map(rank), strict=True))
    assert order == sorted(order)  # current first, then history; within each, the warnings first
    sentences = lead_sentences(key)
    worst = key[key["message"] != "better"]
    if len(worst):  # the page's first sentence is its worst warning, not a better-than
        assert "significantly worse than" in sentences[0]
    for _, row in key.iterrows():  # every value with its unit, the benchmark's value, period and age
        assert row["period"] and row["age_text"].startswith(("ended", "runs"))
    lines = summary_lines(key)
    assert len(lines) == 3
    assert lines[0].startswith(
        f"Worse than the benchmark and getting worse: {int((key['message'] == 'red-red').sum())}"
    )


def test_north_central_londons_red_red_leads_its_key_messages(model):
    """NCL's one red-red (GP appointments not attended, against the 49 CCGs with data) is the first
    sentence, marked context and history (its data ended in 2021)."""
    from reports.messages import lead_sentences, questions

    key = _messages(model, AREAS[2])
    first = lead_sentences(key)[0]
    assert first.startswith(
        "GP appointments not attended (%) (context): NHS North Central London CCG is significantly worse than 49 of 106 CCGs with data (5.35% against 4.03%, +1.32 percentage points; 2021-08"
    )
    assert "history" in first and first.endswith("and getting worse.")
    assert any(q.startswith("GP appointments not attended (%) (context)") for q in questions(key))


def test_barnsley_worse_now_rows_say_why(model):
    from reports.messages import display_table

    key = _messages(model, AREAS[1], "peers", "rightcare")
    table = display_table(key, several_areas=False, main="NHS Barnsley CCG's 10 RightCare similar CCGs")
    now = table[table["Message"].str.contains("worse now", case=False)]
    assert set(now["Indicator"]) == {
        "Smoking prevalence 15+ (QOF) (context)",
        "Unplanned admissions, chronic ACSC",
    }
    assert set(now["Recent trend"]) == {"No trend: 3 of 5 points", "No trend: 1 of 5 points"}
    assert (table["Value"].str.match(UNIT_VALUE) & table["Benchmark"].str.match(UNIT_VALUE)).all()


UNIT_VALUE = r"^(£[\d,.\-]+|-?[\d,.]+(%| per 100,000| score 0-10| ratio))( \(.*\))?$"


def test_cover_link_is_the_selection_only(model, monkeypatch):
    from reports.decorate import wrap
    from reports.pack import plan_pack
    from views.exports import figure_for

    root = "https://outcomes.example.nhs.uk"
    pages = plan_pack(
        model,
        [AREAS[1]],
        benchmark="peers",
        ci="95",
        figure_for=figure_for,
        link_root=root,
        peers="rightcare",
    )
    online = next(p for p in pages[0].paragraphs if p.startswith("Online"))
    link = online.split(": ", 1)[1]
    assert link == f"{root}/spine?areas={AREAS[1]}&benchmark=peers&peers=rightcare"
    for width in (200, 300, 420):  # never broken inside a word: the lines join back into the link
        lines = wrap(online, width, 16)
        at = next(i for i, line in enumerate(lines) if "https" in line)
        joined = "".join(lines[at:])
        assert joined[joined.index("https") :] == link
        words = set(online.split())
        for a, b in zip(lines, lines[1:], strict=False):  # a break inside a word leaves a non-word
            assert a.split()[-1] in words or a.endswith(("&", "?", "/")), (a, b)


@pytest.mark.parametrize("area", AREAS)
def test_pack_pdf_is_legible_and_complete(packs, area, tmp_path, model):
    response = packs[(area, "pdf")]
    assert response.status_code == 200, response.data[:300]
    problems = pdf_problems(response.data, name=f"pack {area}")
    assert not problems, "\n".join(problems[:20])
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.data)
    text = " ".join(pdf_text(path).split())
    n_pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    for i in range(1, n_pages + 1):
        assert f"Page {i} of {n_pages}" in text
    for part in (
        f"Board pack: {NAMES[area]}",
        "Key messages",
        "Questions for the board",
        "spine chart",
        "Context: spine chart",
        "Data appendix (1 of",
        "Data sources:",
        "Data sources and glossary",
        "Open Government Licence v3.0",
        "outcome indicators (Domains 1-5) and",
    ):
        assert part in text, part
    assert "127.0.0.1" not in text and "localhost" not in text
    problems = pack_text_problems(response.data, model, area)
    assert not problems, "\n".join(problems[:20])


def test_barnsley_peers_pack_pdf(export_client, model):
    """The same checks for a peers pack (RightCare's similar CCGs): one comparator, named."""
    response = export_client.get(f"/export/pack.pdf?areas={AREAS[1]}&benchmark=peers&peers=rightcare")
    assert response.status_code == 200, response.data[:300]
    problems = pack_text_problems(response.data, model, AREAS[1], "peers", "rightcare")
    assert not problems, "\n".join(problems[:20])
    from pack_checks import page_lines

    text = " ".join(" ".join(p) for p in page_lines(response.data))
    assert "NHS Barnsley CCG's RightCare similar CCGs" in text and "each area's own" not in text


def _boxes(slide):
    return [
        (sh, sh.left, sh.top, sh.left + sh.width, sh.top + sh.height)
        for sh in slide.shapes
        if sh.shape_type != MSO_SHAPE_TYPE.PICTURE
    ]


@pytest.mark.parametrize("area", AREAS)
def test_pack_pptx_numbered_alt_text_and_fits(packs, area):
    response = packs[(area, "pptx")]
    assert response.status_code == 200, response.data[:300]
    deck = Presentation(io.BytesIO(response.data))
    width, height = deck.slide_width, deck.slide_height
    slides = list(deck.slides)
    n = len(slides)
    for i, slide in enumerate(slides, start=1):
        pictures = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if pictures:
            assert len(list(slide.shapes)) == 1  # the chart is the slide (its footer carries the number)
            alt = pictures[0]._element.nvPicPr.cNvPr.get("descr")
            assert alt and len(alt) > 60, f"slide {i} has no alt text"
            assert pictures[0].image.size[0] >= 1600
            continue
        texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        assert f"Page {i} of {n}" in texts
        boxes = _boxes(slide)
        for shape, left, top, right, bottom in boxes:
            assert left >= 0 and top >= 0 and right <= width and bottom <= height, f"slide {i}: {shape.name}"
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames = [c.text_frame for row in shape.table.rows for c in row.cells]
                assert bottom + Emu(_table_growth(shape)) <= height, f"slide {i}: table runs off"
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        assert run.font.size is not None and run.font.size.pt >= 9
        for j, (a, *ra) in enumerate(boxes):
            for b, *rb in boxes[j + 1 :]:
                apart = ra[2] <= rb[0] or rb[2] <= ra[0] or ra[3] <= rb[1] or rb[3] <= ra[1]
                assert apart, f"slide {i}: {a.name} overlaps {b.name}"
    assert slides[0].shapes[0].text_frame.text.startswith(f"Board pack: {NAMES[area]}")
    titles = [s.shapes[0].text_frame.text for s in slides if s.shapes and s.shapes[0].has_text_frame]
    # patient experience opens the pack after its cover (issue 17), then the key messages
    assert titles[1].startswith("Patient experience")
    assert any(t.startswith("Key messages") for t in titles[:12])
    # a table continues only onto slides its rows need: no slide whose rows would have fitted the one before
    for i, slide in enumerate(slides[1:], start=1):
        title = slide.shapes[0].text_frame.text if slide.shapes[0].has_text_frame else ""
        tables = [sh for sh in slide.shapes if sh.has_table]
        before = [sh for sh in slides[i - 1].shapes if sh.has_table]
        if "(continued" in title and tables and before:
            first_row = tables[0].table.rows[1].height
            bottom = before[0].top + before[0].height
            assert bottom + first_row > height - Emu(914400 * 0.6), (
                f"slide {i + 1}: its first row fitted slide {i}"
            )
    # every section heading has content under it (a heading is never a slide's last line)
    for i, slide in enumerate(slides, start=1):
        if not any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in slide.shapes):
            body = [
                sh
                for sh in list(slide.shapes)[1:]
                if not (sh.has_text_frame and sh.text_frame.text.startswith("Page "))
            ]
            assert body, f"slide {i} is only a title"


def _table_growth(shape) -> int:
    """EMU a table grows past its drawn height once PowerPoint wraps its cells (0.55 em glyphs)."""
    table = shape.table
    total = 0
    for row in table.rows:
        need = 0
        for cell, col in zip(row.cells, table.columns, strict=True):
            size = max((r.font.size.pt for p in cell.text_frame.paragraphs for r in p.runs), default=12)
            per_line = max(1, int((col.width / 12700 - 10) / (size * 0.55)))
            lines = -(-len(cell.text_frame.text) // per_line) or 1
            need = max(need, int((lines * size * 1.2 + 4) * 12700))
        total += max(row.height, need)
    return max(0, total - shape.height)


def test_pack_chart_pictures_meet_the_slide_standard(model):
    """The PowerPoint's chart pictures are these figures at 1600 x 900: their SVGs are legible."""
    from reports.decorate import SIZES, decorate
    from reports.pack import plan_pack
    from reports.render import get_renderer
    from views.exports import figure_for

    size = SIZES["slide"]
    pages = plan_pack(
        model, [AREAS[1]], benchmark="england", ci="95", figure_for=figure_for, link_root="", size=size
    )
    charts = [p for p in pages if p.kind == "chart"]
    svgs = get_renderer().render_many(
        [(decorate(p.figure, p.provenance, size), "svg", size.width, size.height, 1.0) for p in charts]
    )
    measurer = SvgMeasurer()
    try:
        problems = [
            pr for p, svg in zip(charts, svgs, strict=True) for pr in measurer.problems(svg, name=p.title)
        ]
    finally:
        measurer.close()
    assert not problems, "\n".join(problems[:20])
