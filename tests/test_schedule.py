"""Reminder rules, quiet days and time left, all from an injected clock."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from bot.schedule import (
    DEFAULT_RULES,
    QuietDays,
    ReminderRule,
    Round,
    RuleError,
    days_left,
    describe_time_left,
    due_rounds,
    is_still_useful,
    next_rounds,
    parse_rule,
    parse_rules,
    plan_catch_up,
    rounds_for,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
OFFICIAL = QuietDays()
# The seed campaign's materials deadline, a Wednesday.
DEADLINE = datetime(2023, 10, 18, 18, 0, tzinfo=SHANGHAI)


def sh(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2023) -> datetime:
    """A Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def local_times(rounds: list[Round] | tuple[Round, ...], tz: ZoneInfo = SHANGHAI) -> list[datetime]:
    """The due instants in local time, so a failure reads in the campaign's wall clock."""
    return [r.due_at.astimezone(tz) for r in rounds]


def one_round(rule: str, deadline: datetime = DEADLINE, quiet: QuietDays | None = None) -> Round:
    """The single round of a one-off rule, looked for far enough ahead to exist."""
    until = deadline + timedelta(days=400)
    (found,) = rounds_for(parse_rule(rule), deadline, SHANGHAI, until=until, quiet=quiet)
    return found


# --- parsing -------------------------------------------------------------------------------


def test_a_day_rule_names_a_day_offset_and_a_wall_clock_time() -> None:
    rule = parse_rule("-3d 09:00")
    assert rule == ReminderRule(text="-3d 09:00", kind="day", day_offset=-3, at=time(9, 0))


def test_a_zero_day_rule_needs_no_sign_and_is_written_without_one() -> None:
    assert parse_rule("0d 09:00").text == "0d 09:00"
    assert parse_rule("+0d 9:00").text == "0d 09:00"


def test_a_daily_rule_repeats_without_limit_unless_given_x_n() -> None:
    forever = parse_rule("+1d 09:00 daily")
    limited = parse_rule("+1d 09:00 daily x5")
    assert (forever.repeat_daily, forever.repeat_limit) == (True, None)
    assert (limited.repeat_daily, limited.repeat_limit, limited.text) == (
        True,
        5,
        "+1d 09:00 daily x5",
    )


@pytest.mark.parametrize(
    ("text", "offset", "canonical"),
    [
        ("-2h", timedelta(hours=-2), "-2h"),
        ("-30m", timedelta(minutes=-30), "-30m"),
        ("-1d", timedelta(days=-1), "-1d"),
        ("-1d12h", timedelta(days=-1, hours=-12), "-1d12h"),
        ("-1d 2h 5m", timedelta(days=-1, hours=-2, minutes=-5), "-1d2h5m"),
        ("-90m", timedelta(minutes=-90), "-1h30m"),
        ("-24h", timedelta(days=-1), "-1d"),
        ("+2h", timedelta(hours=2), "+2h"),
    ],
)
def test_an_exact_offset_is_parsed_and_spelt_canonically(
    text: str, offset: timedelta, canonical: str
) -> None:
    rule = parse_rule(text)
    assert (rule.kind, rule.offset, rule.text, rule.at) == ("offset", offset, canonical, None)


@pytest.mark.parametrize(
    "text",
    [
        " －１ｄ　０９：００ ",
        "-1D 9:00",
        "−1d 09:00",
        "  -1d   09:00  ",
    ],
)
def test_rules_tolerate_whitespace_case_and_full_width_characters(text: str) -> None:
    assert parse_rule(text).text == "-1d 09:00"


def test_a_repeat_limit_may_be_written_with_a_times_sign_and_spaces() -> None:
    assert parse_rule("+1d 09:00 DAILY ×5").text == "+1d 09:00 daily x5"
    assert parse_rule("＋１ｄ ０９：００ ｄａｉｌｙ ｘ３").repeat_limit == 3


