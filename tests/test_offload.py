"""Worker processes: a job's result comes back; a worker that dies costs no work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path


def die_in_a_worker(parent: int, value: str) -> str:
    """Returns ``value``, but kills the process it runs in unless that is ``parent``."""
    if os.getpid() != parent:
        os._exit(1)
    return value


def loaded(*modules: str) -> list[str]:
    """Which of ``modules`` the process it runs in has imported."""
    return [name for name in modules if name in sys.modules]


def run_jobs(code: str) -> dict:
    """Run ``code`` (which sets ``out``) inside the crawl's reactor, in a fresh process."""
    script = textwrap.dedent(
        """
        import json, os
        from policyradar.crawler import offload
        from policyradar.crawler.runner import run_in_reactor
        from tests.test_offload import die_in_a_worker, loaded

        async def main():
            out = {}
        %s
            offload.shutdown()
            return out

        print(json.dumps(run_in_reactor(main)))
        """
    ) % textwrap.indent(textwrap.dedent(code), "    ")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return {**json.loads(done.stdout.splitlines()[-1]), "log": done.stderr}


def test_a_job_runs_in_a_worker_process_and_its_result_comes_back() -> None:
    got = run_jobs(
        """
        out["pid"] = await offload.run(1, os.getpid)
        out["here"] = os.getpid()
        out["stats"] = offload.STATS["getpid"]
        """
    )
    assert got["pid"] != got["here"]
    assert got["stats"][0] == 1  # one job counted, with the worker's CPU time


def test_a_worker_that_dies_leaves_the_job_to_the_crawl_process() -> None:
    got = run_jobs(
        """
        out["first"] = await offload.run(1, die_in_a_worker, os.getpid(), "done anyway")
        out["second"] = await offload.run(1, die_in_a_worker, os.getpid(), "and the next")
        """
    )
    assert (got["first"], got["second"]) == ("done anyway", "and the next")
    assert "a worker process died" in got["log"]


def test_no_workers_runs_the_job_in_the_crawl_process() -> None:
    got = run_jobs('out["same"] = await offload.run(0, os.getpid) == os.getpid()')
    assert got["same"] is True


def test_a_worker_imports_what_its_jobs_need_and_not_the_crawl(tmp_path: Path) -> None:
    """Scrapy, Twisted, SQLite's wrappers and pkg_resources (which jieba would import) are
    ~50 MB a process that a worker never uses.
    """
    code = """
        from datetime import UTC, datetime
        from pathlib import Path
        from policyradar.text.pagetext import Page, page_text
        from policyradar.crawler.jobs import analyse_change
        from policyradar.tagging import ChangeText

        body = "亚马逊将于12月15日起调整FBA配送费。" * 20
        html = f"<html><body><article><p>{body}</p></article></body></html>"
        page = Page(html=html, text="", title="FBA", url="http://a.test/1")
        text = (await offload.run(1, page_text, page)).text
        change = ChangeText(
            kind="new", title="FBA 配送费调整", added=text, removed="", published_at=None,
            detected_at=datetime.now(UTC), language="zh",
        )
        tags, indexed = await offload.run(1, analyse_change, Path(HOME), change)
        out["categories"], out["indexed"] = tags.categories, indexed[1]
        heavy = ("scrapy", "twisted", "sqlite_utils", "policyradar.storage", "pkg_resources")
        out["worker"] = await offload.run(1, loaded, *heavy)
    """
    got = run_jobs(code.replace("HOME", repr(str(tmp_path))))
    assert "fees" in got["categories"]
    assert "配送" in got["indexed"].split()
    assert got["worker"] == []


def test_a_new_page_brings_its_key_facts_and_index_text_back_from_extraction() -> None:
    """`page_text_job` reads a page new to the store as far as it can without a classifier: its
    facts are the ones `document_facts` finds in its text and its index text is `index_text` of
    it; a known page or an anomaly has neither.
    """
    from policyradar.crawler.jobs import page_text_job
    from policyradar.search.index import index_text
    from policyradar.tagging.facts import document_facts
    from policyradar.text.pagetext import Page

    body = "<p>自2027年1月15日起，FBA配送费由3.02美元调整为3.15美元。</p>" * 3
    page = Page(
        html=f"<html><body><article>{body}</article></body></html>",
        text="",
        title="FBA",
        url="http://a.test/1",
    )
    result, new_page = page_text_job(page, True)
    assert new_page is not None
    assert new_page.facts == tuple(document_facts(result.text))
    assert [(f.old, f.new) for f in new_page.facts] == [("$3.02", "$3.15")]
    assert new_page.index_text == index_text(result.text)
    assert "配送" in new_page.index_text.split()
    assert page_text_job(page, False)[1] is None
    shell = Page(
        html="<html><body><p>登录</p><p>手机号</p><p>密码</p><p>忘记密码</p></body></html>",
        text="",
        title="登录",
        url="http://a.test/2",
    )
    shell_result, shell_page = page_text_job(shell, True)
    assert shell_result.anomaly == "login wall"
    assert shell_page is None
