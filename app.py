"""GAN Levers entry point: page config and navigation only.

`streamlit run app.py` reads this file twice. It imports it first (as module `app`) to
find the server, an `st.App` with two extra routes, the live chart's feed (`ui.live_feed`)
and the charts' plotly.js (`ui.plotly_source`), and starts importing the heavy modules in
the background (`ui.warmup`).
Then it runs it as each session's script (as `__main__`), which sets the page config and
the navigation.
"""
from pathlib import Path

import streamlit as st

# (file, catalogue key of its title, icon)
PAGES = [("pages/playground.py", "nav.playground", ":material/sports_esports:"),
         ("pages/levers.py", "nav.levers", ":material/tune:"),
         ("pages/mapping.py", "nav.mapping", ":material/grid_on:"),
         ("pages/discriminator.py", "nav.discriminator", ":material/troubleshoot:"),
         ("pages/timeline.py", "nav.timeline", ":material/movie:"),
         ("pages/compare.py", "nav.compare", ":material/stacked_bar_chart:"),
         ("pages/lessons.py", "nav.lessons", ":material/school:")]

if __name__ != "__main__":
    import sys

    from gan_core import registry, workers
    from ui import live_feed, plotly_source, warmup
    from ui.session import server_lifespan

    workers.read_flags(sys.argv[1:])  # `streamlit run app.py -- --ray-address ADDRESS --workers N`
    registry.server()  # a bad GAN_LEVERS_RUN_GRACE / GAN_LEVERS_MAX_RUNS stops the start here
    workers.check_settings()  # and so does a bad GAN_LEVERS_WORKERS / _WORKER_SLOTS
    warmup.start()  # torch & co. load while the server starts, not in the first session
    routes = live_feed.routes() + plotly_source.routes(live_feed.base_path())
    app = st.App(__file__, routes=routes, lifespan=server_lifespan)
else:
    from ui.i18n import language_ui, read_language, t, write_language
    from ui.projector import projector_ui
    from ui.warmup import first_paint

    here = Path(__file__).parent
    # A file, not ":material/tune:": Streamlit's frontend fetches a material favicon from
    # fonts.gstatic.com on every page load, which fails (and logs errors) offline. An SVG
    # file is inlined as a data: URL, so the icon never leaves the machine.
    st.set_page_config(page_title="GAN Levers", page_icon=str(here / "ui/static/favicon.svg"),
                       layout="wide")
    read_language()  # ?lang=zh, before the first text is written
    # A page's URL comes from its file name, so a link works whatever the language.
    pages = [st.Page(path, title=t(key), icon=icon) for path, key, icon in PAGES
             if (here / path).exists()]
    page = st.navigation(pages)  # the menu first: a fresh server would list pages/ files
    write_language()
    with st.sidebar:
        language_ui()  # on every page, under the menu
    first_paint()  # waits (with a spinner) for the warm-up's imports
    projector_ui()  # a sidebar toggle on every page, kept in the URL
    page.run()
