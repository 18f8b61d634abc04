"""The vote and date-poll pages: who may answer, who may close, what each sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.mobs.tests.factories import MobFactory
from cashmob.voting.models import Ballot, PollStatus, ShopVote, SlotAnswer
from cashmob.voting.services import (
    ballot_cast,
    date_poll_open,
    shop_vote_close,
    shop_vote_open,
    slot_answers_set,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "stranger", "member", "co_organiser", "organiser", "staff")
ORGANISERS = {"co_organiser", "organiser", "staff"}
MEMBERS = {"member", "co_organiser", "organiser"}


def login_as(client, role: str, chapter):  # type: ignore[no-untyped-def]
    if role == "anonymous":
        return None
    if role == "stranger":
        user = UserFactory()
    elif role == "staff":
        user = UserFactory(is_staff=True)
    else:
        user = MembershipFactory(chapter=chapter, role=role).user
    client.force_login(user)
    return user


@pytest.fixture
def vote():  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="en")
    organiser = OrganiserFactory(chapter=chapter).user
    for name in ("Alpha Books", "Beta Bakery", "Gamma Games"):
        BusinessFactory(chapter=chapter, name=name)
    mob = MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)
    return shop_vote_open(
        mob=mob, actor=organiser, closes_at=timezone.now() + timedelta(days=2)
    ), organiser


@pytest.fixture
def poll():  # type: ignore[no-untyped-def]
    chapter = ChapterFactory(language="en")
    organiser = OrganiserFactory(chapter=chapter).user
    mob = MobFactory(chapter=chapter)
    start = timezone.now() + timedelta(days=6)
    return date_poll_open(
        mob=mob,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=2),
        slots=[
            (start, start + timedelta(hours=2)),
            (start + timedelta(days=1), start + timedelta(days=1, hours=2)),
        ],
    ), organiser


def _url(vote) -> str:  # type: ignore[no-untyped-def]
    return reverse("voting:vote", kwargs={"pk": vote.pk})


# --- Vote page --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_vote_page_ballot_by_role(client, vote, role) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    login_as(client, role, vote.mob.chapter)
    candidate = vote.candidates.first()
    response = client.post(_url(vote), {"choices": [candidate.pk]})
    if role == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif role in MEMBERS:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    assert Ballot.objects.filter(vote=vote).exists() == (role in MEMBERS)


def test_vote_page_shows_a_join_prompt_to_non_members(client, vote) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    login_as(client, "stranger", vote.mob.chapter)
    body = client.get(_url(vote)).content.decode()
    assert reverse("chapters:join", kwargs={"slug": vote.mob.chapter.slug}) in body
    assert 'name="choices"' not in body


def test_vote_page_shows_a_login_prompt_to_visitors(client, vote) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    body = client.get(_url(vote)).content.decode()
    assert reverse("account_login") in body
    assert "Alpha Books" in body


def test_vote_page_keeps_a_members_ballot_ticked(client, vote) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    member = login_as(client, "member", vote.mob.chapter)
    candidate = vote.candidates.get(business__name="Beta Bakery")
    ballot_cast(vote=vote, user=member, candidate_ids=[candidate.pk])
    body = client.get(_url(vote)).content.decode()
    assert f'value="{candidate.pk}" id="id_choices_1" checked' in body
    assert "Update my ballot" in body


@pytest.mark.parametrize(("choices", "status"), [([], 400), (["999999"], 400), (["abc"], 400)])
def test_vote_page_bad_ballot_is_refused(client, vote, choices, status) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    login_as(client, "member", vote.mob.chapter)
    response = client.post(_url(vote), {"choices": choices})
    assert response.status_code == status
    assert not Ballot.objects.exists()


def test_vote_page_empty_ballot_says_its_error_once_at_the_field(client, vote) -> None:  # type: ignore[no-untyped-def]
    """The ballot has one field: its error sits at the field, with no summary repeating it."""
    vote, _organiser = vote
    login_as(client, "member", vote.mob.chapter)
    response = client.post(_url(vote), {"choices": []}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("Tick at least one shop you would support.") == 1
    assert 'id="id_choices_error"' in body
    assert "error-summary" not in body


def test_vote_page_ballot_from_another_vote_is_refused(client, vote) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    other_chapter = ChapterFactory()
    other_org = OrganiserFactory(chapter=other_chapter).user
    for _ in range(2):
        BusinessFactory(chapter=other_chapter)
    other = shop_vote_open(
        mob=MobFactory(chapter=other_chapter, business=None, starts_at=None, ends_at=None),
        actor=other_org,
        closes_at=timezone.now() + timedelta(days=1),
    )
    login_as(client, "member", vote.mob.chapter)
    response = client.post(_url(vote), {"choices": [other.candidates.first().pk]})
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_vote_page_after_the_close_refuses_ballots_and_shows_counts(client, vote) -> None:  # type: ignore[no-untyped-def]
    vote, organiser = vote
    chapter = vote.mob.chapter
    beta = vote.candidates.get(business__name="Beta Bakery")
    for _ in range(2):
        ballot_cast(
            vote=vote, user=MembershipFactory(chapter=chapter).user, candidate_ids=[beta.pk]
        )
    shop_vote_close(vote=vote, actor=organiser)
    member = login_as(client, "member", chapter)
    response = client.post(_url(vote), {"choices": [beta.pk]})
    assert response.status_code == 409
    assert not Ballot.objects.filter(user=member).exists()
    body = client.get(_url(vote), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "won the vote" in body
    assert "<strong>2</strong>" in body


def test_vote_page_runs_a_fixed_number_of_queries(
    client, vote, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    for _ in range(5):
        BusinessFactory(chapter=vote.mob.chapter)
    member = login_as(client, "member", vote.mob.chapter)
    ballot_cast(vote=vote, user=member, candidate_ids=[vote.candidates.first().pk])
    # One query more for signed-in pages: whether the viewer owns a shop (the header's "My shop").
    with django_assert_max_num_queries(10):
        assert client.get(_url(vote)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["vote_close", "vote_cancel"])
def test_vote_close_and_cancel_are_for_organisers_only(client, vote, role, action) -> None:  # type: ignore[no-untyped-def]
    vote, _organiser = vote
    login_as(client, role, vote.mob.chapter)
    response = client.post(reverse(f"voting:{action}", kwargs={"pk": vote.pk}))
    vote.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif role in ORGANISERS:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    assert (vote.status != PollStatus.OPEN) == (role in ORGANISERS)


def test_vote_close_redirects_only_to_this_site(client, vote) -> None:  # type: ignore[no-untyped-def]
    vote, organiser = vote
    client.force_login(organiser)
    response = client.post(
        reverse("voting:vote_close", kwargs={"pk": vote.pk}), {"next": "https://evil.example/"}
    )
    assert response["Location"] == _url(vote)


def test_vote_cancel_twice_is_a_clear_conflict(client, vote) -> None:  # type: ignore[no-untyped-def]
    vote, organiser = vote
    client.force_login(organiser)
    url = reverse("voting:vote_cancel", kwargs={"pk": vote.pk})
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 409
    assert 'data-error-code="vote_not_open"' in response.content.decode()
    assert ShopVote.objects.get().status == PollStatus.CANCELLED


def test_vote_page_of_an_unknown_vote_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("voting:vote", kwargs={"pk": 999})).status_code == 404


# --- Poll page --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_poll_page_answers_by_role(client, poll, role) -> None:  # type: ignore[no-untyped-def]
    poll, _organiser = poll
    login_as(client, role, poll.mob.chapter)
    data = {f"slot_{s.pk}": "yes" for s in poll.slots.all()}
    response = client.post(reverse("voting:poll", kwargs={"pk": poll.pk}), data)
    if role == "anonymous" or role in MEMBERS:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    assert SlotAnswer.objects.exists() == (role in MEMBERS)


def test_poll_page_needs_an_answer_for_every_slot(client, poll) -> None:  # type: ignore[no-untyped-def]
    poll, _organiser = poll
    login_as(client, "member", poll.mob.chapter)
    first = poll.slots.first()
    response = client.post(
        reverse("voting:poll", kwargs={"pk": poll.pk}), {f"slot_{first.pk}": "perhaps"}
    )
    assert response.status_code == 400
    assert not SlotAnswer.objects.exists()


def test_poll_page_lists_the_best_slots_with_counts(client, poll) -> None:  # type: ignore[no-untyped-def]
    poll, organiser = poll
    first, second = poll.slots.order_by("starts_at")
    for answer in ("yes", "yes", "maybe"):
        member = MembershipFactory(chapter=poll.mob.chapter).user
        slot_answers_set(poll=poll, user=member, answers={second.pk: answer, first.pk: "no"})
    client.force_login(organiser)
    body = client.get(reverse("voting:poll", kwargs={"pk": poll.pk})).content.decode()
    assert body.index("<strong>2</strong>") < body.index("<strong>0</strong>")
    assert reverse("voting:poll_close", kwargs={"pk": poll.pk}) in body


@pytest.mark.parametrize("role", ROLES)
def test_poll_close_is_for_organisers_only(client, poll, role) -> None:  # type: ignore[no-untyped-def]
    poll, _organiser = poll
    login_as(client, role, poll.mob.chapter)
    slot = poll.slots.last()
    response = client.post(
        reverse("voting:poll_close", kwargs={"pk": poll.pk}), {"poll_close-slot": slot.pk}
    )
    poll.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ORGANISERS:
        assert response.status_code == 302
        assert poll.chosen == slot
        poll.mob.refresh_from_db()
        assert poll.mob.starts_at == slot.starts_at
    else:
        assert response.status_code == 403
    assert (poll.status == PollStatus.CLOSED) == (role in ORGANISERS)


def test_poll_close_with_a_foreign_slot_changes_nothing(client, poll) -> None:  # type: ignore[no-untyped-def]
    poll, organiser = poll
    client.force_login(organiser)
    response = client.post(
        reverse("voting:poll_close", kwargs={"pk": poll.pk}), {"poll_close-slot": "99999"}
    )
    assert response.status_code == 400
    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN


def test_vote_page_of_a_secret_mob_is_hidden_from_visitors(client) -> None:  # type: ignore[no-untyped-def]
    """The winner of a vote would name a secret shop: only members see it before reveal."""
    from datetime import timedelta

    from django.utils import timezone

    from cashmob.chapters.tests.factories import MembershipFactory, OrganiserFactory
    from cashmob.mobs.models import Mob
    from cashmob.mobs.tests.factories import MobFactory
    from cashmob.voting.services import shop_vote_close, shop_vote_open

    mob = MobFactory(chapter=ChapterFactory(), business=None, starts_at=None, ends_at=None)
    organiser = OrganiserFactory(chapter=mob.chapter).user
    for _ in range(2):
        BusinessFactory(chapter=mob.chapter)
    vote = shop_vote_open(mob=mob, actor=organiser, closes_at=timezone.now() + timedelta(days=1))
    shop_vote_close(vote=vote, actor=organiser)
    Mob.objects.filter(pk=mob.pk).update(reveal_at=timezone.now() + timedelta(days=3))
    url = reverse("voting:vote", args=[vote.pk])
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(chapter=mob.chapter).user)
    assert client.get(url).status_code == 200
