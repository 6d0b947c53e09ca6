"""Timezone names for admins: case-insensitive lookup and fuzzy suggestions for autocomplete.

Only places are accepted ("Area/City" names such as America/New_York) and UTC. Abbreviations and
fixed offsets (EST, MST, HST, GMT, Etc/GMT+5) never change for daylight saving, and POSIX-rule
or country names (PST8PDT, Japan) are old aliases: a club that picks "EST" posts an hour late all
summer. They are refused with a suggestion and never offered; reminders saved with one before
keep working (their zone is not re-checked).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from rapidfuzz import fuzz, process

# "localtime" is whatever the host is set to and "Factory" is a placeholder zone: neither is a
# place a club lives in, and a schedule must mean the same thing on every machine.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})

# Shown first for an empty or weak query, in this order (roughly where running clubs are).
COMMON_ZONES: tuple[str, ...] = (
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Vancouver",
    "America/Phoenix",
    "America/Halifax",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Australia/Brisbane",
    "Australia/Perth",
    "Pacific/Auckland",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Lisbon",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "UTC",
)

# Places people type that are not zone names themselves (zones are named after one big city).
CITY_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "nyc": "America/New_York",
        "ny": "America/New_York",
        "boston": "America/New_York",
        "washington": "America/New_York",
        "philadelphia": "America/New_York",
        "miami": "America/New_York",
        "atlanta": "America/New_York",
        "houston": "America/Chicago",
        "dallas": "America/Chicago",
        "austin": "America/Chicago",
        "minneapolis": "America/Chicago",
        "salt lake city": "America/Denver",
        "la": "America/Los_Angeles",
        "san francisco": "America/Los_Angeles",
        "sf": "America/Los_Angeles",
        "seattle": "America/Los_Angeles",
        "portland": "America/Los_Angeles",
        "san diego": "America/Los_Angeles",
        "ottawa": "America/Toronto",
        "montreal": "America/Toronto",
        "uk": "Europe/London",
        "england": "Europe/London",
        "scotland": "Europe/London",
        "wales": "Europe/London",
        "manchester": "Europe/London",
        "birmingham": "Europe/London",
        "edinburgh": "Europe/London",
        "glasgow": "Europe/London",
        "cardiff": "Europe/London",
        "leeds": "Europe/London",
        "bristol": "Europe/London",
        "ireland": "Europe/Dublin",
        "cork": "Europe/Dublin",
        "galway": "Europe/Dublin",
        "munich": "Europe/Berlin",
        "hamburg": "Europe/Berlin",
        "frankfurt": "Europe/Berlin",
        "canberra": "Australia/Sydney",
        "wellington": "Pacific/Auckland",
        "christchurch": "Pacific/Auckland",
        "new zealand": "Pacific/Auckland",
        "mumbai": "Asia/Kolkata",
        "delhi": "Asia/Kolkata",
        "bangalore": "Asia/Kolkata",
        "bengaluru": "Asia/Kolkata",
        "india": "Asia/Kolkata",
        "cape town": "Africa/Johannesburg",
        "eastern": "America/New_York",
        "central": "America/Chicago",
        "mountain": "America/Denver",
        "pacific": "America/Los_Angeles",
        # Abbreviations people type for their clock: the place whose clock it is (with DST).
        "est": "America/New_York",
        "edt": "America/New_York",
        "cst": "America/Chicago",
        "cdt": "America/Chicago",
        "mst": "America/Denver",
        "mdt": "America/Denver",
        "pst": "America/Los_Angeles",
        "pdt": "America/Los_Angeles",
        "hst": "Pacific/Honolulu",
        "gmt": "Europe/London",
        "bst": "Europe/London",
        "ist": "Europe/Dublin",
        "cet": "Europe/Berlin",
        "cest": "Europe/Berlin",
        "aest": "Australia/Sydney",
        "aedt": "Australia/Sydney",
        "nzst": "Pacific/Auckland",
        "nzdt": "Pacific/Auckland",
    }
)

# Names that are UTC under another spelling: accepted, and saved as "UTC".
UTC_ALIASES = frozenset(
    {"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"}
)

# The place to suggest for a name that isn't one (compared case-insensitively).
PLACE_FOR: Mapping[str, str] = MappingProxyType(
    {
        "EST": "America/New_York",
        "EST5EDT": "America/New_York",
        "CST6CDT": "America/Chicago",
        "MST": "America/Denver",
        "MST7MDT": "America/Denver",
        "PST8PDT": "America/Los_Angeles",
        "HST": "Pacific/Honolulu",
        "GMT": "Europe/London",
        "GMT+0": "Europe/London",
        "GMT-0": "Europe/London",
        "GMT0": "Europe/London",
        "Greenwich": "Europe/London",
        "Etc/GMT": "Europe/London",
        "Etc/GMT+0": "Europe/London",
        "Etc/GMT-0": "Europe/London",
        "Etc/GMT0": "Europe/London",
        "Etc/Greenwich": "Europe/London",
        "GB": "Europe/London",
        "GB-Eire": "Europe/London",
        "Eire": "Europe/Dublin",
        "CET": "Europe/Berlin",
        "MET": "Europe/Berlin",
        "EET": "Europe/Athens",
        "WET": "Europe/Lisbon",
        "Cuba": "America/Havana",
        "Egypt": "Africa/Cairo",
        "Hongkong": "Asia/Hong_Kong",
        "Iceland": "Atlantic/Reykjavik",
        "Iran": "Asia/Tehran",
        "Israel": "Asia/Jerusalem",
        "Jamaica": "America/Jamaica",
        "Japan": "Asia/Tokyo",
        "Kwajalein": "Pacific/Kwajalein",
        "Libya": "Africa/Tripoli",
        "NZ": "Pacific/Auckland",
        "NZ-CHAT": "Pacific/Chatham",
        "Navajo": "America/Denver",
        "PRC": "Asia/Shanghai",
        "Poland": "Europe/Warsaw",
        "Portugal": "Europe/Lisbon",
        "ROC": "Asia/Taipei",
        "ROK": "Asia/Seoul",
        "Singapore": "Asia/Singapore",
        "Turkey": "Europe/Istanbul",
        "W-SU": "Europe/Moscow",
    }
)
_PLACE_FOR_LOWER = MappingProxyType({k.lower(): v for k, v in PLACE_FOR.items()})
_NOT_PLACE_AREAS = frozenset({"Etc", "SystemV"})
_ETC_OFFSET = re.compile(r"etc/gmt([+-])([0-9]{1,2})", re.IGNORECASE)

# Old-style names kept in tzdata for compatibility; still valid, but ranked below "Area/City".
_LEGACY_AREAS = frozenset({"US", "Canada", "Brazil", "Mexico", "Chile", "Etc", "SystemV"})

_EXACT, _PREFIX, _WORD_PREFIX, _SUBSTRING = 100.0, 90.0, 85.0, 80.0
_FUZZY_CUTOFF = 75.0  # rapidfuzz ratio: lets "sydny"/"lndon" through, keeps noise out
_FUZZY_WEIGHT = 0.85  # a typo match never outranks a real substring match
_STRONG = 70.0  # below this the query is "weak" and the common zones lead instead


def iana_zone_names() -> frozenset[str]:
    """Every usable IANA zone name installed (system tz database or the tzdata package)."""
    return frozenset(zoneinfo.available_timezones() - _NOT_ZONES)


def is_place(name: str) -> bool:
    """Whether `name` (an exact zone name) is UTC or a place ("Area/City"), which follows that
    place's clock changes; abbreviations, fixed offsets and old aliases are not."""
    if name in UTC_ALIASES:
        return True
    return "/" in name and name.split("/", 1)[0] not in _NOT_PLACE_AREAS


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _winter_offset(zone: zoneinfo.ZoneInfo, year: int) -> timedelta:
    """The smaller of January's and July's offsets: the standard time, whichever hemisphere."""
    offsets = [zone.utcoffset(datetime(year, m, 15)) or timedelta(0) for m in (1, 7)]
    return min(offsets)


