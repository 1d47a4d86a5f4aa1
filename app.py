"""GAN Levers entry point: page config and navigation only.

`streamlit run app.py` reads this file twice. It imports it first (as module `app`) to
find the server, an `st.App` with one extra route, the live chart's feed
(`ui.live_feed`), and starts importing the heavy modules in the background (`ui.warmup`).
Then it runs it as each session's script (as `__main__`), which sets the page config and
the navigation.
"""
from pathlib import Path

import streamlit as st

PAGES = [("pages/playground.py", "Playground", ":material/sports_esports:"),
         ("pages/levers.py", "Levers", ":material/tune:"),
         ("pages/mapping.py", "Mapping inspector", ":material/grid_on:"),
         ("pages/discriminator.py", "Discriminator inspector", ":material/troubleshoot:"),
         ("pages/timeline.py", "Training timeline", ":material/movie:")]

if __name__ != "__main__":
    from ui import warmup
    from ui.live_feed import routes

    warmup.start()  # torch & co. load while the server starts, not in the first session
    app = st.App(__file__, routes=routes())
else:
    from ui.warmup import first_paint

    st.set_page_config(page_title="GAN Levers", page_icon=":material/tune:", layout="wide")
    here = Path(__file__).parent
    pages = [st.Page(path, title=title, icon=icon) for path, title, icon in PAGES
             if (here / path).exists()]
    page = st.navigation(pages)  # the menu first: a fresh server would list pages/ files
    first_paint()  # waits (with a spinner) for the warm-up's imports
    page.run()
