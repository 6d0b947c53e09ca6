"""Timezone names for admins: case-insensitive lookup and fuzzy suggestions for autocomplete."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Mapping
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
    }
)

# Old-style names kept in tzdata for compatibility; still valid, but ranked below "Area/City".
_LEGACY_AREAS = frozenset({"US", "Canada", "Brazil", "Mexico", "Chile", "Etc", "SystemV"})

_EXACT, _PREFIX, _WORD_PREFIX, _SUBSTRING = 100.0, 90.0, 85.0, 80.0
_FUZZY_CUTOFF = 75.0  # rapidfuzz ratio: lets "sydny"/"lndon" through, keeps noise out
_FUZZY_WEIGHT = 0.85  # a typo match never outranks a real substring match
_STRONG = 70.0  # below this the query is "weak" and the common zones lead instead


def iana_zone_names() -> frozenset[str]:
    """Every usable IANA zone name installed (system tz database or the tzdata package)."""
    return frozenset(zoneinfo.available_timezones() - _NOT_ZONES)


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
        zones = sorted(iana_zone_names() if names is None else set(names))
        self._by_lower: Mapping[str, str] = MappingProxyType({z.lower(): z for z in zones})
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
        return len(self._by_lower)

    def __contains__(self, name: object) -> bool:
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
