"""GAN Levers entry point: page config and navigation only.

`streamlit run app.py` reads this file twice. It imports it first (as module `app`) to
find the server, an `st.App` with one extra route, the live chart's feed
(`ui.live_feed`). Then it runs it as each session's script (as `__main__`), which sets the
page config and the navigation.
"""
from pathlib import Path

import streamlit as st

PAGES = [("pages/playground.py", "Playground", ":material/sports_esports:"),
         ("pages/levers.py", "Levers", ":material/tune:"),
         ("pages/mapping.py", "Mapping inspector", ":material/grid_on:"),
         ("pages/discriminator.py", "Discriminator inspector", ":material/troubleshoot:"),
         ("pages/timeline.py", "Training timeline", ":material/movie:"),
         ("pages/compare.py", "Compare seeds", ":material/stacked_bar_chart:")]

if __name__ != "__main__":
    from ui.live_feed import routes

    app = st.App(__file__, routes=routes())
else:
    st.set_page_config(page_title="GAN Levers", page_icon=":material/tune:", layout="wide")
    here = Path(__file__).parent
    pages = [st.Page(path, title=title, icon=icon) for path, title, icon in PAGES
             if (here / path).exists()]
    st.navigation(pages).run()
