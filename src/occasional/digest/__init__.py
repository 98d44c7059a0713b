"""The digest stage: profiles, ranking with reasons, memory, budget, feedback, summaries.

Pure: :func:`build_digest` takes a :class:`Profile`, the candidate
:class:`StoryView` objects, the :class:`Memory` of earlier digests, feedback
and ``now``, and returns a :class:`~occasional.types.Digest`. Storage keeps
:func:`card_fingerprint` of each delivered card; :func:`digest_to_json` is
the CLI's ``--format json`` shape. :class:`LLMSummarizer` is the optional,
checked LLM summary.
"""

from __future__ import annotations

from .build import DigestOptions, build_digest, quiet_line
from .diversity import Diversity
from .jsonout import digest_to_json, item_to_json
from .learn import InterestWeights, learn_weights
from .llm import LLMSummarizer
from .memory import CardChange, UpdateRule, card_fingerprint, compare
from .model import (
    FEEDBACK_KINDS,
    Analyzer,
    Feedback,
    LeadAnalyzer,
    Memory,
    StoryView,
    Summarizer,
    default_analyzer,
)
from .profile import (
    Interests,
    Mute,
    Profile,
    ProfileSet,
    Schedule,
    default_profile,
    load_profile,
    load_profiles,
    next_run,
    profile_from_mapping,
    quiet_digest_wanted,
    read_profiles,
)
from .rank import DEFAULT_WEIGHTS, SCORERS, TOP_WEIGHTS, Ranked, Signal, rank, scorer

__all__ = [
    "DEFAULT_WEIGHTS",
    "FEEDBACK_KINDS",
    "SCORERS",
    "TOP_WEIGHTS",
    "Analyzer",
    "CardChange",
    "DigestOptions",
    "Diversity",
    "Feedback",
    "InterestWeights",
    "Interests",
    "LLMSummarizer",
    "LeadAnalyzer",
    "Memory",
    "Mute",
    "Profile",
    "ProfileSet",
    "Ranked",
    "Schedule",
    "Signal",
    "StoryView",
    "Summarizer",
    "UpdateRule",
    "build_digest",
    "card_fingerprint",
    "compare",
    "default_analyzer",
    "default_profile",
    "digest_to_json",
    "item_to_json",
    "learn_weights",
    "load_profile",
    "load_profiles",
    "next_run",
    "profile_from_mapping",
    "quiet_digest_wanted",
    "quiet_line",
    "rank",
    "read_profiles",
    "scorer",
]
