"""GAN Levers entry point: page config and navigation only."""
from pathlib import Path

import streamlit as st

st.set_page_config(page_title="GAN Levers", page_icon="🎛️", layout="wide")

PAGES = [("pages/playground.py", "Playground", "🎮"), ("pages/levers.py", "Levers", "🎚️"),
         ("pages/mapping.py", "Mapping inspector", "🗺️"),
         ("pages/discriminator.py", "Discriminator inspector", "🔍"),
         ("pages/timeline.py", "Training timeline", "🎞️")]
here = Path(__file__).parent
pages = [st.Page(path, title=title, icon=icon) for path, title, icon in PAGES
         if (here / path).exists()]
st.navigation(pages).run()