@pytest.mark.parametrize(
    ("text", "message_start"),
    [
        ("soon", "规则无法识别"),
        ("09:00", "规则无法识别"),
        ("-1d 09:00 weekly", "规则无法识别"),
        ("-2h daily", "规则无法识别"),
        ("-1", "规则无法识别"),
        ("3d 09:00", "规则须写明"),
        ("2h", "规则须写明"),
        ("-1d 24:00", "规则时间无效"),
        ("-1d 09:60", "规则时间无效"),
        ("+1d 09:00 daily x0", "重复次数"),
        ("-400d 09:00", "规则超出范围"),
        ("-9999h", "规则超出范围"),
    ],
)
def test_an_unreadable_rule_raises_a_rule_error_that_names_it(
    text: str, message_start: str
) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    assert str(caught.value).startswith(message_start)
    assert text.strip() in str(caught.value)


def test_rules_split_on_commas_semicolons_and_newlines_and_drop_repeats() -> None:
    rules = parse_rules("-3d 09:00，-1d 09:00; 0d 9:00\n-2h；-120m")
    assert [r.text for r in rules] == ["-3d 09:00", "-1d 09:00", "0d 09:00", "-2h"]


def test_rules_may_come_as_a_list_and_blank_entries_are_ignored() -> None:
    assert [r.text for r in parse_rules(["-2h", " ", "-30m, -1d"])] == ["-2h", "-30m", "-1d"]
    assert parse_rules("") == []


def test_one_bad_rule_in_a_list_fails_the_whole_list() -> None:
    with pytest.raises(RuleError, match="later"):
        parse_rules("-3d 09:00, later")


def test_the_default_rules_parse() -> None:
    texts = [r.text for r in parse_rules(DEFAULT_RULES)]
    assert texts == ["-3d 09:00", "-1d 09:00", "0d 09:00", "+1d 09:00 daily"]


def test_a_hand_built_rule_that_mixes_kinds_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a time of day"):
        ReminderRule(text="-1d", kind="day", day_offset=-1)
    with pytest.raises(ValueError, match="needs an offset"):
        ReminderRule(text="-1d", kind="offset", offset=timedelta(days=-1), at=time(9))


# --- rounds --------------------------------------------------------------------------------


def test_nine_in_the_morning_in_shanghai_is_one_in_the_morning_utc() -> None:
    found = one_round("-1d 09:00")
    assert found.due_at == datetime(2023, 10, 17, 1, 0, tzinfo=UTC)
    assert found.due_at.tzinfo is UTC
    assert found.deadline == datetime(2023, 10, 18, 10, 0, tzinfo=UTC)


def test_day_rules_count_from_the_deadlines_local_date_not_its_utc_date() -> None:
    # 2023-10-18 04:00 in Shanghai is still 2023-10-17 in UTC.
    early = datetime(2023, 10, 17, 20, 0, tzinfo=UTC)
    assert local_times([one_round("-1d 09:00", early)]) == [sh(10, 17, 9, 0)]


def test_a_day_rule_may_fire_late_in_the_evening_just_before_a_midnight_deadline() -> None:
    found = one_round("-1d 23:30", sh(10, 18, 0, 30))
    assert local_times([found]) == [sh(10, 17, 23, 30)]
    assert found.is_heads_up


def test_an_exact_offset_crosses_midnight() -> None:
    found = one_round("-2h", sh(10, 18, 1, 0))
    assert local_times([found]) == [sh(10, 17, 23, 0)]


def test_an_exact_day_offset_is_24_hours_even_across_a_dst_change() -> None:
    # Berlin leaves summer time on 2023-10-29: that day has 25 hours.
    deadline = datetime(2023, 10, 29, 12, 0, tzinfo=BERLIN)
    exact = rounds_for(parse_rule("-1d"), deadline, BERLIN, until=deadline)
    wall = rounds_for(parse_rule("-1d 12:00"), deadline, BERLIN, until=deadline)
    assert deadline - exact[0].due_at == timedelta(hours=24)
    assert local_times(exact, BERLIN) == [datetime(2023, 10, 28, 13, 0, tzinfo=BERLIN)]
    assert local_times(wall, BERLIN) == [datetime(2023, 10, 28, 12, 0, tzinfo=BERLIN)]


def test_a_round_after_until_is_not_returned() -> None:
    rule = parse_rule("0d 09:00")
    assert rounds_for(rule, DEADLINE, SHANGHAI, until=sh(10, 18, 8, 59)) == []
    assert len(rounds_for(rule, DEADLINE, SHANGHAI, until=sh(10, 18, 9, 0))) == 1


