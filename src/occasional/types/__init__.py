"""The data that flows between occasional's stages.

Each stage of the data has a name of its own, and every class here is small
and frozen:

- parsed from the network (:mod:`.parsed`): :class:`FeedData` /
  :class:`EntryData` (a feed), :class:`SitemapEntry` (a sitemap),
  :class:`FetchResponse` (any response), :class:`ExtractedPage` (an article
  page);
- stored and read back by users (:mod:`.stored`): :class:`Source`,
  :class:`Article`, :class:`Story`;
- handed to the pure stages (:mod:`.stored`): :class:`Doc` (one article as
  copy detection and story clustering see it), :class:`CopyDecision`,
  :class:`StoryAssignment`;
- what analysis finds in one text (:mod:`.analysis`): :class:`Analysis` of
  :class:`SentenceSpan`, :class:`Quote`, :class:`Figure`, :class:`Entity`;
- a digest as renderers see it (:mod:`.digest`): :class:`Digest` of
  :class:`DigestItem`, with :class:`SummarySentence` and :class:`DigestSource`.

Import them from here; the submodules are how the file is kept small.
Times are timezone-aware :class:`~datetime.datetime` in UTC or ``None``.
Ids are strings.
"""

from __future__ import annotations

from .analysis import Analysis, Entity, Figure, Quote, SentenceSpan
from .digest import Digest, DigestItem, DigestSource, SummarySentence
from .parsed import Enclosure, EntryData, ExtractedPage, FeedData, FetchResponse, SitemapEntry
from .stored import Article, CopyDecision, Doc, Source, SourceSettings, Story, StoryAssignment

__all__ = [
    "Analysis",
    "Article",
    "CopyDecision",
    "Digest",
    "DigestItem",
    "DigestSource",
    "Doc",
    "Enclosure",
    "Entity",
    "EntryData",
    "ExtractedPage",
    "FeedData",
    "FetchResponse",
    "Figure",
    "Quote",
    "SentenceSpan",
    "SitemapEntry",
    "Source",
    "SourceSettings",
    "Story",
    "StoryAssignment",
    "SummarySentence",
]
