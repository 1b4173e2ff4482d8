"""Boundary loading, repair, simplification and vintage crosswalks, run when the model is built."""
