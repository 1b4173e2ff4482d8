"""The /api page: what the data API offers, with examples in curl, Python (pandas) and R.

Written from the same endpoint declarations as the routes and the OpenAPI document, so every
example on the page is a URL the API answers (a test calls each one).
"""

from __future__ import annotations

from html import escape

from api.spec import COMMON_PARAMS, LIST_PARAMS, PREFIX, Endpoint

STYLE = """
body.api-doc{font-family:"Liberation Sans",Arial,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#212b32;line-height:1.45}
.api-doc h1{font-size:1.8rem}.api-doc h2{margin-top:2rem;border-top:1px solid #d8dde0;padding-top:1rem}
.api-doc code,.api-doc pre{font-family:"DejaVu Sans Mono",monospace;font-size:.9rem}
.api-doc pre{background:#f0f4f5;padding:.8rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.api-doc table{border-collapse:collapse;width:100%}.api-doc td,.api-doc th{border:1px solid #d8dde0;
padding:.3rem .5rem;text-align:left;vertical-align:top}
"""


def examples(base: str) -> dict[str, str]:
    """The runnable examples (base: the API's root URL, e.g. https://outcomes.example.nhs.uk)."""
    data = f"{base}{PREFIX}/indicators/gp_fft_positive/data"
    return {
        "curl": (
            f"curl -s '{base}{PREFIX}/indicators?domain=4'\n"
            f"curl -s '{data}?geography=ccg21&areas=E38000089&benchmark=region'\n"
            f"curl -s -H 'Accept: text/csv' '{data}?geography=ccg21' > fft.csv"
        ),
        "python": (
            "import pandas as pd\n\n"
            f'BASE = "{base}{PREFIX}"\n'
            'fft = pd.read_csv(f"{BASE}/indicators/gp_fft_positive/data?geography=ccg21&format=csv")\n'
            'print(fft[["area_name", "value", "lower", "upper", "comparator", "category"]].head())'
        ),
        "r": (
            f'base <- "{base}{PREFIX}"\n'
            'fft <- read.csv(paste0(base, "/indicators/gp_fft_positive/data?geography=ccg21&format=csv"))\n'
            'head(fft[, c("area_name", "value", "lower", "upper", "comparator", "category")])'
        ),
    }


def _params(endpoint: Endpoint) -> str:
    rows = []
    for p in (*endpoint.params, *COMMON_PARAMS, *(LIST_PARAMS if endpoint.listing else ())):
        where = "path" if p.where == "path" else "query"
        example = f"<code>{escape(p.example)}</code>" if p.example else ""
        rows.append(
            f"<tr><td><code>{escape(p.name)}</code></td><td>{where}</td>"
            f"<td>{escape(p.description)}</td><td>{example}</td></tr>"
        )
    return (
        "<table><thead><tr><th>parameter</th><th>in</th><th>meaning</th><th>example</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def api_page(endpoints: tuple[Endpoint, ...], base: str = "") -> str:
    shown = base or "https://outcomes.example.nhs.uk"
    ex = examples(shown)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Data API: CCG Outcomes Explorer</title>",
        f"<link rel='stylesheet' href='{PREFIX}/api.css'></head><body class='api-doc'><main>",
        "<h1>Data API</h1>",
        "<p>Every statistic the explorer's pages show, for scripts in R, Python or Excel: values with "
        "their confidence limits, the comparator named as it really is and its value, the category, "
        "the recent trend, the quintile and the notes. Read-only and public (Open Government "
        "Licence v3.0). JSON by default; CSV with <code>format=csv</code> or "
        "<code>Accept: text/csv</code>. Lists take <code>limit</code> and <code>offset</code> "
        "(<code>links.next</code> and a <code>Link</code> header give the next page); without "
        "<code>limit</code> every row comes back, streamed. Answers carry an <code>ETag</code> and "
        "<code>Last-Modified</code> from the data version (send <code>If-None-Match</code> to get a "
        "304), gzip when asked, and <code>Access-Control-Allow-Origin: *</code>. An unknown or "
        "invalid parameter is a 400 whose JSON error names it. Requests are rate-limited per "
        "client (429 with <code>Retry-After</code>).</p>",
        f"<p>The machine-readable description: <a href='{PREFIX}/openapi.json'>"
        f"<code>{PREFIX}/openapi.json</code></a> (OpenAPI 3.1).</p>",
        "<h2>Examples</h2>",
        f"<h3>curl</h3><pre>{escape(ex['curl'])}</pre>",
        f"<h3>Python (pandas)</h3><pre>{escape(ex['python'])}</pre>",
        f"<h3>R</h3><pre>{escape(ex['r'])}</pre>",
        "<h2>Endpoints</h2>",
    ]
    for ep in endpoints:
        url = ep.example_url()
        parts += [
            f"<h3><code>GET {escape(ep.path)}</code></h3>",
            f"<p>{escape(ep.summary)}. {escape(ep.description)}</p>",
            f"<p>Example: <a href='{escape(url)}'><code>{escape(url)}</code></a></p>",
            _params(ep),
        ]
    parts.append("</main></body></html>")
    return "\n".join(parts)