def test_a_daily_round_repeats_every_day_up_to_until() -> None:
    rule = parse_rule("+1d 09:00 daily")
    rounds = rounds_for(rule, DEADLINE, SHANGHAI, until=sh(10, 21, 12, 0))
    assert local_times(rounds) == [
        sh(10, 19, 9, 0),
        sh(10, 20, 9, 0),
        sh(10, 21, 9, 0),
    ]
    assert len(rounds_for(rule, DEADLINE, SHANGHAI, until=sh(10, 21, 8, 59))) == 2


def test_a_daily_round_stops_after_its_limit() -> None:
    rule = parse_rule("+1d 09:00 daily x3")
    rounds = rounds_for(rule, DEADLINE, SHANGHAI, until=sh(11, 30))
    assert local_times(rounds)[-1] == sh(10, 21, 9, 0)
    assert len(rounds) == 3


def test_a_daily_round_skips_quiet_days_and_its_limit_counts_reminders_sent() -> None:
    rule = parse_rule("+1d 09:00 daily x3")
    rounds = rounds_for(rule, DEADLINE, SHANGHAI, until=sh(11, 30), quiet=OFFICIAL)
    assert local_times(rounds) == [
        sh(10, 19, 9, 0),
        sh(10, 20, 9, 0),
        sh(10, 23, 9, 0),
    ]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        rounds_for(parse_rule("-2h"), DEADLINE.replace(tzinfo=None), SHANGHAI, until=DEADLINE)
    with pytest.raises(ValueError, match="timezone-aware"):
        days_left(DEADLINE, DEADLINE.replace(tzinfo=None), SHANGHAI)


# --- quiet days ----------------------------------------------------------------------------


def test_the_official_calendar_knows_national_day_2023_and_its_make_up_working_days() -> None:
    holidays = [date(2023, 10, day) for day in range(1, 7)]
    make_up = [date(2023, 10, 7), date(2023, 10, 8)]  # a Saturday and a Sunday
    assert not any(chinese_calendar.is_workday(day) for day in holidays)
    assert all(chinese_calendar.is_workday(day) for day in make_up)
    assert not any(OFFICIAL.is_working_day(day) for day in holidays)
    assert all(OFFICIAL.is_working_day(day) for day in make_up)


def test_a_round_on_a_saturday_moves_to_monday_at_the_same_time() -> None:
    friday = sh(10, 20, 18, 0)
    found = one_round("+1d 09:30", friday, quiet=OFFICIAL)
    assert local_times([found]) == [sh(10, 23, 9, 30)]
    assert found.moved
    assert found.nominal_at == sh(10, 21, 9, 30)


def test_an_offset_round_on_a_quiet_day_moves_to_nine_on_the_next_working_day() -> None:
    found = one_round("+1d", sh(10, 20, 16, 0), quiet=OFFICIAL)
    assert local_times([found]) == [sh(10, 23, 9, 0)]


def test_a_round_during_national_day_moves_to_the_first_make_up_working_day() -> None:
    found = one_round("+1d 09:00", sh(9, 28, 18, 0), quiet=OFFICIAL)
    assert local_times([found]) == [sh(10, 7, 9, 0)]


def test_a_round_on_a_make_up_saturday_stays_there() -> None:
    found = one_round("-3d 09:00", sh(10, 10, 18, 0), quiet=OFFICIAL)
    assert local_times([found]) == [sh(10, 7, 9, 0)]
    assert not found.moved


def test_a_heads_up_moved_forward_stays_if_it_still_precedes_the_deadline() -> None:
    monday = sh(10, 23, 18, 0)
    found = one_round("-1d 09:00", monday, quiet=OFFICIAL)
    assert local_times([found]) == [sh(10, 23, 9, 0)]


def test_a_heads_up_is_never_moved_past_its_deadline_but_back_before_the_holiday() -> None:
    # Deadline inside the National Day holiday: moving 10-05 forward to 10-07 would be too late.
    in_holiday = sh(10, 6, 18, 0)
    found = one_round("-1d 09:00", in_holiday, quiet=OFFICIAL)
    # 09-29 (Mid-Autumn) and 09-30 are holidays too; 09-28 is the last working day.
    assert local_times([found]) == [sh(9, 28, 9, 0)]
    assert found.due_at < found.deadline


