"""Streamlit glue shared by the pages: the session's run (by id, in the registry), sidebar `*_ui()` helpers
that return plain values, and the teaching texts. The maths lives in gan_core."""
