"""The command line: exit codes, one-line errors, and the JSON shapes scripts rely on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from occasional import make_engine
from occasional.cli import cli
from occasional.demo import NewsWeb, run_news_web

ARTICLE_FIELDS = {
    "id", "url", "canonical_url", "source", "source_title", "title", "published", "text",
    "source_links", "copy_of", "original_url", "original_reason", "story",
}  # fmt: skip
PAGE_FIELDS = {
    "title", "text", "authors", "published", "canonical_url", "language", "source_links",
}  # fmt: skip


@pytest.fixture(scope="module")
def web() -> Iterator[NewsWeb]:
    with run_news_web(slow_delay=0.1) as news_web:
        yield news_web


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OCCASIONAL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OCCASIONAL_ALLOW_NETWORKS", "127.0.0.0/8")
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def _lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_init_writes_a_commented_config(run, tmp_path: Path) -> None:
    result = run("init")
    assert result.exit_code == 0
    config = (tmp_path / "home" / "config.toml").read_text()
    assert "[fetch]" in config and "allow_networks" in config
    assert run("config").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "ftp://example.com/feed"), "only http and https"),
        (("remove", "no-such-source"), "no-such-source"),
        (("articles", "--since", "yesterday"), "give a span"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(run, args: tuple[str, ...], message: str) -> None:
    assert run("init").exit_code == 0
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2(run) -> None:
    assert run("poll", "--bogus").exit_code == 2
    assert run("extract").exit_code == 2


def test_add_poll_export_articles(run, web: NewsWeb) -> None:
    feed = web.outlet("wire").feed_url or ""
    added = run("add", feed, "--tag", "wires", "--json")
    assert added.exit_code == 0, added.stderr
    source = json.loads(added.stdout)
    assert source["url"] == feed and source["tags"] == ["wires"]
    assert run("add", feed).exit_code == 1  # already there

    polled = run("poll", "--all", "--json")
    assert polled.exit_code == 0, polled.stderr
    (result,) = _lines(polled)
    assert result["status"] == "ok" and result["new"] > 0

    exported = _lines(run("export", "articles", "--format", "jsonl"))
    assert len(exported) == result["new"]
    for article in exported:
        assert article.keys() >= ARTICLE_FIELDS
        assert article["source"] == feed and article["text"]

    listed = _lines(run("sources", "--json"))
    assert listed[0]["last_status"] == 200 and listed[0]["failures"] == 0


def test_extract_html_file_json(run, web: NewsWeb, tmp_path: Path) -> None:
    import urllib.request

    demo = next(a for a in web.articles if a.outlet == "morning")
    page = tmp_path / "page.html"
    with urllib.request.urlopen(demo.url) as response:  # loopback only
        page.write_bytes(response.read())
    result = run("extract", "--html-file", str(page), "--url", demo.url, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data.keys() >= PAGE_FIELDS
    assert data["source_links"] == [demo.copy_of]


def test_opml_round_trip_keeps_sitemaps(run, tmp_path: Path) -> None:
    run("add", "https://a.example/feed.xml", "--no-discover", "--tag", "x")
    with make_engine(home=tmp_path / "home") as engine:  # `add` finds sitemaps on the network
        now = datetime.now(UTC)
        engine.storage.add_source("https://b.example/sitemap.xml", kind="sitemap", now=now)
    exported = tmp_path / "out.opml"
    exported.write_text(run("export-opml").stdout)
    other = run("--home", str(tmp_path / "other"), "import-opml", str(exported))
    assert other.exit_code == 0, other.stderr
    back = _lines(run("--home", str(tmp_path / "other"), "sources", "--json"))
    assert {(s["url"], s["kind"], tuple(s["tags"])) for s in back} == {
        ("https://a.example/feed.xml", "feed", ("x",)),
        ("https://b.example/sitemap.xml", "sitemap", ()),
    }


def test_opml_round_trip(run, tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="Science"><outline text="A" type="rss" xmlUrl="https://a.example/feed"/>'
        '</outline><outline text="B" type="rss" xmlUrl="https://b.example/rss.xml"/>'
        '<outline text="no url"/></body></opml>'
    )
    result = run("import-opml", str(opml))
    assert result.exit_code == 0
    assert "imported 2 sources" in result.stdout
    sources = {s["url"]: s for s in _lines(run("sources", "--json"))}
    assert sources["https://a.example/feed"]["tags"] == ["Science"]
    exported = run("export-opml").stdout
    assert "https://a.example/feed" in exported and 'text="Science"' in exported

    truncated = tmp_path / "truncated.opml"
    truncated.write_text(exported[: exported.index("https://b.example")])
    cut = run("import-opml", str(truncated))
    assert cut.exit_code == 1 and "damaged" in cut.stderr

    broken = tmp_path / "broken.opml"
    broken.write_text("<html>not opml</html>")
    failed = run("import-opml", str(broken))
    assert failed.exit_code == 1 and "OPML" in failed.stderr


def test_cluster_and_copies_report_bad_lines_and_go_on(run) -> None:
    text = "Workers at the port walked out on Monday over pay and automation. " * 5
    lines = [
        json.dumps({"id": 1, "title": "Port strike", "text": text, "published": None}),
        "{not json",
        json.dumps({"id": "2", "title": "Ports shut", "text": text, "published": None}),
    ]
    data = "\n".join(lines) + "\n"
    clustered = run("cluster", "--input", "-", "--json", input=data)
    assert clustered.exit_code == 0
    assert "line 2" in clustered.stderr
    stories = _lines(clustered)
    assert [s["id"] for s in stories] == ["1", "2"]
    assert stories[0]["story"] == stories[1]["story"]

    copied = _lines(run("copies", "--input", "-", "--json", input=data))
    assert {c["id"]: c["copy_of"] for c in copied} == {"1": None, "2": "1"}


def test_analyze_json_offsets_index_the_text(run, tmp_path: Path) -> None:
    text = (
        "The port of Halvey closed on Monday after 54,000 dockworkers walked out.\n\n"
        "“We will not accept a pay cut,” said Maria Lopez, the union's leader. "
        "She added: “This strike is about the next generation of workers.”"
    )
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    result = run("analyze", "--text-file", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"summary", "quotes", "figures", "entities"} <= data.keys()
    speakers = {q["speaker"] for q in data["quotes"]}
    assert speakers == {"Maria Lopez"}
    for item in data["summary"] + data["quotes"]:
        assert text[item["start"] : item["end"]] == item["text"]
    assert any(f["value"] == 54000 for f in data["figures"])


def test_config_shows_no_password(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCCASIONAL_LLM_BASE_URL", "http://u:hunter2@127.0.0.1/v1")
    shown = run("config")
    assert shown.exit_code == 0
    assert "hunter2" not in shown.stdout and "u:***@" in shown.stdout
