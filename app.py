"""GAN Levers entry point: page config and navigation only."""
from pathlib import Path

import streamlit as st

st.set_page_config(page_title="GAN Levers", page_icon=":material/tune:", layout="wide")

PAGES = [("pages/playground.py", "Playground", ":material/sports_esports:"),
         ("pages/levers.py", "Levers", ":material/tune:"),
         ("pages/mapping.py", "Mapping inspector", ":material/grid_on:"),
         ("pages/discriminator.py", "Discriminator inspector", ":material/troubleshoot:"),
         ("pages/timeline.py", "Training timeline", ":material/movie:")]
here = Path(__file__).parent
pages = [st.Page(path, title=title, icon=icon) for path, title, icon in PAGES
         if (here / path).exists()]
st.navigation(pages).run()
