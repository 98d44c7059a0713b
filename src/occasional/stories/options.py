"""How eagerly docs join stories: the options of the single-pass clusterer.

Read by :mod:`.single_pass`, :mod:`.candidates`, :mod:`.scoring` and
:mod:`.refine`; set by callers of
:func:`occasional.stories.cluster.cluster_stories`. Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ClusterOptions"]


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How eagerly docs join stories; the defaults are tuned on ECB+ train.

    ``threshold``: the score a doc needs to join a story as it arrives.
    ``refine_rounds``: sweeps after the pass that move each doc to its best
    story now that all stories exist (undoing early greedy choices);
    ``rejoin_threshold`` is the score needed there. A doc that joined its
    story scoring at least ``settle_score`` stays put in the sweeps (such
    docs were measured to move under 2% of the time, and skipping them
    costs nothing on ECB+). ``name_weight``:
    share of the score given to names and numbers rather than all words;
    a story's name counts fully once ``name_share`` of its docs mention it.
    A doc that has names joins a story of ``names_from`` or more docs only
    if it shares at least ``min_names`` of them (IDF-weighted) or its word
    cosine is at least ``words_alone``: reports of one event name the same
    people and places, and a big story would otherwise take any doc that
    shares its common words, growing into a blob.
    ``half_life_hours``: the score halves per this many hours between the
    doc and the nearest end of the story's dated span (0 inside it); a
    shared figure counts as a name only beside a shared name.
    ``window_days``: stories quiet longer
    than this take no more docs. ``max_candidates``: stories scored per doc.
    ``rare_fraction``: tokens in more than this share of docs are not looked
    up in the index (they name no event); ``lookup_terms``: how many of the
    doc's rarest tokens that another doc also has are looked up; ``vector_terms``: how many of its
    heaviest words a doc's vector keeps. ``max_postings``: only the most
    recent stories under one token are looked at (old ones are closed).

    Follow-ups (refinement only, dated docs only): a doc scoring at least
    ``attach_threshold`` joins a story whose dated span is within
    ``attach_hours`` when at least ``attach_names`` of its IDF-weighted names
    are already there. Templated reports: a doc with ``min_figures`` or more
    figures joins no story holding under ``figure_agreement`` of them.
    Two-event stories (see :mod:`.split`): stories of up to
    ``split_max_size`` docs are cut when their halves agree less than
    ``split_agreement`` (0 turns splitting off) and each half has a name or
    number concentrated in it with chance probability at most
    10 ** -``split_evidence``; each unit of evidence beyond that allows
    ``split_trade`` more agreement. Halves hold at least ``split_min_part``
    docs and are split again up to ``split_depth`` levels. Before the split,
    stories of at most ``gather_size`` docs fold into the bigger story their
    docs score at least ``gather_threshold`` with on average.

    Embeddings (only when docs carry vectors): the word cosine becomes
    ``1 - embedding_weight`` of itself plus ``embedding_weight`` of the
    cosine between the doc's vector and the story's mean vector.
    """

    threshold: float = 0.15
    rejoin_threshold: float = 0.1
    refine_rounds: int = 1
    settle_score: float = 0.4
    name_weight: float = 0.3
    name_share: float = 0.3
    min_names: float = 0.1
    names_from: int = 20
    words_alone: float = 0.35
    half_life_hours: float = 36.0
    window_days: float = 7.0
    max_candidates: int = 4
    rare_fraction: float = 0.1
    max_postings: int = 10
    lookup_terms: int = 30
    vector_terms: int = 30
    attach_threshold: float = 0.06
    attach_names: float = 0.3
    attach_hours: float = 36.0
    split_agreement: float = 0.3
    split_evidence: float = 1.4
    split_min_part: int = 3
    split_depth: int = 3
    split_trade: float = 0.08
    split_max_size: int = 200
    embedding_weight: float = 0.1
    gather_size: int = 8
    gather_threshold: float = 0.1
    min_figures: int = 8
    figure_agreement: float = 0.4
