"""The managing pages: Sources (add, OPML in and out, tags, pause, remove) and Profiles.

A form with a bad value comes back with the message beside the field and
what was typed still in it; nothing is stored until the whole form is valid.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..exceptions import OccasionalError, ProfileError
from ..render import renderer_names
from .common import Visit, page, read_form, render, run
from .profileform import NAME, field_errors, form_values, table_from_form
from .words import health

__all__ = [
    "add_source",
    "edit_source",
    "export_opml",
    "import_opml",
    "profile_form",
    "profile_save",
    "profiles",
    "sources",
]

NOTICES = {
    "added": "Source added. Its articles arrive with the next poll.",
    "saved": "Saved.",
    "removed": "Source removed.",
    "paused": "Paused: its articles stay out of your digests until you resume it.",
    "resumed": "Resumed.",
    "made": "A new digest was made.",
    "deleted": "Profile deleted.",
}


async def _sources_page(
    request: Request,
    visit: Visit,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    report: object = None,
) -> Response:
    subs = await run(visit.scope.subscriptions)
    now = visit.engine.clock()
    rows = [(sub, *health(sub, now)) for sub in subs]
    return render(
        request,
        "sources.html",
        visit,
        status=status,
        rows=rows,
        errors=errors or {},
        typed=typed or {},
        report=report,
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


@page
async def sources(request: Request, visit: Visit) -> Response:
    """GET /sources: every followed source with its health in words."""
    return await _sources_page(request, visit)


def _tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


@page
async def add_source(request: Request, visit: Visit) -> Response:
    """POST /sources: follow a feed or site by URL (discovered if it is a site)."""
    form = await read_form(request)
    url, tags = str(form.get("url", "")).strip(), str(form.get("tags", ""))
    typed = {"url": url, "tags": tags}
    if not url:
        errors = {"url": "Give the address of a feed or a site."}
        return await _sources_page(request, visit, status=400, errors=errors, typed=typed)
    try:
        await run(visit.scope.follow, url, tags=_tags(tags))
    except OccasionalError as error:
        errors = {"url": str(error)}
        return await _sources_page(request, visit, status=400, errors=errors, typed=typed)
    return RedirectResponse("/sources?notice=added", status_code=303)


@page
async def edit_source(request: Request, visit: Visit) -> Response:
    """POST /sources/{id}: save tags and title, pause, resume or remove."""
    form = await read_form(request)
    source_id = request.path_params["source_id"]
    action = str(form.get("action", "save"))
    if action == "remove":
        await run(visit.scope.unfollow, source_id)
        notice = "removed"
    elif action in ("pause", "resume"):
        await run(visit.scope.set_active, source_id, action == "resume")
        notice = "paused" if action == "pause" else "resumed"
    else:
        tags, title = _tags(str(form.get("tags", ""))), str(form.get("title", ""))
        await run(visit.scope.edit, source_id, tags=tags, title=title)
        notice = "saved"
    return RedirectResponse(f"/sources?notice={notice}", status_code=303)


@page
async def import_opml(request: Request, visit: Visit) -> Response:
    """POST /sources/opml: follow every feed of an uploaded OPML file."""
    form = await read_form(request)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        errors = {"opml": "Choose an OPML file to upload."}
        return await _sources_page(request, visit, status=400, errors=errors)
    data = await upload.read()
    try:
        report = await run(visit.scope.import_opml, data)
    except OccasionalError as error:
        return await _sources_page(request, visit, status=400, errors={"opml": str(error)})
    return await _sources_page(request, visit, report=report)


@page
async def export_opml(request: Request, visit: Visit) -> Response:
    """GET /sources/opml: the user's subscriptions as an OPML download."""
    text = await run(visit.scope.export_opml)
    return Response(
        text,
        media_type="text/x-opml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="occasional.opml"'},
    )


# --- profiles --------------------------------------------------------------------


@page
async def profiles(request: Request, visit: Visit) -> Response:
    """GET /profiles: the user's profiles, and a form for a new one."""
    found = await run(visit.scope.profiles)
    return render(
        request,
        "profiles.html",
        visit,
        profiles=found,
        notice=NOTICES.get(request.query_params.get("notice", "")),
        error=None,
        typed="",
    )


def _form_page(
    request: Request,
    visit: Visit,
    name: str,
    values: dict[str, object],
    errors: dict[str, str],
    *,
    status: int = 200,
    is_new: bool = False,
) -> Response:
    return render(
        request,
        "profile.html",
        visit,
        status=status,
        name=name,
        values=values,
        errors=errors,
        formats=renderer_names(),
        is_new=is_new,
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


@page
async def profile_form(request: Request, visit: Visit) -> Response:
    """GET /profiles/{name}: edit a profile (a new one when it has no file yet)."""
    name = request.path_params["name"]
    if not NAME.fullmatch(name):
        raise ProfileError(f"{name!r} is not a profile name")
    table = await run(visit.scope.profile_data, name)
    known = name in await run(visit.scope.profiles)
    return _form_page(request, visit, name, form_values(table), {}, is_new=not known)


@page
async def profile_save(request: Request, visit: Visit) -> Response:
    """POST /profiles/{name}: validate and save, or show the faults beside their fields."""
    form = await read_form(request)
    name = request.path_params["name"]
    if form.get("action") == "delete":
        await run(visit.scope.delete_profile, name)
        return RedirectResponse("/profiles?notice=deleted", status_code=303)
    single = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    lists = {key: [str(v) for v in form.getlist(key)] for key in form}
    table = table_from_form(single, lists)
    errors = field_errors(name, table)
    if errors:
        values = form_values({})
        values.update({key: value for key, value in single.items() if key in values})
        values["formats"] = lists.get("formats", [])
        values["top_stories"] = single.get("top_stories") == "on"
        values["mutes"] = form_values(table)["mutes"]
        return _form_page(request, visit, name, values, errors, status=400)
    await run(visit.scope.save_profile, name, table)
    return RedirectResponse(f"/profiles/{name}?notice=saved", status_code=303)


@page
async def new_profile(request: Request, visit: Visit) -> Response:
    """POST /profiles: start a new profile by name."""
    form = await read_form(request)
    name = str(form.get("name", "")).strip()
    if not NAME.fullmatch(name):
        found = await run(visit.scope.profiles)
        return render(
            request,
            "profiles.html",
            visit,
            status=400,
            profiles=found,
            notice=None,
            error="A name is letters, digits, '-', '_' or '.' (at most 64).",
            typed=name,
        )
    return RedirectResponse(f"/profiles/{name}", status_code=303)
