"""Streamlit glue shared by the pages: the session's Trainer, sidebar `*_ui()` helpers
that return plain values, and the teaching texts. The maths lives in gan_core."""
