"""Timezone suggestions for the admin autocomplete, and case-insensitive name lookup."""

import zoneinfo

import pytest

from bot.features.reminders.timezones import (
    CITY_ALIASES,
    COMMON_ZONES,
    UTC_ALIASES,
    TimezoneIndex,
    iana_zone_names,
    is_place,
    not_a_place,
    suggest_timezones,
)

ALL = zoneinfo.available_timezones()


@pytest.fixture(scope="module")
def index() -> TimezoneIndex:
    return TimezoneIndex()


def test_curated_names_are_real_zones() -> None:
    assert set(COMMON_ZONES) <= ALL
    assert set(CITY_ALIASES.values()) <= set(COMMON_ZONES) | ALL
    assert 25 <= len(COMMON_ZONES) <= 35
    assert len(set(COMMON_ZONES)) == len(COMMON_ZONES)


def test_zone_list_excludes_host_dependent_names() -> None:
    names = iana_zone_names()
    assert "Europe/London" in names and "UTC" in names
    assert "localtime" not in names and "Factory" not in names


def test_empty_query_gives_common_zones_in_order(index: TimezoneIndex) -> None:
    assert index.suggest("") == list(COMMON_ZONES[:25])
    assert index.suggest("   ", limit=3) == ["Europe/London", "Europe/Dublin", "America/New_York"]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("london", "Europe/London"),
        ("London", "Europe/London"),
        ("new york", "America/New_York"),
        ("new_york", "America/New_York"),
        ("sydny", "Australia/Sydney"),
        ("lndon", "Europe/London"),
        ("auckland", "Pacific/Auckland"),
        ("auck", "Pacific/Auckland"),
        ("utc", "UTC"),
        ("UTC", "UTC"),
        ("kolkata", "Asia/Kolkata"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("europe/berlin", "Europe/Berlin"),
        ("nyc", "America/New_York"),
        ("seattle", "America/Los_Angeles"),
        ("edinburgh", "Europe/London"),
        ("us/eastern", "US/Eastern"),
        ("lord howe", "Australia/Lord_Howe"),
    ],
)
def test_best_match_comes_first(index: TimezoneIndex, query: str, first: str) -> None:
    assert index.suggest(query)[0] == first


def test_prefix_query_prefers_common_and_canonical_zones(index: TimezoneIndex) -> None:
    europe = index.suggest("europe/", limit=25)
    assert europe[:3] == ["Europe/London", "Europe/Dublin", "Europe/Berlin"]
    assert all(z.startswith("Europe/") for z in europe)
    eastern = index.suggest("eastern")
    # The US legacy alias is findable, but the canonical zone leads.
    assert eastern[0] == "America/New_York" and "US/Eastern" in eastern


def test_weak_query_falls_back_to_common_zones(index: TimezoneIndex) -> None:
    assert index.suggest("xyzzy qwerty") == list(COMMON_ZONES[:25])


def test_results_are_valid_unique_and_within_discord_limits(index: TimezoneIndex) -> None:
    for query in ["", "a", "an", "america", "e", "gmt", "sydny", "x", "/", "🏃", "a" * 200]:
        results = index.suggest(query)
        assert 0 < len(results) <= 25
        assert len(set(results)) == len(results)
        assert set(results) <= ALL
        assert all(len(name) <= 100 for name in results)
    assert len(index.suggest("america", limit=5)) == 5
    assert index.suggest("london", limit=0) == []


def test_canonical_lookup_is_case_insensitive_exact(index: TimezoneIndex) -> None:
    assert index.canonical("europe/london") == "Europe/London"
    assert index.canonical(" PACIFIC/AUCKLAND ") == "Pacific/Auckland"
    assert index.canonical("London") is None
    assert index.canonical("localtime") is None
    assert "Asia/Kolkata" in index and "asia/kolkata" not in index
    # Every name is looked up (so a refusal can say why); only places are offered.
    assert index.canonical("est") == "EST" and "EST" not in index
    assert len(index) == len({z for z in iana_zone_names() if is_place(z)} - UTC_ALIASES) + 1


def test_index_over_a_custom_name_list() -> None:
    small = TimezoneIndex(["Europe/London", "Europe/Paris", "UTC"])
    assert small.common == ("Europe/London", "Europe/Paris", "UTC")
    assert small.suggest("") == ["Europe/London", "Europe/Paris", "UTC"]
    # An alias pointing at a zone that isn't in the index is ignored.
    assert small.suggest("nyc") == ["Europe/London", "Europe/Paris", "UTC"]
    assert small.suggest("pari") == ["Europe/Paris"]


def test_wrapper_matches_index(index: TimezoneIndex) -> None:
    assert suggest_timezones("sydny") == index.suggest("sydny")
    assert suggest_timezones("berlin", limit=1, index=index) == ["Europe/Berlin"]


# Issue 13: "Fridays 06:00 EST" posted at 07:00 New York time all summer.
NOT_PLACES = ["EST", "MST", "HST", "PST8PDT", "EST5EDT", "GMT", "Etc/GMT+5", "Japan", "CET"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "e",
        "es",
        "est",
        "EST",
        "mst",
        "hst",
        "pst8",
        "gmt",
        "etc",
        "etc/gmt",
        "etc/gmt+5",
        "japan",
        "cet",
        "a",
        "us",
    ],
)
def test_autocomplete_never_offers_a_zone_that_is_not_a_place(
    index: TimezoneIndex, query: str
) -> None:
    results = index.suggest(query)
    assert results
    assert all(is_place(z) for z in results), results
    assert not set(results) & (UTC_ALIASES - {"UTC"})


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("EST", "America/New_York"),
        ("pst", "America/Los_Angeles"),
        ("gmt", "Europe/London"),
        ("mst", "America/Denver"),
        ("hst", "Pacific/Honolulu"),
    ],
)
def test_an_abbreviation_leads_to_the_place_whose_clock_it_is(
    index: TimezoneIndex, query: str, first: str
) -> None:
    assert index.suggest(query)[0] == first


def test_places_and_utc_are_accepted_the_rest_say_what_to_use() -> None:
    for name in [
        "Europe/London",
        "America/New_York",
        "US/Eastern",
        "UTC",
        "Etc/UTC",
        "America/Argentina/Buenos_Aires",
        "America/Phoenix",
    ]:
        assert is_place(name) and not_a_place(name) is None
    assert not_a_place("EST") == (
        "EST has no daylight saving (it is UTC-5 all year); did you mean America/New_York?"
    )
    assert not_a_place("Etc/GMT+5") == (
        "Etc/GMT+5 has no daylight saving (it is UTC-5 all year); did you mean America/New_York?"
    )
    assert not_a_place("Etc/GMT-10").endswith("did you mean Australia/Sydney?")
    assert not_a_place("PST8PDT") == (
        "PST8PDT is an old name, not a place; did you mean America/Los_Angeles?"
    )
    assert not_a_place("HST").endswith("did you mean Pacific/Honolulu?")
    assert "city near you" in not_a_place("Etc/GMT+12")
    for name in iana_zone_names():
        if not is_place(name):
            assert not_a_place(name)
