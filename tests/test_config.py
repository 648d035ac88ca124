"""Loading sources.toml / config.toml: each problem exits 2 naming the file, source and field."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from policyradar.cli.main import cli
from policyradar.config import ConfigError, load_config
from policyradar.home import describe_fields, load_home

if TYPE_CHECKING:
    from pathlib import Path

VALID = """
[[source]]
id = "policy-page"
kind = "page"
url = "https://sellercentral.amazon.com/gp/help/external/help.html?itemID=G1791"
"""


def write(tmp_path: Path, text: str, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> ConfigError:
    write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_home(tmp_path)
    return info.value


def test_a_valid_source_loads_with_defaults(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    (source,) = load_home(tmp_path).sources
    assert source.kind == "page"
    assert source.enabled is True
    assert source.entry_urls == (
        "https://sellercentral.amazon.com/gp/help/external/help.html?itemID=G1791",
    )


def test_body_and_remove_take_one_selector_or_a_list(tmp_path: Path) -> None:
    write(tmp_path, VALID + "[source.selectors]\nbody = '#a'\nremove = ['.x', '.y']\n")
    (source,) = load_home(tmp_path).sources
    assert source.selectors.body == ("#a",)
    assert source.selectors.remove == (".x", ".y")


ERRORS = [
    ("unknown kind", VALID.replace('"page"', '"pagee"'), "kind", "unknown kind 'pagee'"),
    ("missing kind", VALID.replace('kind = "page"\n', ""), "kind", "missing required key"),
    ("unknown key", VALID + 'urll = "https://x.example"\n', "urll", "did you mean 'url'"),
    ("missing url", VALID.replace("url = ", "# url = "), "url", "missing required key"),
    (
        "bad url",
        VALID.replace("https://sellercentral", "htp:/sellercentral"),
        "url",
        "not an http(s) URL",
    ),
    (
        "logged-in url",
        VALID.replace("/gp/help/external/help.html?itemID=G1791", "/ap/signin"),
        "url",
        "logged-in area",
    ),
    (
        "bad selector",
        VALID + '[source.selectors]\nbody = "div[[oops"\n',
        "selectors.body",
        "does not parse",
    ),
    (
        "bad remove selector",
        VALID + "[source.selectors]\nremove = ['.ok', 'div[[oops']\n",
        "selectors.remove",
        "does not parse",
    ),
    ("empty body", VALID + '[source.selectors]\nbody = [""]\n', "selectors.body", "empty CSS"),
    (
        "unknown nested key",
        VALID + "[source.selectors]\nbodyy = 'p'\n",
        "selectors.bodyy",
        "did you mean 'body'",
    ),
    ("bad regex", VALID + "ignore = ['(unclosed']\n", "ignore", "bad regular expression"),
    ("wrong type", VALID + "enabled = 'yes'\n", "enabled", "must be true or false"),
    ("bad id", VALID.replace('"policy-page"', '"Policy Page"'), "id", "lowercase slug"),
    (
        "listing without link",
        VALID.replace('"page"', '"listing"'),
        "selectors.link",
        "needs a link selector",
    ),
    (
        "unknown adapter",
        VALID.replace('"page"', '"api"') + 'adapter = "nope"\n',
        "adapter",
        "unknown adapter",
    ),
    (
        "unknown adapter param",
        VALID.replace('"page"', '"api"') + 'adapter = "amz123-kx"\n[source.params]\nlookback = 1\n',
        "params",
        "lookback",
    ),
    (
        "id gap below one",
        VALID + "[source.filters]\nmax_id_gap = 0\n",
        "filters.max_id_gap",
        "at least 1",
    ),
    (
        "politeness out of range",
        VALID + "[source.politeness]\nconcurrency = 50\n",
        "politeness.concurrency",
        "between 1 and 8",
    ),
]


@pytest.mark.parametrize(("case", "toml", "field", "words"), ERRORS, ids=[e[0] for e in ERRORS])
def test_each_config_error_names_file_source_and_field(
    tmp_path: Path, case: str, toml: str, field: str, words: str
) -> None:
    error = error_of(tmp_path, toml)
    message = str(error)
    assert str(tmp_path / "sources.toml") in message
    assert error.field_name == field
    assert f"field '{field}'" in message
    assert words in message
    if case != "bad id":
        assert "source 'policy-page'" in message


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    error = error_of(tmp_path, VALID + VALID)
    assert "duplicate id 'policy-page'" in str(error)
    assert error.field_name == "id"


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    error = error_of(tmp_path, "[[source]\nid = 1")
    assert "invalid TOML" in str(error)
    assert "line 1" in str(error)


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("download_delay = -1", "field 'crawl.download_delay': must be between 0 and 600 seconds"),
        (
            "download_delay = inf",
            "crawl.download_delay': must be between 0 and 600 seconds, not inf",
        ),
        ("download_delay = 1e9", "crawl.download_delay': must be between 0 and 600"),
        ("download_delay = nan", "crawl.download_delay': must be between 0 and 600"),
        ("max_size_mb = inf", "crawl.max_size_mb': must be more than 0 and at most 1024"),
        ("max_size_mb = 0", "crawl.max_size_mb': must be more than 0"),
        ("timeout = 0", "crawl.timeout': must be between 1 and 600 seconds"),
        ("retry_times = 1000", "crawl.retry_times': must be between 0 and 10"),
        ("retry_backoff = -inf", "crawl.retry_backoff': must be between 0 and 300"),
        ("concurrency_per_domain = 64", "crawl.concurrency_per_domain': must be between 1 and 8"),
    ],
)
def test_crawl_settings_are_range_checked(tmp_path: Path, setting: str, words: str) -> None:
    write(tmp_path, VALID)
    write(tmp_path, f"[crawl]\n{setting}\n", "config.toml")
    with pytest.raises(ConfigError, match=re.escape(words)) as err:
        load_config(tmp_path)
    assert str(err.value).startswith(str(tmp_path / "config.toml"))


@pytest.mark.parametrize(
    ("snippet", "words"),
    [
        ('url = "http://example.com:99999/x"', "field 'url': port out of range (1-65535)"),
        ("[source.politeness]\ndelay = inf", "field 'politeness.delay': must be between 0 and 600"),
        ("[source.politeness]\ndelay = 1e9", "field 'politeness.delay': must be between 0 and 600"),
    ],
)
def test_source_values_are_range_checked(tmp_path: Path, snippet: str, words: str) -> None:
    toml = '[[source]]\nid = "p"\nkind = "page"\n'
    toml += snippet if snippet.startswith("url") else f'url = "https://example.com/"\n{snippet}'
    write(tmp_path, toml)
    with pytest.raises(ConfigError, match=re.escape(words)):
        load_config(tmp_path)


def test_a_sources_file_saved_as_gbk_is_read_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    toml = '[[source]]\nid = "gs"\nkind = "page"\nname = "亚马逊全球开店公告"\nurl = "https://gs.amazon.cn/news"\n'
    (tmp_path / "sources.toml").write_bytes(toml.encode("gbk"))
    assert load_config(tmp_path).sources[0].name == "亚马逊全球开店公告"
    assert "not UTF-8; read it as GB18030" in caplog.text


def test_a_file_in_another_encoding_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_bytes(b'[[source]]\nid = "p"\nname = "caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"sources.toml: not UTF-8 \(at byte \d+\)"):
        load_config(tmp_path)


def test_the_number_of_worker_processes_is_checked(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    write(tmp_path, "[crawl]\nworkers = 64\n", "config.toml")
    with pytest.raises(ConfigError, match=r"field 'crawl.workers': must be between 0 and 16"):
        load_config(tmp_path)
    write(tmp_path, "[crawl]\nworkers = 0\n", "config.toml")
    assert load_config(tmp_path).crawl.workers == 0


def test_cli_exits_2_with_the_message_on_a_bad_config(tmp_path: Path) -> None:
    write(tmp_path, VALID.replace('"page"', '"pagee"'))
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "sources"])
    assert result.exit_code == 2
    assert "source 'policy-page': field 'kind': unknown kind 'pagee'" in result.output


def test_cli_exits_2_when_the_home_has_no_sources(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "empty"), "sources"])
    assert result.exit_code == 2
    assert "policyradar init" in result.output


def test_every_field_has_help() -> None:
    for table, entries in describe_fields().items():
        for name, text in entries:
            assert text, f"{table}.{name} has no help"
