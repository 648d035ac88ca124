"""Terminal output in the reader's language, sized by display width (a Chinese character is two
cells): status words from the word table, the title given the room, diffs wrapped by width
without cutting a word or leaving a ``+``/``~`` marker alone on its line.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from rich.cells import cell_len
from rich.console import Console

from policyradar.display import (
    change_text,
    changes_table,
    failure_lines,
    run_table,
    sources_table,
    wrap_offsets,
)
from policyradar.records import Change, ChangeKind, Outcome, RunSource, Urgency
from policyradar.text.diffing import diff_text, diff_to_json

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ENGLISH_STATUS = re.compile(r"\b(new|changed|unchanged|removed|error|high|medium|low)\b")
# Real headlines from the gs.amazon.cn and AMZ123 fixtures (tests/fixtures/sources/*/expected.toml)
TITLE_ZH = "亚马逊欧洲站9月1日起强制填写MRN/EORI，未完善将影响泛欧库存调拨"
PARAGRAPH = (
    "自2026年3月1日起，亚马逊将对品牌Transparency计划收取新的服务费，卖家需要在Seller Central"
    "的“品牌”页面确认授权，否则相关商品可能被暂停销售。"
)


def render(renderable: object, width: int = 120) -> str:
    console = Console(width=width, record=True, color_system=None, highlight=False)
    console.print(renderable)
    return console.export_text()


def change(**kw: object) -> Change:
    values: dict = {
        "id": 7,
        "source_id": "amz123-kx",
        "url": "https://www.amz123.com/kx/1283455",
        "title": TITLE_ZH,
        "kind": ChangeKind.NEW,
        "detected_at": NOW,
        "published_at": NOW,
        "added": PARAGRAPH,
        "removed": "",
        "categories": ["tax_customs", "fba"],
        "urgency": Urgency.HIGH,
    }
    values.update(kw)
    return Change(**values)


def outcomes() -> list[RunSource]:
    dns = "network unreachable: cannot resolve api.amz123.com"
    return [
        RunSource(run_id=1, source_id="gs-amazon-cn-news", outcome=Outcome.CHANGED, new=3),
        RunSource(run_id=1, source_id="amz123-headlines", outcome=Outcome.UNCHANGED, unchanged=8),
        RunSource(
            run_id=1,
            source_id="amz123-kx",
            outcome=Outcome.ERROR,
            errors=1,
            error=f"{dns} — https://api.amz123.com/ugc/v1/user_content/kx_list",
        ),
        RunSource(
            run_id=1,
            source_id="noise-503",
            outcome=Outcome.ERROR,
            errors=1,
            error="HTTP 503 — https://x.test/a",
        ),
    ]


def test_zh_tables_carry_no_english_status_word() -> None:
    kinds = [change(kind=k, id=n) for n, k in enumerate(ChangeKind)]
    text = render(changes_table(kinds, "zh")) + render(run_table(outcomes(), "zh"))
    ids = re.compile(r"amz123[\w.-]*|gs-amazon-cn-news|noise-503|https://\S+")
    assert not ENGLISH_STATUS.search(ids.sub("", text)), text
    for word in ("新增", "修改", "删除", "有变更", "无变化", "出错", "高"):
        assert word in text, word
    assert "网络不可达：无法解析 api.amz123.com" in text.replace("\n", "")
    english = render(changes_table(kinds, "en")) + render(run_table(outcomes(), "en"))
    assert {"new", "changed", "removed", "unchanged", "error"} <= set(
        ENGLISH_STATUS.findall(english)
    )


def test_one_line_per_failing_source_with_the_reason_once() -> None:
    lines = [line.plain for line in failure_lines(outcomes(), "zh")]
    assert lines == [
        "✗ amz123-kx  网络不可达：无法解析 api.amz123.com",  # the host is in the reason: no URL
        "✗ noise-503  服务器返回 HTTP 503 — https://x.test/a",
    ]
    assert next(line.plain for line in failure_lines(outcomes(), "en")) == (
        "✗ amz123-kx  network unreachable: cannot resolve api.amz123.com"
    )


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_the_title_gets_the_room_the_short_columns_leave(width: int) -> None:
    rows = [change(id=n, source_id="amazon-policy-changes-us") for n in range(3)]
    text = render(changes_table(rows, "zh", width=width), width=width)
    lines = text.splitlines()
    header = lines[0]
    assert all(cell_len(line) <= width for line in lines)
    title_cells = width - cell_len(header[: header.index("标题")])
    assert title_cells >= {80: 24, 100: 28, 120: 40, 160: 70}[width], (title_cells, text)
    title_lines = max(1, -(-cell_len(TITLE_ZH) // title_cells))
    assert len(lines) <= 2 + 3 * max(title_lines + 1, 3), text  # a row is a few lines, no more


def test_wrapping_breaks_between_chinese_characters_never_inside_an_english_word() -> None:
    for width in (12, 20, 33, 50):
        breaks = wrap_offsets(PARAGRAPH, width)
        pieces = [
            PARAGRAPH[a:b] for a, b in zip([0, *breaks], [*breaks, len(PARAGRAPH)], strict=True)
        ]
        assert "".join(pieces) == PARAGRAPH
        assert all(cell_len(piece.rstrip()) <= width for piece in pieces), (width, pieces)
        for word in ("Transparency", "Seller", "Central", "2026"):
            assert any(word in piece for piece in pieces), (width, word, pieces)
        assert not any(piece.startswith(("，", "。", "”")) for piece in pieces), pieces


def test_show_wraps_under_its_marker_by_display_width() -> None:
    old = "亚马逊物流配送费：小号标准尺寸商品的配送费由3.02美元调整为3.06美元。"
    new = old.replace("3.06", "3.15") + "\n" + PARAGRAPH
    diff = diff_text(old, new)
    assert diff is not None
    edited = change(kind=ChangeKind.CHANGED, diff=diff_to_json(diff), added=new, removed=old)
    for width in (40, 60):
        text = render(change_text(edited, "zh", width=width), width=width)
        body = text.split("\n\n", 1)[1]
        lines = body.rstrip("\n").splitlines()
        assert all(cell_len(line) <= width for line in lines)
        assert not [line for line in lines if line.strip() in {"+", "-", "~"}]  # never alone
        assert all(line[:2] in {"+ ", "- ", "~ ", "  "} for line in lines), lines
        assert "Transparency" in body
        joined = body.replace("\n  ", "")
        assert "3.[-06" in joined
        assert "{+15" in joined


def test_sources_table_shows_the_last_outcome_in_chinese() -> None:
    from policyradar.config import Source

    sources = [
        Source(id="amz123-kx", kind="api", name="AMZ123 快讯", url="https://api.amz123.com/")
    ]
    last = {"amz123-kx": (outcomes()[2], "2026-03-01T08:00:00+00:00")}
    text = render(sources_table(sources, last, "zh"))
    assert "出错 (2026-03-01 08:00)" in text
    assert "error" not in text
