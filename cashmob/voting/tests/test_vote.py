"""The shop vote: approval ballots, one per member, results with tie-breaks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cashmob.accounts.tests.factories import UserFactory
from cashmob.businesses.models import Business
from cashmob.businesses.tests.factories import BusinessFactory
from cashmob.chapters.tests.factories import ChapterFactory, MembershipFactory, OrganiserFactory
from cashmob.mobs.models import Mob
from cashmob.mobs.tests.factories import MobFactory, PublishedMobFactory
from cashmob.voting.exceptions import VotingClosedError, VotingError, VotingPermissionError
from cashmob.voting.models import Ballot, PollStatus
from cashmob.voting.services import ballot_cast, shop_vote_cancel, shop_vote_close, shop_vote_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    chapter = ChapterFactory()
    organiser = OrganiserFactory(chapter=chapter).user
    mob = MobFactory(chapter=chapter, business=None, starts_at=None, ends_at=None)
    shops = [BusinessFactory(chapter=chapter, name=f"Shop {c}") for c in "ABC"]
    return chapter, organiser, mob, shops


def _member(chapter):  # type: ignore[no-untyped-def]
    return MembershipFactory(chapter=chapter).user


def _open(mob: Mob, organiser, **kwargs):  # type: ignore[no-untyped-def]
    return shop_vote_open(
        mob=mob, actor=organiser, closes_at=timezone.now() + timedelta(days=3), **kwargs
    )


def test_shop_vote_open_lists_eligible_shops_and_notifies_members(
    setup, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    excluded = BusinessFactory(chapter=chapter, status=Business.Status.EXCLUDED)
    cooling = BusinessFactory(chapter=chapter, last_mobbed_at=timezone.now() - timedelta(days=10))
    _member(chapter)
    with django_capture_on_commit_callbacks(execute=True):
        vote = _open(mob, organiser)
    listed = set(vote.candidates.values_list("business_id", flat=True))
    # Shops resting after a recent mob and excluded ones never appear (the rotation).
    assert listed == {s.pk for s in shops}
    assert excluded.pk not in listed
    assert cooling.pk not in listed
    assert len(mail.outbox) == 2  # the organiser and the member
    assert "Vote now" in mail.outbox[0].subject


def test_shop_vote_open_refuses_an_excluded_shop_in_a_shortlist(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    excluded = BusinessFactory(chapter=chapter, status=Business.Status.EXCLUDED)
    with pytest.raises(VotingError) as excinfo:
        _open(mob, organiser, business_ids=[shops[0].pk, excluded.pk])
    assert excinfo.value.code == "ineligible_candidate"
    assert not mob.shop_votes.exists()


def test_shop_vote_open_by_a_member_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, _organiser, mob, _shops = setup
    with pytest.raises(VotingPermissionError):
        _open(mob, _member(chapter))


def test_shop_vote_open_twice_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    _chapter, organiser, mob, _shops = setup
    _open(mob, organiser)
    with pytest.raises(VotingClosedError) as excinfo:
        _open(mob, organiser)
    assert excinfo.value.code == "vote_already_open"


def test_ballot_cast_is_one_per_member_and_changeable(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser)
    member = _member(chapter)
    a, b, _c = (vote.candidates.get(business=s) for s in shops)
    ballot_cast(vote=vote, user=member, candidate_ids=[a.pk, b.pk])
    ballot_cast(vote=vote, user=member, candidate_ids=[b.pk])
    ballot = Ballot.objects.get(vote=vote, user=member)
    assert set(ballot.choices.values_list("pk", flat=True)) == {b.pk}
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_ballot_cast_by_a_non_member_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    _chapter, organiser, mob, _shops = setup
    vote = _open(mob, organiser)
    with pytest.raises(VotingPermissionError) as excinfo:
        ballot_cast(vote=vote, user=UserFactory(), candidate_ids=[vote.candidates.first().pk])
    assert excinfo.value.code == "not_member"
    assert not Ballot.objects.exists()


def test_ballot_cast_after_the_close_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, _shops = setup
    vote = _open(mob, organiser)
    shop_vote_close(vote=vote, actor=organiser)
    with pytest.raises(VotingClosedError) as excinfo:
        ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[vote.candidates.first().pk])
    assert excinfo.value.code == "vote_closed"


def test_ballot_cast_past_the_closing_time_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, _shops = setup
    vote = _open(mob, organiser)
    type(vote).objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(VotingClosedError):
        ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[vote.candidates.first().pk])


def test_ballot_cast_for_a_shop_not_on_the_ballot_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser, business_ids=[shops[0].pk, shops[1].pk])
    with pytest.raises(VotingError) as excinfo:
        ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[999_999])
    assert excinfo.value.code == "invalid_choice"
    with pytest.raises(VotingError) as excinfo:
        ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[])
    assert excinfo.value.code == "empty_ballot"


def test_shop_vote_close_counts_and_makes_the_winner_the_mobs_shop(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser)
    a, b, c = (vote.candidates.get(business=s) for s in shops)
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk, b.pk])
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[b.pk])
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[b.pk, c.pk])
    vote = shop_vote_close(vote=vote, actor=organiser)
    assert vote.status == PollStatus.CLOSED
    assert vote.winner == shops[1]
    assert vote.ballot_count == 3
    counts = dict(vote.candidates.values_list("business__name", "approvals"))
    assert counts == {"Shop A": 1, "Shop B": 3, "Shop C": 1}
    mob.refresh_from_db()
    assert mob.business == shops[1]


def test_shop_vote_close_breaks_ties_by_fewest_past_mobs(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    Business.objects.filter(pk=shops[0].pk).update(mob_count=2)
    vote = _open(mob, organiser)
    a, b, _c = (vote.candidates.get(business=s) for s in shops)
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk, b.pk])
    assert shop_vote_close(vote=vote, actor=organiser).winner == shops[1]


def test_shop_vote_close_breaks_equal_mobs_by_earliest_nomination(setup) -> None:  # type: ignore[no-untyped-def]
    from cashmob.businesses.models import Nomination

    chapter, organiser, mob, shops = setup
    nominator = _member(chapter)
    later = Nomination.objects.create(business=shops[0], user=nominator, chapter=chapter)
    earlier = Nomination.objects.create(business=shops[1], user=nominator, chapter=chapter)
    Nomination.objects.filter(pk=earlier.pk).update(created_at=later.created_at - timedelta(days=1))
    vote = _open(mob, organiser)
    a, b, _c = (vote.candidates.get(business=s) for s in shops)
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk, b.pk])
    assert shop_vote_close(vote=vote, actor=organiser).winner == shops[1]


def test_shop_vote_close_twice_is_harmless(setup) -> None:  # type: ignore[no-untyped-def]
    _chapter, organiser, mob, _shops = setup
    vote = _open(mob, organiser)
    first = shop_vote_close(vote=vote, actor=organiser).closed_at
    assert shop_vote_close(vote=vote, actor=organiser).closed_at == first


def test_shop_vote_cancel_keeps_the_mob_without_shop(setup) -> None:  # type: ignore[no-untyped-def]
    _chapter, organiser, mob, _shops = setup
    vote = shop_vote_cancel(vote=_open(mob, organiser), actor=organiser)
    assert vote.status == PollStatus.CANCELLED
    mob.refresh_from_db()
    assert mob.business is None


def test_eligible_businesses_leaves_out_shops_on_cool_down(setup) -> None:  # type: ignore[no-untyped-def]
    from cashmob.voting.selectors import eligible_businesses

    chapter, _organiser, _mob, shops = setup
    Business.objects.filter(pk=shops[0].pk).update(
        last_mobbed_at=timezone.now() - timedelta(days=10), mob_count=1
    )
    Business.objects.filter(pk=shops[1].pk).update(
        last_mobbed_at=timezone.now() - timedelta(days=chapter.cooldown_days + 1), mob_count=1
    )
    eligible = list(eligible_businesses(chapter=chapter))
    # Least mobbed first; the shop mobbed ten days ago rests.
    assert [b.pk for b in eligible] == [shops[2].pk, shops[1].pk]


def test_shop_vote_close_never_chooses_a_shop_mobbed_while_the_vote_was_open(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser)
    # Mobbed since the vote opened (e.g. an old mob entered by hand): it rests, so it
    # cannot win, however many approvals it has.
    Business.objects.filter(pk=shops[0].pk).update(
        last_mobbed_at=timezone.now() - timedelta(days=3)
    )
    a, b, _c = (vote.candidates.get(business=s) for s in shops)
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk, b.pk])
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk])
    closed = shop_vote_close(vote=vote, actor=organiser)
    assert closed.winner == shops[1]
    assert list(closed.candidates.order_by("rank").values_list("business", flat=True)) == [
        shops[1].pk,
        shops[2].pk,
        shops[0].pk,
    ]
    mob.refresh_from_db()
    assert mob.business == shops[1]


def test_shop_vote_close_never_chooses_a_shop_another_mob_took_meanwhile(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser)
    MobFactory(chapter=chapter, business=shops[0], starts_at=None, ends_at=None)
    a, b, _c = (vote.candidates.get(business=s) for s in shops)
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk])
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk, b.pk])
    closed = shop_vote_close(vote=vote, actor=organiser)
    assert closed.winner == shops[1]
    mob.refresh_from_db()
    assert mob.business == shops[1]


def test_shop_vote_close_leaves_no_winner_when_only_taken_shops_had_approvals(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser)
    MobFactory(chapter=chapter, business=shops[0], starts_at=None, ends_at=None)
    a = vote.candidates.get(business=shops[0])
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk])
    closed = shop_vote_close(vote=vote, actor=organiser)
    assert closed.winner is None
    mob.refresh_from_db()
    assert mob.business is None


def test_shop_vote_close_never_chooses_a_shop_excluded_while_the_vote_was_open(setup) -> None:  # type: ignore[no-untyped-def]
    from cashmob.businesses.services import business_exclude

    chapter, organiser, mob, shops = setup
    owner = UserFactory()
    Business.objects.filter(pk=shops[0].pk).update(owner=owner)
    vote = _open(mob, organiser)
    a, b, _c = (vote.candidates.get(business=s) for s in shops)
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk])
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk, b.pk])
    shops[0].refresh_from_db()
    business_exclude(business=shops[0], actor=owner)
    closed = shop_vote_close(vote=vote, actor=organiser)
    assert closed.winner == shops[1]
    ranks = dict(closed.candidates.values_list("business", "rank"))
    assert ranks[shops[0].pk] == 3  # most approvals, but withdrawn: last
    mob.refresh_from_db()
    assert mob.business == shops[1]


def test_shop_vote_close_with_only_a_withdrawn_shop_approved_chooses_none(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser)
    a = vote.candidates.get(business=shops[0])
    ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk])
    Business.objects.filter(pk=shops[0].pk).update(status=Business.Status.REMOVED)
    assert shop_vote_close(vote=vote, actor=organiser).winner is None
    mob.refresh_from_db()
    assert mob.business is None


def test_ballot_cast_for_a_withdrawn_shop_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    chapter, organiser, mob, shops = setup
    vote = _open(mob, organiser)
    a = vote.candidates.get(business=shops[0])
    Business.objects.filter(pk=shops[0].pk).update(status=Business.Status.EXCLUDED)
    with pytest.raises(VotingError) as caught:
        ballot_cast(vote=vote, user=_member(chapter), candidate_ids=[a.pk])
    assert caught.value.code == "invalid_choice"
    assert not Ballot.objects.filter(vote=vote).exists()


def test_business_exclude_takes_the_shop_off_mobs_still_being_planned(setup) -> None:  # type: ignore[no-untyped-def]
    from cashmob.businesses.services import business_exclude

    chapter, _organiser, mob, shops = setup
    Mob.objects.filter(pk=mob.pk).update(business=shops[0])
    published = PublishedMobFactory(chapter=chapter, business=shops[1])
    staff = UserFactory(is_staff=True)
    business_exclude(business=shops[0], actor=staff)
    business_exclude(business=shops[1], actor=staff)
    mob.refresh_from_db()
    published.refresh_from_db()
    assert mob.business is None
    assert published.business == shops[1]  # agreed with the shop: its to decline


def test_vote_page_shows_cool_down_withdrawal_and_declared_interests(setup, client) -> None:  # type: ignore[no-untyped-def]
    from cashmob.businesses.models import Nomination

    chapter, organiser, mob, shops = setup
    nominator = UserFactory(display_name="Camille")
    MembershipFactory(chapter=chapter, user=nominator)
    Nomination.objects.create(
        business=shops[1], user=nominator, chapter=chapter, interest=Nomination.Interest.FAMILY
    )
    vote = _open(mob, organiser)
    Business.objects.filter(pk=shops[0].pk).update(status=Business.Status.EXCLUDED)
    Business.objects.filter(pk=shops[2].pk).update(
        last_mobbed_at=timezone.now() - timedelta(days=3), mob_count=1
    )
    client.force_login(_member(chapter))
    page = client.get(f"/choose/votes/{vote.pk}/").content.decode()
    assert "Withdrawn: the shop asked not to be mobbed" in page
    assert "Mobbed recently, resting: it cannot win" in page
    assert "Nominated by Camille, who declared: A relative or partner owns or works there" in page
    withdrawn = vote.candidates.get(business=shops[0])
    assert f'value="{withdrawn.pk}" id="id_choices_' in page
    # Neither the withdrawn shop nor the resting one can be ticked.
    assert page.count(" disabled>") == 2
    # Declared interests are for the chapter's members, as on the shop's page.
    client.logout()
    public = client.get(f"/choose/votes/{vote.pk}/").content.decode()
    assert "Mobbed recently" in public
    assert "Camille" not in public


def test_vote_candidates_mark_cool_down_and_withdrawal() -> None:
    from cashmob.voting.selectors import vote_candidates
    from cashmob.voting.tests.factories import CandidateFactory, ShopVoteFactory

    vote = ShopVoteFactory()
    fresh = CandidateFactory(vote=vote, business__name="A fresh shop")
    cooling = CandidateFactory(
        vote=vote,
        business__name="B mobbed last week",
        business__last_mobbed_at=timezone.now() - timedelta(days=7),
    )
    gone = CandidateFactory(
        vote=vote, business__name="C excluded", business__status=Business.Status.EXCLUDED
    )
    taken = CandidateFactory(vote=vote, business__name="D taken by another mob")
    PublishedMobFactory(business=taken.business)
    listed = vote_candidates(vote=vote)
    # Open votes list the shops that can still win first.
    assert [c.pk for c in listed] == [fresh.pk, cooling.pk, gone.pk, taken.pk]
    marks = {c.pk: (c.cooling, c.withdrawn, c.taken, c.unavailable) for c in listed}
    assert marks == {
        fresh.pk: (False, False, False, False),
        cooling.pk: (True, False, False, True),
        gone.pk: (False, True, False, True),
        taken.pk: (False, False, True, True),
    }
