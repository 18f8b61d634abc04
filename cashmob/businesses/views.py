"""Pages of the business directory: thin callers of the forms, services and selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cashmob.businesses import selectors, services
from cashmob.businesses.forms import (
    BBoxForm,
    BusinessEditForm,
    ExcludeForm,
    NominationForm,
    SearchForm,
)
from cashmob.chapters.models import Chapter
from cashmob.chapters.selectors import (
    access_chapter,
    chapter_bounds,
    chapter_list_near,
    membership_of,
)
from cashmob.core import dates
from cashmob.core.errors import DomainError
from cashmob.core.forms import form_add_error
from cashmob.core.views import domain_error_response
from cashmob.core.visitor import whereabouts_from_request

if TYPE_CHECKING:
    from cashmob.businesses.models import Business

SEARCH_PAGE_SIZE = 20


def map_settings() -> dict[str, Any]:
    """What ``static/js/map.js`` needs to draw tiles: read per request, not at import."""
    config = getattr(settings, "LEAFLET_CONFIG", {})
    _name, url, options = config.get("TILES", [("", "", {})])[0]
    return {
        "tiles": url,
        "attribution": options.get("attribution", ""),
        "maxZoom": options.get("maxZoom", 19),
        "center": list(config.get("DEFAULT_CENTER", (48.8566, 2.3522))),
        "zoom": config.get("DEFAULT_ZOOM", 5),
    }


# --- Search and map ---------------------------------------------------------------------------


@require_GET
def business_search(request: HttpRequest) -> HttpResponse:
    chapters = list(
        Chapter.objects.filter(status=Chapter.Status.ACTIVE)
        .order_by("name")
        .values_list("slug", "name")
    )
    form = SearchForm(request.GET or None, chapter_choices=chapters)
    hits: list[selectors.Hit] = []
    has_next = False
    page = 1
    searched = False
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chapter = Chapter.objects.filter(slug=data["chapter"]).first() if data["chapter"] else None
        page = form.page_number
        searched = bool(data["q"] or data["category"] or chapter or form.near)
        hits = selectors.business_search(
            text=data["q"],
            category=data["category"],
            chapter=chapter,
            near=form.near,
            radius_km=form.radius_km,
            limit=SEARCH_PAGE_SIZE + 1,
            offset=(page - 1) * SEARCH_PAGE_SIZE,
        )
        has_next = len(hits) > SEARCH_PAGE_SIZE
        hits = hits[:SEARCH_PAGE_SIZE]
    elif form.is_bound:
        searched = True
    if not form.is_bound or not searched:
        # No filter: list the directory alphabetically, so the page is useful on its own.
        hits = selectors.business_search(limit=SEARCH_PAGE_SIZE + 1, offset=0)
        has_next = len(hits) > SEARCH_PAGE_SIZE
        hits = hits[:SEARCH_PAGE_SIZE]
    context = {
        "form": form,
        "hits": hits,
        "searched": searched,
        "page": page,
        "has_previous": page > 1,
        "has_next": has_next,
        "near": form.near if form.is_bound and form.is_valid() else None,
    }
    return render(request, "businesses/search.html", context, status=status)


@require_GET
def business_map(request: HttpRequest) -> HttpResponse:
    """The map opens on ``?chapter=<slug>``, else the position the visitor shared, else the
    chapter nearest them (their home chapter, or as their time zone and language suggest),
    else it shows every chapter: never on a place picked for everyone."""
    slug = request.GET.get("chapter", "")
    chapter = Chapter.objects.filter(slug=slug).first() if slug else None
    whereabouts = whereabouts_from_request(request)
    if chapter is None and whereabouts.position is not None:
        config = {**map_settings(), "center": list(whereabouts.position), "zoom": 12}
    else:
        if chapter is None:
            home_id = request.user.home_chapter_id if request.user.is_authenticated else None
            chapter = chapter_list_near(
                whereabouts=whereabouts, home_chapter_id=home_id, limit=1
            ).suggested
        if chapter is not None and chapter.latitude is not None:
            config = _chapter_map_settings(chapter)
        else:
            config = {**map_settings(), **_world_view()}
    # Without JavaScript the filter form leads to the list, which takes the same fields.
    form = SearchForm(request.GET or None, chapter_choices=[])
    return render(request, "businesses/map.html", {"map_settings": config, "form": form})


@require_GET
def business_map_data(request: HttpRequest) -> JsonResponse:
    form = BBoxForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    west, south, east, north = form.cleaned_data["bbox"]
    box = {"west": west, "south": south, "east": east, "north": north}
    wanted = {"text": form.cleaned_data["q"], "category": form.cleaned_data["category"]}
    shops = selectors.business_list_in_bbox(**box, **wanted)
    mobs = selectors.mob_list_upcoming_in_bbox(**box, **wanted)
    return JsonResponse(
        {
            "shops": [
                {
                    "name": b.name,
                    "url": b.get_absolute_url(),
                    "lat": float(b.latitude),
                    "lng": float(b.longitude),
                    "category": b.get_category_display(),
                    "city": b.city,
                    "never_mobbed": b.mob_count == 0,
                }
                for b in shops
            ],
            "mobs": [
                {
                    "title": m.title,
                    "url": m.get_absolute_url(),
                    "lat": float(m.business.latitude),
                    "lng": float(m.business.longitude),
                    "starts_at": m.starts_at.isoformat() if m.starts_at else None,
                    # Shown as is: the chapter's wall-clock time, in the page's language.
                    "when": dates.format_range(m.starts_at, m.ends_at, m.chapter.time_zone)
                    if m.starts_at
                    else "",
                    "shop": m.business.name,
                }
                for m in mobs
                if m.business is not None
            ],
            "truncated": len(shops) >= selectors.MAP_MAX_ITEMS
            or len(mobs) >= selectors.MAP_MAX_ITEMS,
        }
    )


def _world_view() -> dict[str, Any]:
    """Every chapter in view, or the whole world before there is any."""
    bounds = chapter_bounds()
    if bounds is None:
        return {"center": [20.0, 0.0], "zoom": 2}
    return {"bounds": bounds}


def _chapter_map_settings(chapter: Chapter) -> dict[str, Any]:
    config = map_settings()
    if chapter.latitude is not None and chapter.longitude is not None:
        config.update(center=[float(chapter.latitude), float(chapter.longitude)], zoom=13)
    return config


# --- Nominating ----------------------------------------------------------------------------


@login_required
@require_GET
def business_nominate_start(request: HttpRequest) -> HttpResponse:
    """``/shops/nominate/``: nominate in your home chapter, or pick a chapter first."""
    slug = request.GET.get("chapter", "")
    if not slug and request.user.home_chapter_id:  # type: ignore[union-attr]
        slug = request.user.home_chapter.slug  # type: ignore[union-attr]
    if slug and slug_re.fullmatch(slug):
        return redirect("businesses:nominate", chapter_slug=slug)
    messages.info(request, _("Choose the chapter the shop belongs to, then nominate it there."))
    return redirect("chapters:list")


@login_required
@require_http_methods(["GET", "POST"])
def business_nominate(request: HttpRequest, chapter_slug: str) -> HttpResponse:
    chapter = access_chapter(slug=chapter_slug)
    membership = membership_of(chapter=chapter, user=request.user)
    verified = EmailAddress.objects.filter(user=request.user, verified=True).exists()
    status = 200
    if request.method == "POST":
        form = NominationForm(request.POST)
        if form.is_valid():
            try:
                result = services.business_nominate(
                    user=request.user,  # type: ignore[arg-type]
                    chapter=chapter,
                    data=form.business_data(),
                    reason=form.cleaned_data["reason"],
                    interest=form.cleaned_data["interest"],
                    interest_note=form.cleaned_data["interest_note"],
                )
            except DomainError as error:
                form_add_error(form, error)
                status = error.status
            else:
                if result.merged:
                    messages.success(
                        request,
                        _("%(name)s was already listed — we added your nomination to it.")
                        % {"name": result.business.name},
                    )
                else:
                    messages.success(
                        request,
                        _("Thank you! %(name)s is nominated in %(chapter)s.")
                        % {"name": result.business.name, "chapter": chapter.name},
                    )
                return redirect(result.business)
        else:
            status = 400
    else:
        form = NominationForm(initial={"country": chapter.country, "city": chapter.city})
    context = {
        "form": form,
        "chapter": chapter,
        "membership": membership,
        "verified": verified,
        "map_settings": _chapter_map_settings(chapter),
    }
    return render(request, "businesses/nominate.html", context, status=status)


# --- The business page and what it offers -----------------------------------------------------


@require_GET
def business_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile = selectors.business_profile(slug=slug, user=request.user)  # type: ignore[arg-type]
    business = profile.business
    context = {
        "business": business,
        "profile": profile,
        "mobs": profile.mobs,
        "live_mobs": profile.live_mobs,
        "can_edit": services.can_edit_business(business=business, user=request.user),  # type: ignore[arg-type]
        "is_owner": request.user.is_authenticated and business.owner_id == request.user.pk,
        "map_settings": {
            **map_settings(),
            "center": [float(business.latitude), float(business.longitude)],
            "zoom": 16,
        },
    }
    return render(request, "businesses/detail.html", context)


def _business_for_post(slug: str) -> Business:
    return selectors.access_business(slug=slug)


@login_required
@require_POST
def business_follow(request: HttpRequest, slug: str) -> HttpResponse:
    business = _business_for_post(slug)
    try:
        if request.POST.get("action") == "unfollow":
            services.business_unfollow(business=business, user=request.user)  # type: ignore[arg-type]
            messages.success(request, _("You no longer follow %(name)s.") % {"name": business.name})
        else:
            services.business_follow(business=business, user=request.user)  # type: ignore[arg-type]
            messages.success(
                request,
                _("You follow %(name)s: you will hear about its mobs.") % {"name": business.name},
            )
    except DomainError as error:
        return domain_error_response(request, error)
    return redirect(business)


@require_POST
def business_claim_request(request: HttpRequest, slug: str) -> HttpResponse:
    business = _business_for_post(slug)
    try:
        services.claim_invite(
            business=business,
            requested_by=request.user if request.user.is_authenticated else None,
        )
    except DomainError as error:
        return domain_error_response(request, error)
    messages.success(request, _("We emailed a private link to the shop's contact address."))
    return redirect(business)


@require_http_methods(["GET", "POST"])
def business_claim(request: HttpRequest, token: str) -> HttpResponse:
    """The landing page of the emailed link: look, log in if needed, then claim."""
    try:
        invitation = services.claim_check(token=token)
    except DomainError as error:
        return domain_error_response(request, error)
    business = invitation.business
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.claim_accept(token=token, user=request.user)
        except DomainError as error:
            return domain_error_response(request, error)
        messages.success(
            request,
            _("%(name)s is yours: you can now edit its profile.") % {"name": business.name},
        )
        return redirect(business)
    return render(request, "businesses/claim.html", {"business": business, "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request: HttpRequest, slug: str) -> HttpResponse:
    business = selectors.access_business(slug=slug)
    if not services.can_edit_business(business=business, user=request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = BusinessEditForm(request.POST, instance=business)
        if form.is_valid():
            try:
                services.business_update(
                    business=selectors.access_business(slug=slug),
                    actor=request.user,  # type: ignore[arg-type]
                    data=form.business_data(),
                )
            except DomainError as error:
                form_add_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The shop's profile is saved."))
                return redirect(business)
        else:
            status = 400
    else:
        form = BusinessEditForm(instance=business)
    context = {
        "form": form,
        "business": business,
        "map_settings": {
            **map_settings(),
            "center": [float(business.latitude), float(business.longitude)],
            "zoom": 16,
        },
    }
    return render(request, "businesses/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def business_exclude(request: HttpRequest, slug: str) -> HttpResponse:
    business = selectors.access_business(slug=slug)
    user = request.user
    if not (user.is_staff or (business.owner_id is not None and business.owner_id == user.pk)):
        raise PermissionDenied
    status = 200
    form = ExcludeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.business_exclude(
                    business=business,
                    actor=user,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                return domain_error_response(request, error)
            messages.success(
                request,
                _("Done. %(name)s will not be chosen for any future mob.")
                % {"name": business.name},
            )
            return redirect(business)
        status = 400
    return render(
        request, "businesses/exclude.html", {"form": form, "business": business}, status=status
    )
