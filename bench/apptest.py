"""AppTest as a real server runs a script: one script cache for the life of the app.

Streamlit's AppTest builds a new ScriptCache for every run, so every run compiles app.py and the page
again (Streamlit's "magic" rewrites each script's syntax tree first). A server compiles each script once.
The benches measure the server's work, so they share one cache across runs; a larger page is then not
charged for its own compilation on every warm run.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def one_script_cache():
    """Within the block, every AppTest run shares one ScriptCache, as `streamlit run` does."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    saved = app_test.ScriptCache, local_script_runner.ScriptCache
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    try:
        yield shared
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache = saved
