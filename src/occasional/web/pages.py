"""The reading pages: Today, Archive, Stories, a story, Starred; feedback and marks.

Today shows the newest stored digest of the chosen profile exactly as the
e-mail's cards show it, with like / less / more / mute buttons that answer
in place (htmx swaps the button row; without JavaScript the form posts and
the page comes back). Read and starred marks apply to a whole copy group.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..render import RenderOptions
from ..render.view import digest_view
from ..types import Digest
from .common import Visit, local_path, page, read_form, render, run
from .words import coverage_chart

__all__ = [
    "archive",
    "archive_digest",
    "feedback_action",
    "make_digest",
    "mark_action",
    "starred",
    "stories",
    "story",
    "today",
]

#: The reactions a card offers on the web, in order, with their button labels.
ACTIONS = (("like", "Like"), ("less", "Less like this"), ("more", "More like this"))
STORIES_PER_PAGE = 50


def _profile_name(request: Request) -> str | None:
    return request.query_params.get("profile") or None


async def _profiles(visit: Visit, chosen: str | None) -> tuple[list[str], str]:
    profiles = await run(visit.scope.profiles)
    current = chosen if chosen in profiles else (await run(visit.scope.profile)).name
    return sorted(profiles), current.rpartition("/")[2]


def _cards(digest: Digest | None) -> object:
    return digest_view(digest, RenderOptions()) if digest else None


def _digest_page(
    request: Request,
    visit: Visit,
    names: list[str],
    current: str,
    digest: Digest | None,
    *,
    archived: bool,
) -> Response:
    """Today's page, or one archived digest shown the same way."""
    return render(
        request,
        "today.html",
        visit,
        profiles=names,
        profile=current,
        digest=digest,
        view=_cards(digest),
        actions=ACTIONS,
        notice=None if archived else request.query_params.get("notice"),
        archived=archived,
    )


@page
async def today(request: Request, visit: Visit) -> Response:
    """GET /: the newest digest of the chosen profile."""
    names, current = await _profiles(visit, _profile_name(request))
    digests = await run(visit.scope.digests, current, 1)
    return _digest_page(
        request, visit, names, current, digests[0] if digests else None, archived=False
    )


@page
async def make_digest(request: Request, visit: Visit) -> Response:
    """POST /digest: build and keep a digest for a profile now."""
    form = await read_form(request)
    _names, current = await _profiles(visit, str(form.get("profile", "")) or None)
    await run(visit.scope.make_digest, current)
    return RedirectResponse(f"/?profile={current}&notice=made", status_code=303)


@page
async def archive(request: Request, visit: Visit) -> Response:
    """GET /archive: a profile's stored digests."""
    names, current = await _profiles(visit, _profile_name(request))
    digests = await run(visit.scope.digests, current, 100)
    return render(request, "archive.html", visit, profiles=names, profile=current, digests=digests)


@page
async def archive_digest(request: Request, visit: Visit) -> Response:
    """GET /archive/{id}: one stored digest."""
    names, current = await _profiles(visit, _profile_name(request))
    digest = await run(visit.scope.digest, request.path_params["digest_id"], current)
    return _digest_page(request, visit, names, current, digest, archived=True)


@page
async def feedback_action(request: Request, visit: Visit) -> Response:
    """POST /stories/{id}/feedback: like, less, more, dislike or mute-source a story."""
    form = await read_form(request)
    kind, profile = str(form.get("kind", "")), str(form.get("profile", "")) or None
    story_id = request.path_params["story_id"]
    await run(visit.scope.feedback, story_id, kind, profile)
    if request.headers.get("hx-request"):
        entries = await run(visit.scope.feedback_list, profile)
        entry = next(f for f in entries if f.story_id == story_id and f.kind == kind)
        return render(
            request,
            "_noted.html",
            visit,
            story_id=story_id,
            kind=kind,
            feedback_id=entry.id,
            profile=profile or "",
        )
    return RedirectResponse(local_path(str(form.get("back", "")), "/"), status_code=303)


@page
async def undo_feedback(request: Request, visit: Visit) -> Response:
    """POST /feedback/{id}/undo: take a reaction back."""
    form = await read_form(request)
    profile = str(form.get("profile", "")) or None
    await run(visit.scope.undo_feedback, request.path_params["feedback_id"], profile)
    if request.headers.get("hx-request") and form.get("story"):
        return render(
            request,
            "_actions.html",
            visit,
            story_id=str(form.get("story")),
            actions=ACTIONS,
            profile=profile or "",
        )
    target = local_path(str(form.get("back", "")), "/feedback")
    return RedirectResponse(target, status_code=303)


@page
async def feedback_page(request: Request, visit: Visit) -> Response:
    """GET /feedback/list: a profile's feedback, newest first, each with Undo."""
    names, current = await _profiles(visit, _profile_name(request))
    entries = await run(visit.scope.feedback_list, current)
    labels: dict[str, str] = {}
    for entry in entries:
        if entry.story_id not in labels:
            try:
                labels[entry.story_id] = (await run(visit.scope.story, entry.story_id)).story.label
            except LookupError:
                labels[entry.story_id] = "(a story no longer stored)"
    profile = await run(visit.scope.profile, current)
    return render(
        request,
        "feedback.html",
        visit,
        profiles=names,
        profile=current,
        entries=entries,
        labels=labels,
        mutes=profile.mutes,
    )


@page
async def stories(request: Request, visit: Visit) -> Response:
    """GET /stories: recent stories, or those matching ?q= (full-text search)."""
    query = request.query_params.get("q", "").strip()
    page_number = max(1, _int(request.query_params.get("page"), 1))
    if query:
        briefs = await run(visit.scope.search, query)
    else:
        offset = (page_number - 1) * STORIES_PER_PAGE
        briefs = await run(visit.scope.stories, limit=STORIES_PER_PAGE + 1, offset=offset)
    more = len(briefs) > STORIES_PER_PAGE
    return render(
        request,
        "stories.html",
        visit,
        query=query,
        briefs=briefs[:STORIES_PER_PAGE],
        page_number=page_number,
        more=more and not query,
    )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@page
async def story(request: Request, visit: Visit) -> Response:
    """GET /stories/{id}: outlets (original first, copies folded), timeline, chart."""
    found = await run(visit.scope.story, request.path_params["story_id"])
    times = [a.published or a.fetched for a in found.timeline]
    chart = coverage_chart([t for t in times if t is not None])
    return render(request, "story.html", visit, page=found, chart=chart)


@page
async def mark_action(request: Request, visit: Visit) -> Response:
    """POST /items/{article_id}/mark: read/unread, star/unstar a copy group."""
    form = await read_form(request)
    article_id = request.path_params["article_id"]
    what = str(form.get("set", ""))
    flags = {
        "read": {"read": True},
        "unread": {"read": False},
        "star": {"starred": True},
        "unstar": {"starred": False},
    }
    if what not in flags:
        from ..exceptions import InputError

        raise InputError(f"cannot mark an item {what!r}; use read, unread, star or unstar")
    await run(visit.scope.mark, [article_id], **flags[what])
    if request.headers.get("hx-request"):
        states = await run(visit.engine.storage.item_states, visit.user.id, [article_id])
        read, starred_now = states.get(article_id, (False, False))
        return render(
            request, "_marks.html", visit, article_id=article_id, read=read, starred=starred_now
        )
    return RedirectResponse(local_path(str(form.get("back", "")), "/starred"), status_code=303)


@page
async def starred(request: Request, visit: Visit) -> Response:
    """GET /starred: the user's starred articles."""
    articles = await run(visit.scope.starred)
    return render(request, "starred.html", visit, articles=articles)
