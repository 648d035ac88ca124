"""The corpus' language-model reading (tests/corpus/news/llm_reading.py) against a real
OpenAI-compatible HTTP server on 127.0.0.1 (written here): a model that answers with the corpus'
own labels scores every target in full, so the reading is asked, parsed and counted as the
classifier is; replies outside the labelling rules are no reading, named, and fail the run.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from tests.test_news_accuracy import ITEMS, KINDS, is_held_back

if TYPE_CHECKING:
    from collections.abc import Iterator

sys.path.insert(0, str(Path(__file__).parent / "corpus" / "news"))
import llm_reading

KEY = "sk-test-reading-0123456789"


def _two_of_each_kind(held_back: bool) -> list[dict[str, Any]]:
    part = [i for i in ITEMS if is_held_back(i["id"]) == held_back]
    return [i for kind in KINDS for i in [j for j in part if j["kind"] == kind][:2]]


TUNING, HELD = _two_of_each_kind(held_back=False), _two_of_each_kind(held_back=True)
BY_ADDRESS = {(i["url"], i["title"], i.get("text", "")[:200]): i for i in TUNING + HELD}
SLOPPY = (
    '{"categories": ["shipping"], "kind": "rule", "effective_dates": []}',
    '{"categories": ["fees"], "kind": "ad", "effective_dates": []}',
    '{"categories": ["fees"], "kind": "rule", "effective_dates": ["next Monday"]}',
    "It is a fee change.",
)


class Reader(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions: ``oracle`` with the item's corpus labels (fenced as
    Markdown every other time), ``sloppy`` outside the rules.
    """

    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Reader.requests.append(body)
        quoted = body["messages"][1]["content"].split("<data>\n", 1)[1].split("\n</data>")[0]
        data = json.loads(quoted)
        item = BY_ADDRESS[data["url"], data["title"], data["text"][:200]]
        if body["model"] == "sloppy":
            content = SLOPPY[TUNING.index(item) % len(SLOPPY)] if item in TUNING else "?"
        else:
            labels = {k: item[k] for k in ("categories", "kind", "effective_dates")}
            content = json.dumps(labels, ensure_ascii=False)
            if len(Reader.requests) % 2:
                content = f"```json\n{content}\n```"
        answer = {"choices": [{"message": {"role": "assistant", "content": content}}]}
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    Reader.requests.clear()
    monkeypatch.setattr(llm_reading, "ITEMS", TUNING + HELD)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Reader)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("TEST_READING_KEY", KEY)
    (tmp_path / "sources.toml").write_text("", encoding="utf-8")
    (tmp_path / "config.toml").write_text(
        "[llm]\nenabled = true\n"
        f'base_url = "http://127.0.0.1:{httpd.server_address[1]}/v1"\n'
        'model = "oracle"\napi_key_env = "TEST_READING_KEY"\nretries = 0\n',
        encoding="utf-8",
    )
    yield tmp_path
    httpd.shutdown()
    httpd.server_close()


def use_model(home: Path, model: str) -> None:
    config = home / "config.toml"
    config.write_text(config.read_text().replace('"oracle"', f'"{model}"'), encoding="utf-8")


def run(home: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    cache = home / "cache.jsonl"
    code = llm_reading.main(["--home", str(home), "--cache", str(cache)])
    return code, capsys.readouterr().out


def test_the_labelling_rules_are_the_readers_section_of_the_corpus_readme() -> None:
    rules = llm_reading.labelling_rules()
    assert rules.startswith("## Labelling rules")
    assert "Promotions are `other`" in rules
    assert "## The held-back part" not in rules


def test_a_reading_that_matches_the_labels_scores_every_target_in_full(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(home, capsys)

    assert code == 0
    rows = {line.split(" | ")[0]: line.split(" | ")[1:] for line in out.splitlines()}
    for name in ("category", "rule_high_medium", "promo_recall", "dates"):
        for cell in rows[name][1::2]:  # the model's column of each part: "hits/total"
            hits, total = cell.split(" · ")[0].split("/")
            assert hits == total, (name, rows[name])
    for name in ("news_high", "rule_promo"):
        assert all(cell.startswith("0/") for cell in rows[name][1::2]), rows[name]
    sent = Reader.requests[0]["messages"]
    assert "Labelling rules" in sent[0]["content"]
    assert TUNING[0]["id"] not in sent[1]["content"]  # the item goes without its id or labels
    assert KEY not in out


def test_readings_are_cached_so_a_second_run_asks_nothing_even_after_a_cut_line(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first_code, first = run(home, capsys)
    asked = len(Reader.requests)
    with (home / "cache.jsonl").open("a", encoding="utf-8") as cache:
        cache.write('{"model": "oracle", "id": "n1-cut-sh')  # a run stopped mid-write
    second_code, second = run(home, capsys)

    assert asked == 16
    assert len(Reader.requests) == asked
    assert (first_code, first) == (second_code, second)


def test_replies_outside_the_rules_are_no_reading_and_fail_the_run(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    use_model(home, "sloppy")

    code, out = run(home, capsys)

    assert code == 1
    assert "16 items without a reading (8 held back)" in out
    assert "categories: unknown ids ['shipping']" in out
    assert "kind: 'ad' is none of rule, notice, news, promo" in out
    assert "effective_dates: 'next Monday' is no YYYY-MM-DD date" in out
    assert "the reply is not a JSON object" in out
    assert not any(i["id"] in out for i in HELD)  # held-back items are counted, never named
