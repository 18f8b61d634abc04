"""An organiser plans a mob: shop vote, date poll, the shop's consent, publication, and
moving the published mob to a new time with the shop's yes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from . import world
from .support import Browsing, check_a11y, screenshot


@pytest.mark.e2e
def test_planning_vote_poll_consent_publish(browsing: Browsing, viewport: dict) -> None:
    """From an empty plan to a published mob, with two members voting and the shop saying
    yes; then the shop agrees to a new time and the organiser is told."""
    width = viewport["width"]
    tag = f"plan{width}"
    people = world.people(browsing.server, tag, {"org": "organiser", "a": "member", "b": "member"})
    shops = world.shops(browsing.server, tag, ("Paper Co.", "Games"))
    paper, games = f"Paper Co. {tag}", f"Games {tag}"
    org = browsing.signed_in(people["org"], viewport=viewport)
    org.goto("/chapters/buffalo/")
    org.get_by_role("link", name="Plan a mob").click()
    check_a11y(org)
    org.get_by_role("textbox", name="Title").fill(f"Journey mob {width}")
    org.get_by_role("textbox", name="Meeting point (optional)").fill("By the Seneca St bus stop")
    org.get_by_role("button", name="Start planning").click()
    expect(org.get_by_role("heading", level=1)).to_have_text(f"Journey mob {width}")
    check_a11y(org)

    shop = org.get_by_role("region", name="1. The shop")
    shortlist = shop.get_by_role("group", name="Shortlist (optional)")
    shortlist.get_by_role("checkbox", name=games).check()
    shortlist.get_by_role("checkbox", name=paper).check()
    shop.get_by_role("button", name="Open the vote").click()
    expect(shop).to_contain_text("A vote is open")
    check_a11y(org)
    vote_url = shop.get_by_role("link", name="See the vote").get_attribute("href")
    assert vote_url
    for voter_email, picks in (
        (people["a"], (paper, games)),
        (people["b"], (paper,)),
    ):
        voter = browsing.signed_in(voter_email, viewport=viewport)
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
    expect(shop).to_contain_text(paper)
    check_a11y(org)

    date = org.get_by_role("region", name="2. The date")
    date.locator("details").first.evaluate("d => d.open = true")
    date.get_by_role("button", name="Open the date poll").click()
    expect(date).to_contain_text("The date poll is open")
    check_a11y(org)
    poll_url = date.get_by_role("link", name="See the poll").get_attribute("href")
    assert poll_url
    for voter_email in (people["a"], people["b"]):
        voter = browsing.signed_in(voter_email, viewport=viewport)
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
    link = browsing.server.wait_for_link(shops[paper], r"http://\S+/mobs/consent/\S+")

    # The owner answers from the emailed link, with no account and no session.
    owner = browsing.page(viewport=viewport)
    owner.goto(link)
    expect(owner.get_by_role("heading", level=1)).to_have_text(
        f"May a crowd come and shop at {paper}?"
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
    org.goto(f"/mobs/journey-mob-{width}/")
    main = org.get_by_role("main")
    expect(main).to_contain_text("Published")
    expect(main).to_contain_text(paper)
    expect(main.get_by_role("region", name="Join this mob")).to_be_visible()
    check_a11y(org)
    device = "phone" if width < 500 else "desktop"
    screenshot(org, f"mob-organiser-{device}")

    # Rain is forecast: the organiser asks the shop for a new time from the dashboard.
    org.goto(f"/mobs/journey-mob-{width}/dashboard/")
    consent = org.get_by_role("region", name="3. The shop's yes")
    consent.get_by_text("Ask the shop for a new time").click()
    new_day = datetime.now(tz=UTC).date() + timedelta(days=40)
    consent.locator("#id_reschedule-slot_0_start").fill(f"{new_day.isoformat()}T18:30")
    consent.locator("#id_reschedule-slot_0_end").fill("20:30")
    consent.get_by_role("textbox", name="Message to the shop").fill("Rain is forecast.")
    consent.get_by_role("button", name="Send the new times").click()
    expect(org.get_by_text("The mob keeps its time until the shop accepts one.")).to_be_visible()
    expect(consent).to_contain_text("Waiting for the shop")
    check_a11y(org)
    screenshot(org, f"dashboard-reschedule-{device}")
    move = browsing.server.wait_for_link(
        shops[paper], r"http://\S+/mobs/consent/\S+", other_than=(link,)
    )
    owner.goto(move)
    expect(owner.get_by_role("heading", level=1)).to_have_text(
        f"Could the cash mob at {paper} move to another time?"
    )
    check_a11y(owner)
    screenshot(owner, f"consent-reschedule-{device}")
    yes = owner.get_by_role("region", name="Yes, a new time suits us")
    yes.get_by_role("radio").first.check()
    yes.get_by_role("button", name="Move the mob to this time").click()
    expect(owner.get_by_role("status").filter(has_text="We are coming on")).to_be_visible()
    expect(owner.get_by_role("link", name=re.compile("Your page for the day"))).to_be_visible()
    expect(owner.get_by_text("You agreed to move the mob")).to_be_visible()
    check_a11y(owner)
    screenshot(owner, f"consent-moved-{device}")

    # The mob moved, still published; everyone taking part (the organiser too) is told.
    org.goto(f"/mobs/journey-mob-{width}/")
    expect(org.get_by_role("main")).to_contain_text(new_day.strftime("%-d %B"))
    expect(org.get_by_role("main")).to_contain_text("Published")
    told = browsing.server.wait_for_subject(people["org"], f"Changed: Journey mob {width}")
    text = told.get_body(preferencelist=("plain",)).get_content()
    assert "What changed: the time." in text
    assert "Instead of" in text