def place_for(name: str, places: Iterable[str] = COMMON_ZONES) -> str | None:
    """The place zone an admin typing `name` most likely means, if we can tell."""
    place = _PLACE_FOR_LOWER.get(name.strip().lower())
    if place is not None:
        return place
    match = _ETC_OFFSET.fullmatch(name.strip())
    if match is None:
        return None
    # POSIX sign: Etc/GMT+5 is five hours *behind* UTC.
    offset = timedelta(hours=int(match[2])) * (-1 if match[1] == "+" else 1)
    for candidate in places:
        if candidate != "UTC" and _winter_offset(zoneinfo.ZoneInfo(candidate), 2026) == offset:
            return candidate
    return None


def _offsets(zone: zoneinfo.ZoneInfo, year: int = 2026) -> set[timedelta]:
    return {zone.utcoffset(datetime(year, m, 15)) or timedelta(0) for m in (1, 7)}


def not_a_place(name: str) -> str | None:
    """Why the exact zone name `name` is refused for a schedule, with a suggestion; None if fine."""
    if is_place(name):
        return None
    offsets = _offsets(zoneinfo.ZoneInfo(name))
    place = place_for(name)
    place_changes = place is not None and len(_offsets(zoneinfo.ZoneInfo(place))) > 1
    if len(offsets) == 1 and (place is None or place_changes):
        why = f"{name} has no daylight saving (it is {_offset_text(offsets.pop())} all year)"
    else:
        why = f"{name} is an old name, not a place"
    if place is not None:
        return f"{why}; did you mean {place}?"
    return f"{why}; pick the zone of a city near you, e.g. Europe/London or America/New_York"


