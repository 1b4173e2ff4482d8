"""The page layer: for each page, pure functions from (model, selection) to what the page shows.

Figures (``go.Figure`` or its plain dict), tables, the summary sentences and the export parts,
with no Dash: text, links and tables are ``views.content`` elements, which ``layouts.content``
renders. ``callbacks/`` sends these to the browser; ``reports/`` and the export routes print the
same. Derived results are memoised in the shared cache (``views.cache``).
"""