def test_rules_moved_onto_the_same_instant_send_one_round_the_one_nearest_the_deadline() -> None:
    in_holiday = sh(10, 6, 18, 0)
    rules = parse_rules(DEFAULT_RULES)
    rounds = due_rounds(rules, in_holiday, SHANGHAI, now=sh(9, 28, 12, 0), quiet=OFFICIAL)
    assert [(r.rule.text, r.due_at) for r in rounds] == [("0d 09:00", sh(9, 28, 9, 0))]


def test_a_campaign_holiday_is_quiet_too() -> None:
    quiet = QuietDays(extra_holidays={date(2023, 10, 17)})
    found = one_round("-1d 09:00", quiet=quiet)
    assert local_times([found]) == [sh(10, 18, 9, 0)]


def test_a_campaign_working_day_overrides_a_weekend() -> None:
    quiet = QuietDays(extra_workdays={date(2023, 10, 21)})
    found = one_round("+1d 09:00", sh(10, 20, 18, 0), quiet=quiet)
    assert local_times([found]) == [sh(10, 21, 9, 0)]


def test_quiet_days_come_from_iso_strings_and_bad_ones_are_explained() -> None:
    quiet = QuietDays.from_iso(["2023-10-17 "], ["2023-10-21"])
    assert not quiet.is_working_day(date(2023, 10, 17))
    assert quiet.is_working_day(date(2023, 10, 21))
    with pytest.raises(RuleError, match="日期无法识别：10/17"):
        QuietDays.from_iso(["10/17"])


def test_a_date_cannot_be_both_a_campaign_holiday_and_a_working_day() -> None:
    with pytest.raises(RuleError, match="2023-10-17"):
        QuietDays.from_iso(["2023-10-17"], ["2023-10-17"])


def test_without_the_official_calendar_only_weekends_are_quiet() -> None:
    weekdays_only = QuietDays(use_official_calendar=False)
    assert weekdays_only.is_working_day(date(2023, 10, 2))  # a Monday in the holiday
    assert not weekdays_only.is_working_day(date(2023, 10, 7))  # a make-up Saturday


def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.schedule"):
        assert not OFFICIAL.is_working_day(date(2099, 1, 3))  # a Saturday
        assert OFFICIAL.is_working_day(date(2099, 1, 5))  # a Monday


def test_the_next_working_moment_of_a_working_day_is_itself() -> None:
    moment = sh(10, 18, 15, 45)
    assert OFFICIAL.next_working_moment(moment) == moment
    assert OFFICIAL.next_working_moment(sh(10, 21, 15, 45)) == sh(10, 23, 15, 45)
    assert OFFICIAL.previous_working_moment(sh(10, 21, 15, 45), time(9)) == sh(10, 20, 9, 0)


# --- due and upcoming rounds ---------------------------------------------------------------


def test_due_rounds_are_those_in_the_half_open_window_since_to_now() -> None:
    rules = parse_rules(DEFAULT_RULES)
    since, now = sh(10, 17, 9, 0), sh(10, 19, 9, 0)
    rounds = due_rounds(rules, DEADLINE, SHANGHAI, now=now, since=since, quiet=OFFICIAL)
    assert [r.rule.text for r in rounds] == ["0d 09:00", "+1d 09:00 daily"]
    assert local_times(rounds) == [sh(10, 18, 9, 0), sh(10, 19, 9, 0)]


def test_without_since_every_round_so_far_is_due_oldest_first() -> None:
    rules = parse_rules(DEFAULT_RULES)
    rounds = due_rounds(rules, DEADLINE, SHANGHAI, now=sh(10, 18, 9, 0), quiet=OFFICIAL)
    # -3d falls on Sunday 10-15 and moves to Monday.
    assert local_times(rounds) == [
        sh(10, 16, 9, 0),
        sh(10, 17, 9, 0),
        sh(10, 18, 9, 0),
    ]


def test_next_rounds_lists_what_is_coming_for_every_deadline_soonest_first() -> None:
    rules = parse_rules(DEFAULT_RULES)
    division, materials = sh(10, 12, 18, 0), DEADLINE
    rounds = next_rounds(
        rules,
        [division, materials, division],
        SHANGHAI,
        now=sh(10, 11, 10, 0),
        quiet=OFFICIAL,
        horizon=timedelta(days=5),
    )
    assert [(r.rule.text, r.deadline, r.due_at) for r in rounds] == [
        ("0d 09:00", division, sh(10, 12, 9, 0)),
        ("+1d 09:00 daily", division, sh(10, 13, 9, 0)),
        ("+1d 09:00 daily", division, sh(10, 16, 9, 0)),
        ("-3d 09:00", materials, sh(10, 16, 9, 0)),
    ]


