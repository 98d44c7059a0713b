"""Copies and stories: the pure stage between extraction and the digest.

Public entry points (all pure, deterministic, no I/O):

- :func:`canonicalize_url` — one spelling per article URL;
- :func:`find_copies` / :func:`copy_groups` — copies, their originals and why;
- :func:`cluster_stories` / :func:`build_stories` — docs grouped into events;
- :func:`read_docs` — JSONL input for the ``cluster`` and ``copies`` commands;
- :func:`bcubed` / :func:`pairwise` — scoring against labelled data.
"""

from __future__ import annotations

from .build import build_stories
from .cluster import StoryOverride, cluster_stories, story_id
from .copies import CopyGroups, copy_groups, find_copies
from .evaluate import bcubed, pairwise
from .fingerprint import CopyThresholds
from .jsonl import read_docs
from .options import ClusterOptions
from .urls import canonicalize_url

__all__ = [
    "ClusterOptions",
    "CopyGroups",
    "CopyThresholds",
    "StoryOverride",
    "bcubed",
    "build_stories",
    "canonicalize_url",
    "cluster_stories",
    "copy_groups",
    "find_copies",
    "pairwise",
    "read_docs",
    "story_id",
]
