"""The day's pages through the test client: thin views over the services, clear 4xx errors,
pinned query counts on the hot pages."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.urls import reverse

from cashmob.checkin import codes
from cashmob.checkin.models import CheckIn, SpendReport
from cashmob.checkin.services import checkin_record, spend_report_submit
from cashmob.checkin.tests import images
from cashmob.checkin.tests.factories import LiveMobFactory, RsvpFactory, owner_request
from cashmob.mobs.models import MobStatus

pytestmark = pytest.mark.django_db


def _me(mob) -> str:  # type: ignore[no-untyped-def]
    return reverse("checkin:me", kwargs={"slug": mob.slug})


def _report_data(amount: str = "20", key: str | None = None) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR", "idempotency_key": key or str(uuid.uuid4())}


def test_me_shows_personal_qr_before_checkin(client, mob) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    client.force_login(rsvp.user)
    response = client.get(_me(mob))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert codes.personal_code(rsvp) in body
    assert response["Cache-Control"] == "private, no-store"


def test_me_anonymous_is_shown_the_way_in_for_members_and_guests(client, mob) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_me(mob), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/accounts/login/?next=%2Fday%2F{mob.slug}%2Fme%2F" in body
    assert "without an account" in body
    # A form posted without a session still goes to the login page.
    url = reverse("checkin:me_checkin", kwargs={"slug": mob.slug})
    posted = client.post(url, {"code": codes.mob_code(mob)})
    assert posted.status_code == 302
    assert "login" in posted["Location"]


def test_me_checkin_with_mob_code(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    client.force_login(mobber)
    url = reverse("checkin:me_checkin", kwargs={"slug": mob.slug})
    response = client.post(url, {"code": codes.mob_code(mob).lower()}, follow=True)
    assert response.status_code == 200
    assert b"data-checked-in" in response.content
    again = client.post(url, {"code": codes.mob_code(mob)}, follow=True)
    assert "already checked in" in again.content.decode()
    mob.refresh_from_db()
    assert mob.checkin_count == 1


def test_me_checkin_wrong_code_is_a_form_error(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    client.force_login(mobber)
    url = reverse("checkin:me_checkin", kwargs={"slug": mob.slug})
    response = client.post(url, {"code": "ZZZZZZ"})
    assert response.status_code == 400
    assert "not the code shown in the shop" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_me_checkin_wrong_code_is_said_once_at_the_field(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    """The code form has one field: the refusal sits at the field, with no summary above."""
    client.force_login(mobber)
    url = reverse("checkin:me_checkin", kwargs={"slug": mob.slug})
    response = client.post(url, {"code": "ZZZZZZ"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert body.count("not the code shown in the shop") == 1
    assert 'aria-invalid="true"' in body
    assert "error-summary" not in body


def test_me_report_retried_post_counts_once(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    url = reverse("checkin:me_report", kwargs={"slug": mob.slug})
    data = _report_data("19.90")
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    assert "already received" in second.content.decode()
    mob.refresh_from_db()
    assert (mob.reported_total_minor, mob.report_count) == (1990, 1)


def test_me_report_form_has_a_fresh_key_each_time(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    first = client.get(_me(mob)).context["report_form"]["idempotency_key"].value()
    second = client.get(_me(mob)).context["report_form"]["idempotency_key"].value()
    assert first != second


@pytest.mark.parametrize("amount", ["-3", "0", "abc", "99999999"])
def test_me_report_bad_amount_is_400_and_nothing_changes(client, mob, mobber, amount) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    url = reverse("checkin:me_report", kwargs={"slug": mob.slug})
    response = client.post(url, _report_data(amount))
    assert response.status_code == 400
    assert not SpendReport.objects.exists()


def test_me_report_wrong_currency_is_400(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    url = reverse("checkin:me_report", kwargs={"slug": mob.slug})
    response = client.post(url, {**_report_data(), "currency": "USD"})
    assert response.status_code == 400
    assert not SpendReport.objects.exists()


def test_me_report_not_checked_in_is_403(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    client.force_login(mobber)
    url = reverse("checkin:me_report", kwargs={"slug": mob.slug})
    assert client.post(url, _report_data()).status_code == 403
    assert not SpendReport.objects.exists()


@pytest.mark.parametrize("make", [images.not_an_image, images.bomb])
def test_me_report_bad_receipt_is_400(client, mob, mobber, make) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    url = reverse("checkin:me_report", kwargs={"slug": mob.slug})
    response = client.post(url, {**_report_data(), "receipt": make()})
    assert response.status_code == 400
    assert not SpendReport.objects.exists()


def test_me_report_with_receipt(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    url = reverse("checkin:me_report", kwargs={"slug": mob.slug})
    response = client.post(url, {**_report_data(), "receipt": images.photo()})
    assert response.status_code == 302
    assert SpendReport.objects.get().receipt.name.endswith(".jpg")


def test_me_correct(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    report, _ = spend_report_submit(
        mob=mob, actor=mobber, amount="20", currency="EUR", idempotency_key=uuid.uuid4()
    )
    client.force_login(mobber)
    url = reverse("checkin:me_correct", kwargs={"slug": mob.slug, "report_id": report.pk})
    assert client.post(url, {"amount": "25", "currency": "EUR"}).status_code == 302
    mob.refresh_from_db()
    assert mob.reported_total_minor == 2500
    assert client.post(url, {"amount": "-1", "currency": "EUR"}).status_code == 400


def test_me_page_gives_each_reports_correction_its_own_ids(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    """The new-report form and one correction form per report all have an amount: each label
    points at its own field."""
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    reports = [
        spend_report_submit(
            mob=mob, actor=mobber, amount=amount, currency="EUR", idempotency_key=uuid.uuid4()
        )[0]
        for amount in ("20", "12")
    ]
    client.force_login(mobber)
    body = client.get(_me(mob)).content.decode()
    assert body.count('id="id_amount"') == 1
    assert body.count('id="id_currency"') == 1
    for report in reports:
        assert body.count(f'id="id_correct_{report.pk}_amount"') == 1
        assert f'for="id_correct_{report.pk}_amount"' in body
    # Shown again with its error, a correction keeps its own ids.
    url = reverse("checkin:me_correct", kwargs={"slug": mob.slug, "report_id": reports[0].pk})
    again = client.post(url, {"amount": "-1", "currency": "EUR"}).content.decode()
    assert again.count('id="id_amount"') == 1
    assert f'id="id_correct_{reports[0].pk}_amount_error"' in again


def test_me_correct_someone_elses_report_is_404(client, mob, mobber, organiser) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    report, _ = spend_report_submit(
        mob=mob, actor=mobber, amount="20", currency="EUR", idempotency_key=uuid.uuid4()
    )
    client.force_login(organiser)
    url = reverse("checkin:me_correct", kwargs={"slug": mob.slug, "report_id": report.pk})
    assert client.post(url, {"amount": "1", "currency": "EUR"}).status_code == 404


def test_me_about(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    url = reverse("checkin:me_about", kwargs={"slug": mob.slug})
    assert client.post(url, {"first_time": "yes", "met_count": "3"}).status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.first_time, checkin.met_count) == (True, 3)
    assert client.post(url, {"first_time": "yes", "met_count": "-3"}).status_code == 400


# --- Organisers ---------------------------------------------------------------------------------


def test_scan_page_checks_in_personal_code(client, mob, organiser) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    client.force_login(organiser)
    url = reverse("checkin:scan", kwargs={"slug": mob.slug})
    payload = codes.personal_qr_payload(mob, rsvp)
    assert client.get(url, {"code": codes.personal_code(rsvp)}).status_code == 200
    response = client.post(url, {"code": payload}, follow=True)
    assert "is checked in" in response.content.decode()
    again = client.post(url, {"code": payload}, follow=True)
    assert "already checked in" in again.content.decode()
    mob.refresh_from_db()
    assert mob.checkin_count == 1


def test_scan_page_forged_code_is_400(client, mob, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    url = reverse("checkin:scan", kwargs={"slug": mob.slug})
    response = client.post(url, {"code": "12-AAAAAAAA"})
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_scan_page_walk_in(client, mob, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    url = reverse("checkin:scan", kwargs={"slug": mob.slug})
    assert client.post(url, {"walk_in_name": "Bob"}).status_code == 302
    assert CheckIn.objects.get().walk_in_name == "Bob"


def test_walk_in_form_sent_twice_adds_the_walk_in_once(client, mob, organiser) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.models import Mob

    client.force_login(organiser)
    url = reverse("checkin:scan", kwargs={"slug": mob.slug})
    page = client.get(url).content.decode()
    key = page.split('name="key" value="', 1)[1].split('"', 1)[0]
    for _ in range(2):  # a double tap, or the browser sending it again
        assert client.post(url, {"walk_in_name": "Bob", "key": key}).status_code == 302
    assert CheckIn.objects.filter(walk_in_name="Bob").count() == 1
    assert Mob.objects.get(pk=mob.pk).checkin_count == 1
    # A new form (a new key) is a new person, even with the same name.
    fresh = client.get(url).content.decode().split('name="key" value="', 1)[1].split('"', 1)[0]
    assert fresh != key
    client.post(url, {"walk_in_name": "Bob", "key": fresh})
    assert CheckIn.objects.filter(walk_in_name="Bob").count() == 2


def test_day_view_is_for_organisers_only(client, mob, mobber) -> None:  # type: ignore[no-untyped-def]
    url = reverse("checkin:day", kwargs={"slug": mob.slug})
    assert client.get(url).status_code == 302
    client.force_login(mobber)
    # A mobber given the day's address lands on their own day page instead.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("checkin:me", kwargs={"slug": mob.slug})
    assert "view" not in client.get(url, follow=True).context
    assert client.get(reverse("checkin:scan", kwargs={"slug": mob.slug})).status_code == 403
    csv_url = reverse("checkin:attendance_csv", kwargs={"slug": mob.slug})
    assert client.get(csv_url).status_code == 403


def test_day_view_lists_searches_and_pins_queries(  # type: ignore[no-untyped-def]
    client, mob, organiser, django_assert_num_queries
) -> None:
    for n in range(5):
        checkin_record(mob=mob, actor=organiser, walk_in_name=f"Walker {n}")
    checkin_record(mob=mob, actor=organiser, walk_in_name="Zoé")
    client.force_login(organiser)
    url = reverse("checkin:day", kwargs={"slug": mob.slug})
    client.get(url)
    # session, user, mob, organiser check, check-ins, held reports, counts, and the
    # header's check whether the signed-in person owns a shop ("My shop").
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert codes.mob_code(mob) in response.content.decode()
    searched = client.get(url, {"q": "zoé"})
    assert [c.walk_in_name for c in searched.context["view"].checkins] == ["Zoé"]


def test_day_view_review_held_report(client, mob, organiser, mobber) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    report, _ = spend_report_submit(
        mob=mob, actor=mobber, amount="250", currency="EUR", idempotency_key=uuid.uuid4()
    )
    client.force_login(organiser)
    day = client.get(reverse("checkin:day", kwargs={"slug": mob.slug}))
    assert day.context["view"].held == [report]
    url = reverse("checkin:review", kwargs={"slug": mob.slug, "report_id": report.pk})
    assert client.post(url, {"decision": "approve"}).status_code == 302
    assert client.post(url, {"decision": "approve"}).status_code == 409
    mob.refresh_from_db()
    assert mob.reported_total_minor == 25_000


def test_day_view_reveal_now(client, chapter, organiser) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    mob = LiveMobFactory(
        business__chapter=chapter,
        status=MobStatus.PUBLISHED,
        reveal_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(organiser)
    assert "Reveal the shop now" in client.get(f"/day/{mob.slug}/").content.decode()
    assert client.post(reverse("checkin:reveal", kwargs={"slug": mob.slug})).status_code == 302
    mob.refresh_from_db()
    assert not mob.is_secret_at(timezone.now())


def test_attendance_csv(client, mob, organiser) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=organiser, walk_in_name="=HYPERLINK(1)")
    rsvp = RsvpFactory(mob=mob, user__display_name="Ada")
    checkin_record(mob=mob, actor=organiser, code=codes.personal_code(rsvp))
    client.force_login(organiser)
    response = client.get(reverse("checkin:attendance_csv", kwargs={"slug": mob.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[2][1] == "Ada"
    assert rows[2][3] == "yes"


# --- The shop -------------------------------------------------------------------------------------


def test_owner_page_confirms_total(client, chapter) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.now() - timedelta(hours=4)
    mob = LiveMobFactory(
        business__chapter=chapter,
        status=MobStatus.CLOSED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    _request, token = owner_request(mob)
    url = reverse("checkin:owner", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert client.post(url, {"total": "abc"}).status_code == 400
    assert client.post(url, {"total": "812.30", "transaction_count": "41"}).status_code == 302
    mob.refresh_from_db()
    assert (mob.confirmed_total_minor, mob.status) == (81_230, MobStatus.REPORTED)
    tally = client.get(reverse("checkin:tally", kwargs={"slug": mob.slug})).content.decode()
    assert "812" in tally
    assert "41 sales" in tally


def test_owner_page_forged_token_is_4xx(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("checkin:owner", kwargs={"token": "forged"}))
    assert response.status_code == 410


def test_owner_scan_page_checks_in(client, mob) -> None:  # type: ignore[no-untyped-def]
    _request, token = owner_request(mob)
    rsvp = RsvpFactory(mob=mob)
    url = reverse("checkin:owner_scan", kwargs={"token": token})
    assert client.post(url, {"code": codes.personal_code(rsvp)}).status_code == 302
    assert CheckIn.objects.get().rsvp == rsvp


# --- The live tally -------------------------------------------------------------------------------


def test_tally_shows_figures_without_javascript_and_pins_queries(  # type: ignore[no-untyped-def]
    client, mob, mobber, django_assert_num_queries
) -> None:
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    for amount in ("20", "35.50"):
        spend_report_submit(
            mob=mob, actor=mobber, amount=amount, currency="EUR", idempotency_key=uuid.uuid4()
        )
    url = reverse("checkin:tally", kwargs={"slug": mob.slug})
    # The mob with its confirmation, and the counted reports' times.
    with django_assert_num_queries(2):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "55.50" in body or "55,50" in body
    assert 'data-field="checkins">1<' in body
    assert "/live/" + mob.slug + "/stream" in body
    assert "<polyline" in body


def test_tally_stream_url_is_configurable(client, mob, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIVE_STREAM_URL = "https://live.example.org"
    response = client.get(reverse("checkin:tally", kwargs={"slug": mob.slug}))
    assert response.context["stream_url"] == f"https://live.example.org/live/{mob.slug}/stream"


def test_tally_of_unpublished_mob_is_404(client, chapter) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tests.factories import MobFactory

    mob = MobFactory(business__chapter=chapter)
    assert client.get(reverse("checkin:tally", kwargs={"slug": mob.slug})).status_code == 404


def test_mob_page_shows_the_personal_qr_to_a_participant(client, mob) -> None:  # type: ignore[no-untyped-def]
    rsvp = RsvpFactory(mob=mob)
    client.force_login(rsvp.user)
    body = client.get(mob.get_absolute_url()).content.decode()
    assert codes.personal_code(rsvp) in body
    assert reverse("checkin:tally", kwargs={"slug": mob.slug}) in body


def test_receipt_is_served_to_organisers_only(client, mob, mobber, organiser) -> None:  # type: ignore[no-untyped-def]
    checkin_record(mob=mob, actor=mobber, code=codes.mob_code(mob))
    client.force_login(mobber)
    client.post(
        reverse("checkin:me_report", kwargs={"slug": mob.slug}),
        {**_report_data(), "receipt": images.photo()},
    )
    report = SpendReport.objects.get()
    url = reverse("checkin:receipt", kwargs={"slug": mob.slug, "report_id": report.pk})
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_tally_before_the_start_shows_when_it_starts(client, chapter) -> None:  # type: ignore[no-untyped-def]
    from cashmob.mobs.tests.factories import PublishedMobFactory

    mob = PublishedMobFactory(business__chapter=chapter)
    body = client.get(reverse("checkin:tally", kwargs={"slug": mob.slug})).content.decode()
    assert ">the start</p>" in body
    assert "0 min" not in body  # not "0 min since the start" for a mob days away
    assert 'data-running-label="since the start"' in body  # what the clock says once live