# --- missed rounds -------------------------------------------------------------------------


def test_a_missed_heads_up_is_still_useful_while_the_deadline_is_ahead() -> None:
    missed = one_round("-3d 09:00")
    assert is_still_useful(missed, sh(10, 18, 17, 0))


def test_a_missed_heads_up_found_after_the_deadline_is_not_useful() -> None:
    missed = one_round("-3d 09:00")
    assert not is_still_useful(missed, sh(10, 18, 18, 0))


def test_a_missed_one_off_overdue_round_is_always_useful() -> None:
    missed = one_round("+1d 09:00")
    assert is_still_useful(missed, sh(10, 25, 9, 0))


def test_a_missed_daily_round_is_useful_only_until_the_next_one_supersedes_it() -> None:
    rule = parse_rule("+1d 09:00 daily")
    (missed,) = rounds_for(rule, DEADLINE, SHANGHAI, until=sh(10, 19, 9, 0))
    assert is_still_useful(missed, sh(10, 20, 8, 59))
    assert not is_still_useful(missed, sh(10, 20, 9, 0))


def test_catching_up_before_the_deadline_sends_only_the_latest_heads_up() -> None:
    rules = parse_rules(DEFAULT_RULES)
    now = sh(10, 17, 12, 0)
    rounds = due_rounds(rules, DEADLINE, SHANGHAI, now=now, since=sh(10, 14), quiet=OFFICIAL)
    plan = plan_catch_up(rounds, now)
    assert [r.rule.text for r in plan.send] == ["-1d 09:00"]
    assert [r.rule.text for r in plan.skip] == ["-3d 09:00"]


def test_catching_up_after_the_deadline_skips_heads_ups_and_stale_daily_rounds() -> None:
    rules = parse_rules(DEFAULT_RULES)
    now = sh(10, 20, 10, 0)
    rounds = due_rounds(rules, DEADLINE, SHANGHAI, now=now, since=sh(10, 14), quiet=OFFICIAL)
    plan = plan_catch_up(rounds, now)
    assert local_times(plan.send) == [sh(10, 20, 9, 0)]
    assert len(plan.skip) == 4


# --- time left -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "days", "text"),
    [
        (sh(10, 15, 10, 0), 3, "还剩3天"),
        (sh(10, 17, 19, 0), 1, "还剩23小时"),
        (sh(10, 18, 13, 0), 0, "今天截止（还剩5小时）"),
        (sh(10, 18, 17, 30), 0, "今天截止（还剩30分钟）"),
        (sh(10, 18, 17, 59), 0, "今天截止（还剩1分钟）"),
        (sh(10, 18, 18, 0), 0, "今天已截止"),
        (sh(10, 18, 23, 0), 0, "今天已截止"),
        (sh(10, 20, 10, 0), -2, "已逾期2天"),
    ],
)
def test_time_left_is_counted_in_local_days_and_told_in_chinese(
    now: datetime, days: int, text: str
) -> None:
    assert days_left(DEADLINE, now, SHANGHAI) == days
    assert describe_time_left(DEADLINE, now, SHANGHAI) == text


def test_under_a_day_before_a_deadline_tomorrow_is_told_in_hours() -> None:
    tomorrow_morning = sh(10, 18, 9, 0)
    assert describe_time_left(tomorrow_morning, sh(10, 17, 22, 0), SHANGHAI) == "还剩11小时"


def test_days_left_uses_the_campaigns_date_not_utcs() -> None:
    # 17:00 UTC on 10-17 is already 01:00 on 10-18 in Shanghai.
    assert days_left(DEADLINE, datetime(2023, 10, 17, 17, 0, tzinfo=UTC), SHANGHAI) == 0


def test_a_25_hour_day_never_reads_zero_days_left() -> None:
    deadline = datetime(2023, 10, 29, 23, 59, tzinfo=BERLIN)
    now = datetime(2023, 10, 29, 0, 0, tzinfo=BERLIN)
    assert describe_time_left(deadline, now, BERLIN) == "今天截止（还剩24小时）"
