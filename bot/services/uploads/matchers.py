"""Which indicator a file is for: one matcher per campaign, and a look inside when needed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.matching import IndicatorProfile, Matcher, MatchResult, load_glossary, needs_content
from bot.models import Campaign, Indicator, IndicatorSupport, Obligation, Unit
from bot.peek import peek_text


class MatcherCache:
    """One Matcher per campaign version: building it is the slow part, matching is cheap.

    Shared by the worker threads the bot runs uploads in: a matcher is built once even when
    two uploads ask for it at the same moment (the second waits for the first's build), and
    a matcher already built is handed out without waiting on anyone's build.
    """

    def __init__(self, glossary_file: Path | None) -> None:
        self._glossary = (
            load_glossary(glossary_file) if glossary_file and glossary_file.exists() else None
        )
        # Replaced whole, never changed in place: a reader without the lock sees an old or a
        # new dict, both complete.
        self._matchers: dict[tuple[int, datetime], Matcher] = {}
        self._building = Lock()

    def for_campaign(self, session: Session, campaign: Campaign) -> Matcher:
        key = (campaign.id, campaign.imported_at)
        matcher = self._matchers.get(key)
        if matcher is not None:
            return matcher
        with self._building:
            matcher = self._matchers.get(key)  # built by whoever held the lock before us?
            if matcher is None:
                matcher = Matcher(
                    campaign_profiles(session, campaign),
                    self._glossary,
                    unit_names=session.scalars(select(Unit.name)),
                )
                # A re-imported campaign's old matcher is dropped with this swap.
                self._matchers = {
                    key: matcher,
                    **{k: v for k, v in self._matchers.items() if k[0] != campaign.id},
                }
            return matcher


def campaign_profiles(session: Session, campaign: Campaign) -> list[IndicatorProfile]:
    """The matcher's view of the campaign's live indicators.

    A profile's units are those who may file there, so the uploader's unit prior holds for its
    own indicators and for those it supports (its file goes to the lead as a contribution).
    """
    indicators = session.scalars(
        select(Indicator)
        .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
        .options(
            selectinload(Indicator.obligations).selectinload(Obligation.unit),
            selectinload(Indicator.supports).selectinload(IndicatorSupport.unit),
            selectinload(Indicator.group),
        )
        .order_by(Indicator.position)
    )
    return [
        IndicatorProfile(
            number=i.number,
            title=i.title,
            key_points=i.key_points,
            material=i.material,
            keywords=tuple(i.keywords),
            units=frozenset(o.unit.name for o in i.obligations if not o.archived)
            | {s.unit.name for s in i.supports},
            group_title=i.group.title if i.group else "",
            group_number=i.group.number if i.group else "",
        )
        for i in indicators
    ]


def match_upload(
    matcher: Matcher, unit: str | None, filename: str, caption: str, path: Path | None
) -> MatchResult:
    """Match by name and caption; look inside the file only when they are not enough."""
    result = matcher.match(unit, filename, caption)
    if path is not None and needs_content(result):
        content = peek_text(path)
        if content:
            result = matcher.match(unit, filename, caption, content=content)
    return result
