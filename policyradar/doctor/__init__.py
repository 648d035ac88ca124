"""``policyradar doctor``: can this home crawl and deliver? One line a check, with the fix."""

from __future__ import annotations

from policyradar.doctor.checks import FAIL, OK, WARN, Check, failed, run_checks

__all__ = ["FAIL", "OK", "WARN", "Check", "failed", "run_checks"]
