"""``serve``: the web UI on this machine."""

from __future__ import annotations

from typing import Any

import click

from policyradar.cli.common import EXIT_USAGE, fail
from policyradar.i18n import t


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback needs --token.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8750,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--token",
    envvar="POLICYRADAR_TOKEN",
    metavar="T",
    help="Access token every request must carry (Authorization: Bearer T, or ?token=T"
    " once in a browser) [env POLICYRADAR_TOKEN].",
)
@click.pass_obj
def serve(obj: Any, host: str, port: int, token: str | None) -> None:
    """Serve the web UI: timeline, search, diffs, version history, sources, Atom feeds, JSON API."""
    from policyradar.web.security import check_listen, is_loopback

    problem = check_listen(host, token)
    if problem:
        fail(problem, EXIT_USAGE)
    import uvicorn

    from policyradar.web.app import LOOPBACK_HOSTS, create_app

    app = create_app(
        obj.database,
        lang=obj.lang,
        token=token,
        allowed_hosts=LOOPBACK_HOSTS if is_loopback(host) else ["*"],
        home=obj.home,
    )
    shown = f"[{host}]" if ":" in host else host
    click.echo(t("serving", obj.lang, url=f"http://{shown}:{port}/"), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
