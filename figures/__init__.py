"""Pure plotly figure builders: data frames in, ``go.Figure`` out (no dash, no data loading)."""
