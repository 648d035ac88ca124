"""A local HTTP server that replays snapshot directories of a web site, for the demo and the tests.

Modules: ``routes`` (``_routes.toml``, file lookup, content types, conditional GETs), ``replies``
(replies and request records), ``handler`` (the HTTP server and handler), ``server``
(``SiteServer``), ``templates`` (``{{base}}``) and ``cli`` (``python -m policyradar.demo.site``).

``SiteServer(root)`` serves ``root/<snapshot>/`` on ``127.0.0.1`` at an OS-chosen port.
Switching ``server.snapshot`` from ``"s1"`` to ``"s2"`` makes the same URLs answer with the next
version of the site, so a crawl of s1 followed by a crawl of s2 exercises new, changed and
removed documents.

A request for ``/a/b?x=1`` ignores the query and serves ``a/b``, else ``a/b.html``, else
``a/b/index.html``; anything else is a 404. Text files (HTML, XML, JSON, text) have ``{{base}}``
replaced by the server's base URL and ``{{date+5d|zh}}``-style placeholders by a day relative to
the server's ``today`` (see ``templates``). Every 200 carries an ``ETag`` (a hash of the bytes
sent) and a ``Last-Modified`` derived from the snapshot name, and a matching ``If-None-Match`` (or,
without one, an ``If-Modified-Since`` at or after ``Last-Modified``) gets ``304 Not Modified``.

``root/<snapshot>/_routes.toml`` (never served) overrides single paths; a key containing ``*``
matches one path segment per ``*`` (``**`` crosses ``/``)::

    [routes."/flaky/page"]
    status = 503                    # sent with the file if there is one, else with a small body
    [routes."/help/page"]
    redirect = "{{base}}/ap/signin?return_to=x"   # 302 (or `status` if 3xx) with this Location
    [routes."/article/*"]
    content_type = "text/html"      # the exact header value: here no charset, like cifnews
    [routes."/gbk/page"]
    encoding = "gbk"                # the file is stored as UTF-8 and encoded with gbk when sent
    [routes."/slow/*"]
    delay = 0.2                     # seconds to wait before answering
    [routes."/api/list"]
    methods = ["POST"]              # allowed methods (default GET; HEAD goes with GET)
    conditional = false             # no ETag / Last-Modified / 304
    headers = { "Retry-After" = "120" }
"""

from policyradar.demo.site.cli import main
from policyradar.demo.site.replies import RequestRecord
from policyradar.demo.site.routes import ROUTES_FILE, Route
from policyradar.demo.site.server import SiteServer
from policyradar.demo.site.templates import (
    BASE_PLACEHOLDER,
    DEMO_ROOT,
    DEMO_TODAY,
    render_base,
    render_dates,
    write_sources,
)

__all__ = [
    "BASE_PLACEHOLDER",
    "DEMO_ROOT",
    "DEMO_TODAY",
    "ROUTES_FILE",
    "RequestRecord",
    "Route",
    "SiteServer",
    "main",
    "render_base",
    "render_dates",
    "write_sources",
]
