"""GP FFT wherever it is coloured: by value (not better or worse) by default, NHS England's caveat
where the colours are, categories only where a person asks (``categories=on``), the caveat beside them."""

from __future__ import annotations

from data.model import schema as s
from views import practices as vpractices
from views.content import texts

KERNOW = "E38000089"
CAVEAT = "should not be used to compare or rank providers"


def words(node) -> str:
    return " ".join(" ".join(texts(node)).split())


def test_practices_page_fft_not_compared_unless_asked(app_ctx, state_for):
    plain = state_for(f"?indicator=gp_fft_positive&areas={KERNOW}", page="practices")
    notes, fig, _pcns, _table = vpractices.practices_outputs(plain)
    text = words(notes)
    assert "Not compared by default" in text and CAVEAT in text and "Show categories anyway" in text
    _, rows, _, _ = vpractices.practice_view(plain, "gp_fft_positive")
    assert set(rows["category"]) == {s.NOT_COMPARED}
    assert not any("limit" in str(t.get("name", "")).lower() for t in fig["data"])  # no funnel
    asked = state_for(f"?indicator=gp_fft_positive&areas={KERNOW}&categories=on", page="practices")
    notes, fig, _pcns, _table = vpractices.practices_outputs(asked)
    text = words(notes)
    assert "Categories shown because asked for" in text and CAVEAT in text and "Hide the categories" in text
    assert any("limit" in str(t.get("name", "")).lower() for t in fig["data"])  # the funnel, asked for
    _, rows, _, _ = vpractices.practice_view(asked, "gp_fft_positive")
    assert s.WORSE in set(rows["category"])  # Petroc Group Practice, 36.3%


def test_practices_page_sources_say_where_each_measure_comes_from(app_ctx, state_for):
    rate = vpractices.practice_source("gp_fft_response_rate")
    assert rate.startswith("GP Friends and Family Test, February 2026 (NHS England")
    assert "registered patients: QOF 2022/23 list sizes" in rate and "not compared or put on a funnel" in rate
    assert vpractices.practice_source("qof_hyp").startswith("QOF 2022/23 (NHS Digital")
    assert "funnel limits around England" in vpractices.practice_source("qof_hyp")
