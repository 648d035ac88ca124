"""``serve``: the web UI on this machine."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING, Any

import click

from policyradar.cli.common import EXIT_USAGE, fail
from policyradar.i18n import t

if TYPE_CHECKING:
    from pathlib import Path


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
@click.option(
    "--schedule",
    is_flag=True,
    help="Also crawl and send the digests (`policyradar run`) every day at the --at times, one"
    " run at a time.",
)
@click.option(
    "--at",
    "times",
    multiple=True,
    metavar="HH:MM",
    envvar="POLICYRADAR_SCHEDULE_AT",
    help="With --schedule: a time of day to run at (repeatable) [env POLICYRADAR_SCHEDULE_AT,"
    " space-separated; default: each subscription's schedule, else 07:30].",
)
@click.option(
    "--timezone",
    "zone",
    default="Asia/Shanghai",
    show_default=True,
    envvar="POLICYRADAR_TIMEZONE",
    help="With --schedule: the time zone of --at [env POLICYRADAR_TIMEZONE].",
)
@click.pass_obj
def serve(
    obj: Any,
    host: str,
    port: int,
    token: str | None,
    schedule: bool,
    times: tuple[str, ...],
    zone: str,
) -> None:
    """Serve the web UI: timeline, search, diffs, version history, sources, Atom feeds, JSON API.

    With --schedule, also run the crawl and the due digests every day at the --at times (or at
    each subscription's `schedule`, in its time zone): the long-running mode for a server or a
    container, instead of cron.
    """
    from policyradar.web.security import check_listen, is_loopback

    problem = check_listen(host, token)
    if problem:
        fail(problem, EXIT_USAGE)
    obj.storage().close()  # a database that cannot be opened ends the command here, not per page
    job = start_schedule(obj, times, zone) if schedule else None
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
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        if job is not None:
            job.shutdown()


def start_schedule(obj: Any, times: tuple[str, ...], zone: str) -> RunJob:
    """`policyradar run` at the slots, in a scheduler thread; a bad slot ends the command."""
    import threading

    from policyradar.schedule import ScheduleError, Scheduler, Slot

    try:
        if times:
            slots = [Slot.parse(at, zone) for text in times for at in text.split()]
        else:
            subs = obj.config().subscriptions
            slots = [Slot.parse(s.schedule, s.timezone) for s in subs] or [
                Slot.parse(DEFAULT_AT, zone)
            ]
    except ScheduleError as exc:
        fail(str(exc), EXIT_USAGE)
    slots = sorted(set(slots), key=str)
    runner = RunJob(obj.home, obj.lang)
    scheduler = Scheduler(slots, runner)
    runner.scheduler = scheduler
    click.echo(t("schedule_on", obj.lang, slots=", ".join(map(str, slots))), err=True)
    threading.Thread(target=scheduler.run_forever, name="schedule", daemon=True).start()
    return runner


DEFAULT_AT = "07:30"


class RunJob:
    """One ``policyradar run`` (crawl, then the due digests) in a child process.

    A crawl runs in a process of its own: Twisted's reactor starts once per process, memory goes
    back when it ends, and a crash cannot take the web UI down. Its output goes to this
    process's, so a container's log shows each run's summary.
    """

    def __init__(self, home: Path, lang: str) -> None:
        self.home, self.lang = home, lang
        self.scheduler: Any = None
        self.child: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        home, lang = str(self.home), self.lang
        return [sys.executable, "-m", "policyradar.cli.main", "--home", home, "--lang", lang, "run"]

    def shutdown(self) -> None:
        """No more runs; a run in progress is stopped (a killed crawl is resumed by the next)."""
        if self.scheduler is not None:
            self.scheduler.stop()
        child = self.child
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()

    def __call__(self) -> int:
        self.child = subprocess.Popen(self.command())  # noqa: S603 (our own command)
        try:
            while True:
                try:
                    return self.child.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    if self.scheduler is not None and self.scheduler.stopped:
                        self.child.terminate()  # the crawl is crash-safe; the next run resumes
                        return self.child.wait(timeout=30)
        finally:
            self.child = None
