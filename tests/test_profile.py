"""Profiles: TOML in, validated frozen Profile out, clear errors, schedules."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from occasional.digest import (
    Interests,
    Mute,
    Profile,
    default_profile,
    load_profile,
    load_profiles,
    next_run,
    profile_from_mapping,
)
from occasional.exceptions import ProfileError

ALICE = Path(__file__).parent / "fixtures" / "digest" / "profiles" / "alice.toml"


def test_a_full_profile_file_loads() -> None:
    profile = load_profile(ALICE)
    assert profile.name == "alice"
    assert profile.budget == 5 and profile.min_score == 0.3
    assert profile.languages == ("en", "pt-br")
    assert profile.follows.topics == ("Japan", "climate policy")
    assert profile.follows.sources == ("metro-wire", "https://northgazette.example/feed")
    assert profile.schedule.timezone == "Europe/Berlin"
    assert Mute("topics", "cricket", date(2026, 12, 1)) in profile.mutes
    assert Mute("sources", "sports-daily") in profile.mutes
    assert profile.top_stories and profile.formats == ("html", "text")
    assert len(profile.deliver) == 2


def test_load_profiles_reads_every_file_in_the_profiles_folder(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(ALICE, folder / "alice.toml")
    (folder / "bob.toml").write_text('[follows]\ntopics = ["volcano"]\n', encoding="utf-8")
    profiles = load_profiles(tmp_path)
    assert sorted(profiles) == ["alice", "bob"]
    assert profiles["bob"].follows == Interests(topics=("volcano",))
    assert profiles["bob"].budget == 7


def test_a_home_without_profiles_has_none(tmp_path: Path) -> None:
    assert load_profiles(tmp_path) == {}
    assert default_profile().name == "default"
    assert not default_profile().follows


def test_bad_cron_expression_names_profile_and_expression() -> None:
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping("alice", {"schedule": {"cron": "61 * * * *"}})
    message = str(caught.value)
    assert message.startswith(
        "profile 'alice': schedule '61 * * * *' is not a valid cron expression: "
    )
    assert len(message) > len(
        "profile 'alice': schedule '61 * * * *' is not a valid cron expression: "
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"folows": {}}, "profile 'bob': unknown key 'folows'"),
        ({"follows": {"topcs": ["x"]}}, "profile 'bob': unknown key 'follows.topcs'"),
        ({"schedule": {"cron": "0 7 * *"}}, "expected five fields"),
        ({"schedule": {"timezone": "Mars/Olympus"}}, "time zone 'Mars/Olympus' is unknown"),
        ({"formats": ["pdf"]}, "format 'pdf' is not one of"),
        ({"budget": 0}, "profile 'bob': budget:"),
        ({"languages": ["English"]}, "language 'english' is not a language code"),
        ({"deliver": ["gopher://x"]}, "unknown scheme 'gopher'"),
        ({"deliver": ["smtp://host:25"]}, "names no recipient"),
        ({"mutes": {"topics": [{"value": "x", "until": "soon"}]}}, "mutes.topics.0.until"),
    ],
)
def test_invalid_profiles_are_rejected_clearly(data: dict[str, object], expected: str) -> None:
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping("bob", data)
    assert expected in str(caught.value)
    assert str(caught.value).startswith("profile 'bob': ")


def test_messages_never_show_a_password() -> None:
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping("bob", {"deliver": ["smtp://me:hunter2@mail.example.org:587"]})
    assert "hunter2" not in str(caught.value)
    assert "me:***@mail.example.org" in str(caught.value)


def test_a_bad_name_or_unreadable_file_is_a_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="a name is letters"):
        profile_from_mapping("../etc", {})
    broken = tmp_path / "carol.toml"
    broken.write_text("budget = = 3\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="profile 'carol': cannot read"):
        load_profile(broken)


def test_next_run_follows_local_time_across_daylight_saving() -> None:
    profile = load_profile(ALICE)  # 07:00 on weekdays, Europe/Berlin
    friday_evening = datetime(2026, 3, 27, 18, 0, tzinfo=UTC)
    first = next_run(profile, friday_evening)
    assert first == datetime(2026, 3, 30, 5, 0, tzinfo=UTC)  # Monday, summer time (UTC+2)
    winter = next_run(profile, datetime(2026, 1, 5, 7, 0, tzinfo=UTC))
    assert winter == datetime(2026, 1, 6, 6, 0, tzinfo=UTC)  # UTC+1


def test_next_run_is_strictly_after_and_accepts_naive_times_as_utc() -> None:
    profile = Profile(name="x")  # 07:00 UTC daily
    at_seven = datetime(2026, 5, 1, 7, 0, tzinfo=UTC)
    assert next_run(profile, at_seven) == datetime(2026, 5, 2, 7, 0, tzinfo=UTC)
    assert next_run(profile, datetime(2026, 5, 1, 6, 0)) == at_seven


def test_a_mute_with_until_expires_at_the_start_of_that_date() -> None:
    mute = Mute("topics", "cricket", until=date(2026, 12, 1))
    assert mute.active(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    assert not mute.active(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    profile = Profile(name="x", mutes=(mute, Mute("tags", "sport")))
    assert profile.active_mutes(datetime(2026, 12, 2, tzinfo=UTC)) == (Mute("tags", "sport"),)


def test_formats_and_targets_come_from_the_registries() -> None:
    from occasional.deliver import delivery_schemes
    from occasional.render import renderer_names

    profile = profile_from_mapping("x", {"formats": list(renderer_names())})
    assert profile.formats == renderer_names()
    assert {"smtp", "file"} <= set(delivery_schemes())
