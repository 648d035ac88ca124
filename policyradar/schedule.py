"""Daily slots in their time zones, and a scheduler that runs one job per slot, one at a time.

`policyradar serve --schedule` runs the crawl and the digests (``policyradar run``) this way
beside the web UI. The clock and the wait are given to :class:`Scheduler`, so a test can drive
it with a clock of its own instead of waiting for the time of day.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)
MAX_NAP = 60.0  # seconds slept at a time: a changed clock or a suspend is noticed within this
_AT_RE = re.compile(r"^(?:daily\s+)?(\d{1,2}):(\d{2})$")


class ScheduleError(ValueError):
    """A slot that is not ``HH:MM`` (or ``daily HH:MM``), or an unknown time zone."""


@dataclass(frozen=True, slots=True)
class Slot:
    """Every day at ``at`` in the zone ``tz``."""

    at: time
    tz: ZoneInfo

    @classmethod
    def parse(cls, text: str, tz: str) -> Slot:
        match = _AT_RE.match(text.strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ScheduleError(f"{text!r} is not a time of day such as 07:30")
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"unknown time zone {tz!r} (e.g. Asia/Shanghai)") from None
        return cls(time(int(match[1]), int(match[2])), zone)

    def next_after(self, now: datetime) -> datetime:
        """The first moment of this slot strictly after ``now`` (aware, in the slot's zone)."""
        local = now.astimezone(self.tz)
        day: date = local.date()
        while True:
            moment = datetime.combine(day, self.at, tzinfo=self.tz)
            if moment > now:
                return moment
            day += timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.tz.key}"


def next_slot(slots: Iterable[Slot], now: datetime) -> datetime:
    """The earliest moment of any slot after ``now``."""
    return min(slot.next_after(now) for slot in slots)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """Runs ``job`` at every slot, one run at a time, until :meth:`stop`.

    A run that is still going when a slot comes makes that slot pass (logged): runs never
    overlap. A run that fails (an exception, or a non-zero result) is logged, and the next slot
    runs as usual. ``clock`` tells the time; ``wait(seconds)`` sleeps and returns True when
    asked to stop.
    """

    def __init__(
        self,
        slots: Iterable[Slot],
        job: Callable[[], int],
        *,
        clock: Callable[[], datetime] = utcnow,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        self.slots = tuple(slots)
        if not self.slots:
            raise ScheduleError("no slot to run at")
        self.job = job
        self.clock = clock
        self._stopped = threading.Event()
        self.wait = wait or self._stopped.wait
        self.runs: list[tuple[datetime, int | None]] = []  # (when it started, its result)

    def stop(self) -> None:
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def run_forever(self, *, limit: int | None = None) -> None:
        """Wait for each slot and run the job then; ``limit`` ends after that many runs."""
        while not self.stopped and (limit is None or len(self.runs) < limit):
            due = next_slot(self.slots, self.clock())
            logger.info("next run at %s", due.isoformat(timespec="minutes"))
            if not self._sleep_until(due):
                return
            self.run_once(due)

    def run_once(self, due: datetime) -> int | None:
        """Run the job for the slot ``due`` now; its result, or None when it raised."""
        started = self.clock()
        result: int | None
        try:
            result = self.job()
        except Exception:  # a failed run must not end the schedule; the next slot retries
            logger.exception("the run for %s failed", due.isoformat(timespec="minutes"))
            result = None
        else:
            if result:
                logger.error(
                    "the run for %s ended with exit code %s; the next slot runs again",
                    due.isoformat(timespec="minutes"),
                    result,
                )
        self.runs.append((started, result))
        ended = self.clock()
        missed = next_slot(self.slots, due)
        if missed <= ended:  # slots that came while the run went on are not made up
            logger.warning(
                "the run took until %s: the slot at %s passed without a second run",
                ended.isoformat(timespec="minutes"),
                missed.isoformat(timespec="minutes"),
            )
        return result

    def _sleep_until(self, due: datetime) -> bool:
        """Sleep until ``due`` by naps of at most a minute; False when stopped meanwhile."""
        while True:
            left = (due - self.clock()).total_seconds()
            if left <= 0:
                return not self.stopped
            if self.wait(min(left, MAX_NAP)):
                return False