def _normalise(text: str) -> str:
    text = text.strip().lower().replace("_", " ")
    return re.sub(r"\s+", " ", text)


def _is_legacy(name: str) -> bool:
    if name == "UTC":
        return False
    return "/" not in name or name.split("/", 1)[0] in _LEGACY_AREAS


class TimezoneIndex:
    """Zone names pre-processed once (start-up), so each autocomplete keystroke is cheap."""

    def __init__(self, names: Iterable[str] | None = None) -> None:
        known = sorted(iana_zone_names() if names is None else set(names))
        # Every name is recognised (so a refusal can say why); only places are offered.
        self._by_lower: Mapping[str, str] = MappingProxyType({z.lower(): z for z in known})
        zones = [z for z in known if is_place(z) and (z == "UTC" or z not in UTC_ALIASES)]
        self._common: tuple[str, ...] = tuple(
            z for z in COMMON_ZONES if z in self._by_lower.values()
        )
        common_rank = {z: i for i, z in enumerate(self._common)}
        # Rank tie-breaker per zone: canonical before legacy, then common order, then name.
        self._order: Mapping[str, tuple[bool, int, str]] = MappingProxyType(
            {z: (_is_legacy(z), common_rank.get(z, len(common_rank)), z) for z in zones}
        )
        keys: list[str] = []
        owners: list[str] = []
        for zone in zones:
            city = zone.rsplit("/", 1)[-1]
            for key in {_normalise(zone), _normalise(city)}:
                keys.append(key)
                owners.append(zone)
        for alias, zone in CITY_ALIASES.items():
            if zone in self._order:
                keys.append(alias)
                owners.append(zone)
        self._keys: tuple[str, ...] = tuple(keys)
        self._owners: tuple[str, ...] = tuple(owners)

    def __len__(self) -> int:
        """How many zones autocomplete may offer."""
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        """Whether autocomplete may offer `name` (an exact place name or UTC)."""
        return isinstance(name, str) and name in self._order

    @property
    def common(self) -> tuple[str, ...]:
        return self._common

    def canonical(self, name: str) -> str | None:
        """The properly-cased zone name for a case-insensitive exact match, else None."""
        return self._by_lower.get(name.strip().lower())

    def suggest(self, query: str, limit: int = 25) -> list[str]:
        """Up to `limit` zone names, best match first; common zones for an empty/weak query."""
        if limit <= 0:
            return []
        q = _normalise(query)
        if not q:
            return list(self._common[:limit])
        scores: dict[str, float] = {}
        for key, zone in zip(self._keys, self._owners, strict=True):
            # Every literal match contains the query, so one C-level test skips most keys.
            if q in key:
                score = self._literal_score(q, key)
                if score > scores.get(zone, 0.0):
                    scores[zone] = score
        for _key, ratio, i in process.extract(
            q, self._keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=None
        ):
            zone = self._owners[i]
            scores[zone] = max(scores.get(zone, 0.0), ratio * _FUZZY_WEIGHT)
        strong = sorted(
            (z for z, s in scores.items() if s >= _STRONG),
            key=lambda z: (-scores[z], *self._order[z]),
        )
        if strong:
            return strong[:limit]
        return list(self._common[:limit])

    @staticmethod
    def _literal_score(q: str, key: str) -> float:
        """Score a key already known to contain `q`."""
        if key == q:
            return _EXACT
        if key.startswith(q):
            return _PREFIX
        if any(word.startswith(q) for word in re.split(r"[ /]", key)):
            return _WORD_PREFIX
        return _SUBSTRING


def suggest_timezones(query: str, limit: int = 25, index: TimezoneIndex | None = None) -> list[str]:
    """Convenience wrapper; pass a long-lived `index` on hot paths (building one costs ~10 ms)."""
    return (index or TimezoneIndex()).suggest(query, limit)
