"""Board-ready exports: chart images with provenance, data files and board packs.

Pure of Dash: callers hand in plotly figures (built by the same builders as the app)
and the selection they came from; ``reports.render`` drives kaleido + Debian's Chromium.
"""
