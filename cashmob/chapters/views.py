"""Chapter pages: the directory, a chapter's page, its organisers' pages, and requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cashmob.businesses.views import map_settings
from cashmob.chapters import services
from cashmob.chapters.forms import (
    ChapterRejectForm,
    ChapterRequestForm,
    ChapterSearchForm,
    ChapterSettingsForm,
    MembershipRoleForm,
)
from cashmob.chapters.models import Membership
from cashmob.chapters.selectors import (
    access_chapter,
    access_chapter_for_organisers,
    access_chapter_request,
    chapter_can_manage_roles,
    chapter_country_codes,
    chapter_get_for_page,
    chapter_is_followed,
    chapter_list_pending,
    chapter_list_requested_by,
    chapter_member_get,
    chapter_member_list,
    chapter_mob_lists,
    chapter_mobs_in_preparation,
    chapter_organiser_list,
    chapter_search,
    chapter_social_links,
    chapter_totals,
    membership_of,
    user_has_verified_email,
)
from cashmob.core.errors import DomainError
from cashmob.core.forms import form_add_error
from cashmob.core.views import domain_error_response

if TYPE_CHECKING:
    from django import forms

    from cashmob.accounts.models import User
    from cashmob.chapters.models import Chapter

DIRECTORY_PAGE_SIZE = 30
MEMBERS_PAGE_SIZE = 50
REVIEW_PAGE_SIZE = 20


def _viewer(request: HttpRequest) -> User | None:
    """The logged-in person, or None for an anonymous visitor."""
    return request.user if request.user.is_authenticated else None


def _person(request: HttpRequest) -> User:
    """The logged-in person, for views that checked login or permissions already."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def _form_error(form: forms.Form, error: DomainError | ValidationError) -> None:
    form_add_error(form, error, fields={"default_pledge_minor": "default_pledge"})


def _nominate_url(chapter: Chapter) -> str | None:
    """Where members nominate shops; an archived chapter takes no more nominations."""
    if chapter.status != chapter.Status.ACTIVE:
        return None
    return reverse("businesses:nominate", kwargs={"chapter_slug": chapter.slug})


# --- The directory and the public chapter page ----------------------------------------


@require_GET
def chapter_list(request: HttpRequest) -> HttpResponse:
    codes = chapter_country_codes()
    form = ChapterSearchForm(request.GET or None, country_codes=codes)
    query, country = form.cleaned_or_empty()
    chapters = chapter_search(query=query, country=country, country_order=codes)
    page = Paginator(chapters, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "chapters/list.html",
        {
            "chapters": page.object_list,
            "page_obj": page,
            "form": form,
            "query": query,
            "country": country,
            "searching": bool(query or country),
        },
    )


@require_GET
def chapter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = chapter_get_for_page(slug=slug)
    viewer = _viewer(request)
    live, upcoming, past = chapter_mob_lists(chapter=chapter)
    membership = membership_of(chapter=chapter, user=viewer)
    is_staff = viewer is not None and viewer.is_staff
    can_manage = is_staff or (membership is not None and membership.is_organiser)
    return render(
        request,
        "chapters/detail.html",
        {
            "in_preparation": chapter_mobs_in_preparation(chapter=chapter) if can_manage else [],
            "chapter": chapter,
            "live_mobs": live,
            "upcoming_mobs": upcoming,
            "past_mobs": past,
            "organisers": chapter_organiser_list(chapter=chapter),
            "totals": chapter_totals(chapter=chapter),
            "membership": membership,
            "following": chapter_is_followed(chapter=chapter, user=viewer),
            "can_manage": can_manage,
            "social_links": chapter_social_links(chapter=chapter),
            "nominate_url": _nominate_url(chapter),
        },
    )


