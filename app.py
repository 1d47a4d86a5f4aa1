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
         ("pages/timeline.py", "Training timeline", ":material/movie:"),
         ("pages/compare.py", "Compare seeds", ":material/stacked_bar_chart:"),
         ("pages/lessons.py", "Lessons", ":material/school:")]

if __name__ != "__main__":
    from gan_core import registry
    from ui import warmup
    from ui.live_feed import routes
    from ui.session import server_lifespan

    registry.server()  # a bad GAN_LEVERS_RUN_GRACE / GAN_LEVERS_MAX_RUNS stops the start here
    warmup.start()  # torch & co. load while the server starts, not in the first session
    app = st.App(__file__, routes=routes(), lifespan=server_lifespan)
else:
    from ui.warmup import first_paint

    here = Path(__file__).parent
    # A file, not ":material/tune:": Streamlit's frontend fetches a material favicon from
    # fonts.gstatic.com on every page load, which fails (and logs errors) offline. An SVG
    # file is inlined as a data: URL, so the icon never leaves the machine.
    st.set_page_config(page_title="GAN Levers", page_icon=str(here / "ui/static/favicon.svg"),
                       layout="wide")
    pages = [st.Page(path, title=title, icon=icon) for path, title, icon in PAGES
             if (here / path).exists()]
    page = st.navigation(pages)  # the menu first: a fresh server would list pages/ files
    first_paint()  # waits (with a spinner) for the warm-up's imports
    page.run()
