"""An organiser plans a mob: shop vote, date poll, the shop's consent, publication."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import world
from .support import Browsing, check_a11y, screenshot


@pytest.mark.e2e
def test_planning_vote_poll_consent_publish(browsing: Browsing) -> None:
    """From an empty plan to a published mob, with two members voting and the shop saying yes."""
    people = world.people(
        browsing.server, "plan", {"org": "organiser", "a": "member", "b": "member"}
    )
    org = browsing.signed_in(people["org"])
    org.goto("/chapters/buffalo/")
    org.get_by_role("link", name="Plan a mob").click()
    check_a11y(org)
    org.get_by_role("textbox", name="Title").fill("Journey mob")
    org.get_by_role("textbox", name="Meeting point (optional)").fill("By the Seneca St bus stop")
    org.get_by_role("button", name="Start planning").click()
    expect(org.get_by_role("heading", level=1)).to_have_text("Journey mob")
    check_a11y(org)

    shop = org.get_by_role("region", name="1. The shop")
    shortlist = shop.get_by_role("group", name="Shortlist (optional)")
    shortlist.get_by_role("checkbox", name="Lake Effect Games").check()
    shortlist.get_by_role("checkbox", name="Larkinville Paper Co.").check()
    shop.get_by_role("button", name="Open the vote").click()
    expect(shop).to_contain_text("A vote is open")
    check_a11y(org)
    vote_url = shop.get_by_role("link", name="See the vote").get_attribute("href")
    assert vote_url
    for voter_email, picks in (
        (people["a"], ("Larkinville Paper Co.", "Lake Effect Games")),
        (people["b"], ("Larkinville Paper Co.",)),
    ):
        voter = browsing.signed_in(voter_email)
        voter.goto(vote_url)
        check_a11y(voter)
        ballot = voter.get_by_role("group", name="Tick every shop you would support")
        for pick in picks:
            ballot.get_by_role("checkbox", name=pick).check()
        voter.get_by_role("button", name="Cast my ballot").click()
        expect(voter.get_by_role("button", name="Update my ballot")).to_be_visible()
        check_a11y(voter)
    org.reload()
    expect(shop).to_contain_text("2 ballots")
    shop.get_by_role("button", name="Close the vote now").click()
    expect(shop).to_contain_text("Larkinville Paper Co.")
    check_a11y(org)

    date = org.get_by_role("region", name="2. The date")
    date.locator("details").first.evaluate("d => d.open = true")
    date.get_by_role("button", name="Open the date poll").click()
    expect(date).to_contain_text("The date poll is open")
    check_a11y(org)
    poll_url = date.get_by_role("link", name="See the poll").get_attribute("href")
    assert poll_url
    for voter_email in (people["a"], people["b"]):
        voter = browsing.signed_in(voter_email)
        voter.goto(poll_url)
        check_a11y(voter)
        for no in voter.get_by_role("radio", name=re.compile(r": No$")).all():
            no.check()
        voter.get_by_role("radio", name=re.compile(r": Yes$")).first.check()
        voter.get_by_role("button", name="Save my answers").click()
        expect(voter.get_by_text("Your answers are saved.")).to_be_visible()
    org.reload()
    times = date.get_by_role("group", name="The mob's time (optional)")
    expect(times.get_by_role("radio").first).to_have_accessible_name(re.compile("2 yes"))
    times.get_by_role("radio").first.check()
    date.get_by_role("button", name="Close the poll and fix the time").click()

    consent = org.get_by_role("region", name="3. The shop's yes")
    consent.locator("details").first.evaluate("d => d.open = true")
    consent.get_by_role("button", name="Send the request").click()
    expect(consent).to_contain_text("Asked, no answer yet")
    check_a11y(org)
    link = browsing.server.wait_for_link(
        "hello@larkinville-paper-co.example", r"http://\S+/mobs/consent/\S+"
    )

    # The owner answers from the emailed link, with no account and no session.
    owner = browsing.page()
    owner.goto(link)
    expect(owner.get_by_role("heading", level=1)).to_have_text(
        "May a crowd come and shop at Larkinville Paper Co.?"
    )
    check_a11y(owner)
    yes = owner.get_by_role("region", name="Yes, come!")
    expect(yes.get_by_role("radio").first).to_be_checked()
    yes.get_by_role("button", name="Accept this time").click()
    expect(owner.get_by_role("status").filter(has_text="We are coming on")).to_be_visible()
    check_a11y(owner)

    org.reload()
    publish = org.get_by_role("region", name="4. Publish")
    expect(publish).to_contain_text("The shop said yes.")
    check_a11y(org)
    publish.get_by_role("button", name="Publish the mob").click()
    expect(org.get_by_text("The mob is published")).to_be_visible()
    org.goto("/mobs/journey-mob/")
    main = org.get_by_role("main")
    expect(main).to_contain_text("Published")
    expect(main).to_contain_text("Larkinville Paper Co.")
    expect(main.get_by_role("region", name="Join this mob")).to_be_visible()
    check_a11y(org)
    screenshot(org, "mob-organiser-desktop")
