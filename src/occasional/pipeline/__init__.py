"""The shell that calls the stages in order.

Nothing here decides anything: the decisions live in pure functions
(:mod:`occasional.fetch.schedule`, :mod:`occasional.stories`,
:mod:`occasional.digest`), and the I/O lives in adapters (the fetcher, the
storage). One poll cycle, drawn as shell pseudocode::

    for source in $(storage due_sources $now); do            # parallel, bounded
        response=$(fetcher get $source.url --etag --last-modified)
        feed=$(parse_feed $response || sitemap_as_feed $response)
        echo $source $(entries_to_intents $feed)
    done | batch --polls 200 --ms 50 | while read polls; do   # storage record_polls:
        new=$(storage upsert_articles $polls.entries)           #   one transaction
        storage update_source $(decide $source $outcome $new $now)  # next poll, backoff
        storage record_fetch $source $outcome
    done
    for article in $(storage due_pages $now); do              # parallel, robots.txt
        page=$(fetcher get $article.url --check-robots)         # new or waiting to retry
        storage set_article_page $article $(extract_page $page) \
          || storage record_page_failure $article --retry-at … --fallback-text $feed
    done                                                       # all within poll.deadline
    storage set_copies  $(find_copies $(window))               # pure
    storage set_stories $(cluster_stories $(window) --previous) # pure

With ``poll.jobs`` above one, :mod:`occasional.pipeline.processes` runs each of the
two loops over shares of the sources (then of the pages) split by host, a process
per share, and gathers one report.

Polls are committed in batches, each its own transaction, so a crash mid-poll
loses nothing already committed (the sources of an unfinished batch are simply
polled again). A stored entry's page stays due until it is stored or given up,
so a crash before the pages loses none of them either. Nothing one source or one
page does (bad values, a parser's bug) stops the others: it becomes that
source's or that page's error.
"""

from .cycle import poll_cycle
from .pages import fetch_page, fetch_pages, page_of
from .poll import (
    PageResult,
    PollContext,
    PollReport,
    SourceResult,
    entries_to_intents,
    poll_one,
    poll_sources,
)
from .stories import article_doc, refresh_stories

__all__ = [
    "PageResult",
    "PollContext",
    "PollReport",
    "SourceResult",
    "article_doc",
    "entries_to_intents",
    "fetch_page",
    "fetch_pages",
    "page_of",
    "poll_cycle",
    "poll_one",
    "poll_sources",
    "refresh_stories",
]