def _chapter_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Join, leave, follow or unfollow, then back to the chapter page with a message."""
    chapter = access_chapter(slug=slug)
    user = _viewer(request)
    if user is None:
        return redirect_to_login(chapter.get_absolute_url())
    try:
        if action == "join":
            services.chapter_join(chapter=chapter, user=user)
            text = _("Welcome to %(chapter)s! You will hear about its votes and mobs.")
        elif action == "leave":
            services.chapter_leave(chapter=chapter, user=user)
            text = _("You left %(chapter)s.")
        elif action == "follow":
            services.chapter_follow(chapter=chapter, user=user)
            text = _("You follow %(chapter)s: its new mobs will appear in your news.")
        else:
            services.chapter_unfollow(chapter=chapter, user=user)
            text = _("You no longer follow %(chapter)s.")
    except DomainError as error:
        # The error code travels in the message's tags, for tests and for styling.
        messages.error(request, str(error.message), extra_tags=error.code)
    else:
        messages.success(request, text % {"chapter": chapter.name})
    return HttpResponseRedirect(chapter.get_absolute_url())


@require_POST
def chapter_join(request: HttpRequest, slug: str) -> HttpResponse:
    return _chapter_action(request, slug, "join")


@require_POST
def chapter_leave(request: HttpRequest, slug: str) -> HttpResponse:
    return _chapter_action(request, slug, "leave")


@require_POST
def chapter_follow(request: HttpRequest, slug: str) -> HttpResponse:
    return _chapter_action(request, slug, "follow")


@require_POST
def chapter_unfollow(request: HttpRequest, slug: str) -> HttpResponse:
    return _chapter_action(request, slug, "unfollow")


# --- Organisers' pages ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def chapter_members(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = access_chapter_for_organisers(slug=slug, user=_viewer(request))
    if request.method == "POST":
        return _member_set_role(request, chapter)
    page = Paginator(chapter_member_list(chapter=chapter), MEMBERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "chapters/members.html",
        {
            "chapter": chapter,
            "page_obj": page,
            "memberships": page.object_list,
            "can_manage_roles": chapter_can_manage_roles(chapter=chapter, user=_viewer(request)),
            "roles": Membership.Role.choices,
        },
    )


def _member_set_role(request: HttpRequest, chapter: Chapter) -> HttpResponse:
    back = reverse("chapters:members", kwargs={"slug": chapter.slug})
    if request.GET.get("page"):
        back += "?" + request.GET.urlencode()
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."), extra_tags="invalid_role")
        return HttpResponseRedirect(back)
    membership = chapter_member_get(chapter=chapter, user_id=form.cleaned_data["member"])
    if membership is None:
        messages.error(
            request, _("This person is not a member of the chapter."), extra_tags="not_member"
        )
        return HttpResponseRedirect(back)
    try:
        membership = services.membership_set_role(
            chapter=chapter,
            actor=_person(request),
            member=membership.user,
            role=form.cleaned_data["role"],
        )
    except DomainError as error:
        if error.status == 403:
            return domain_error_response(request, error)
        messages.error(request, str(error.message), extra_tags=error.code)
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.public_name, "role": membership.get_role_display()},
        )
    return HttpResponseRedirect(back)


@require_http_methods(["GET", "POST"])
def chapter_settings(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = access_chapter_for_organisers(slug=slug, user=_viewer(request))
    form = ChapterSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=ChapterSettingsForm.initial_for(chapter),
    )
    if form.is_valid():
        try:
            services.chapter_update_settings(
                chapter=chapter, actor=_person(request), data=form.service_data()
            )
        except DomainError as error:
            if error.status == 403:
                return domain_error_response(request, error)
            _form_error(form, error)
            chapter.refresh_from_db()
        except ValidationError as error:
            _form_error(form, error)
            chapter.refresh_from_db()
        else:
            messages.success(request, _("The chapter's settings are saved."))
            return redirect("chapters:settings", slug=chapter.slug)
    return render(
        request,
        "chapters/settings.html",
        {"chapter": chapter, "form": form, "map_settings": _map_settings(chapter)},
    )


def _map_settings(chapter: Chapter) -> dict[str, Any]:
    """The map picker's tiles and starting view: the chapter's own centre once it has one."""
    config = map_settings()
    if chapter.latitude is not None and chapter.longitude is not None:
        config["center"] = [float(chapter.latitude), float(chapter.longitude)]
        config["zoom"] = 12
    return config


# --- New chapters and their review ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def chapter_request(request: HttpRequest) -> HttpResponse:
    verified = user_has_verified_email(user=_viewer(request))
    initial: dict[str, Any] = {
        "language": request.LANGUAGE_CODE,
        "currency": "EUR",
        "default_pledge": "20",
    }
    form = ChapterRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if verified and form.is_valid():
        try:
            services.chapter_request(user=_person(request), data=form.service_data())
        except (DomainError, ValidationError) as error:
            _form_error(form, error)
        else:
            return redirect("chapters:request_done")
    pending = [
        chapter
        for chapter in chapter_list_requested_by(user=_person(request))
        if chapter.status == chapter.Status.PENDING
    ]
    return render(
        request,
        "chapters/request.html",
        {"form": form, "verified": verified, "pending": pending},
    )


@login_required
@require_GET
def chapter_request_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "chapters/request_done.html",
        {"requests": chapter_list_requested_by(user=_person(request))},
    )


def _require_staff(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied


@require_GET
def chapter_review(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    return _render_review(request)


def _render_review(
    request: HttpRequest, *, failed: tuple[int, ChapterRejectForm] | None = None
) -> HttpResponse:
    page = Paginator(chapter_list_pending(), REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (
            chapter,
            failed[1]
            if failed and failed[0] == chapter.pk
            else ChapterRejectForm(prefix=f"reject-{chapter.pk}"),
        )
        for chapter in page.object_list
    ]
    return render(
        request,
        "chapters/review.html",
        {"page_obj": page, "rows": rows},
        status=400 if failed else 200,
    )


@require_POST
def chapter_review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    chapter = access_chapter_request(pk=pk, user=_viewer(request))
    try:
        services.chapter_approve(chapter=chapter, moderator=_person(request))
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(request, _("%(chapter)s is approved and open.") % {"chapter": chapter.name})
    return redirect("chapters:review")


@require_POST
def chapter_review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    chapter = access_chapter_request(pk=pk, user=_viewer(request))
    form = ChapterRejectForm(request.POST, prefix=f"reject-{chapter.pk}")
    if not form.is_valid():
        return _render_review(request, failed=(chapter.pk, form))
    try:
        services.chapter_reject(
            chapter=chapter, moderator=_person(request), reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(
        request,
        _("The request for %(chapter)s is rejected; its author is told why.")
        % {"chapter": chapter.name},
    )
    return redirect("chapters:review")
