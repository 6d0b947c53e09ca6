"""What /faq learns for organisers (issue 12): questions it could not answer, the public answers
it gave, and members' votes on those answers (migration 0006).

Unanswered questions and answers are the server's, stored without who asked; votes name the
member (one per member per answer, changeable) and go with `/profile delete`
(`forget_member`, registered with the core's MemberData). Everything here is deleted after the
retention period by `delete_older_than` (see retention.py); votes go with their answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.db import Database
from bot.core.isotime import from_iso, to_iso
from bot.features.faq.gaps import Asked

QUESTION_MAX = 300  # /faq's option allows 300 characters; anything longer is cut when stored
NEAREST_MAX = 5  # entry refs kept per unanswered question
REF_MAX = 100  # an entry ref is a slug or club:<n>; a longer one is not ours
MAX_RECORDS = 2000  # unanswered questions read per report (the most recent), to bound its work
SQLITE_INT_MAX = 2**63 - 1


class AnswerGone(LookupError):
    """The answer a vote was for is no longer stored (past retention, or never was)."""


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    id: int
    guild_id: int
    entry_ref: str
    question: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class NotHelpful:
    """An entry members marked "Not helpful", with its votes and the questions that led there."""

    entry_ref: str
    not_helpful: int
    helpful: int
    questions: tuple[str, ...]  # most often voted down first, then most recent


@dataclass(frozen=True, slots=True)
class Pruned:
    """Rows a retention pass deleted."""

    unanswered: int = 0
    answers: int = 0
    votes: int = 0

    @property
    def total(self) -> int:
        return self.unanswered + self.answers + self.votes


def _clean(question: str) -> str:
    return question.strip()[:QUESTION_MAX]


def _refs(nearest: Iterable[str]) -> list[str]:
    return [str(ref) for ref in nearest if ref and len(str(ref)) <= REF_MAX][:NEAREST_MAX]


def _parse_refs(raw: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _asked(row: Any) -> Asked:
    return Asked(
        id=int(row["id"]),
        question=str(row["question"]),
        nearest=_parse_refs(row["nearest"]),
        asked_at=from_iso(row["asked_at"]),
    )


class InsightsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- unanswered questions ------------------------------------------------------------------

    async def record_unanswered(
        self, guild_id: int, question: str, nearest: Iterable[str], at: datetime
    ) -> int:
        """Store a question /faq abstained on, with the nearest entries' refs; its id."""
        return await self._insert(
            "INSERT INTO unanswered (guild_id, question, nearest, asked_at) VALUES (?, ?, ?, ?)",
            (guild_id, _clean(question), json.dumps(_refs(nearest)), to_iso(at)),
        )

    async def unanswered(self, record_id: int, guild_id: int) -> Asked | None:
        """One record, only if it is that server's (other servers' ids don't exist here)."""
        if not 0 < record_id <= SQLITE_INT_MAX:
            return None
        row = await self._db.fetchone(
            "SELECT id, question, nearest, asked_at FROM unanswered WHERE id = ? AND guild_id = ?",
            (record_id, guild_id),
        )
        return _asked(row) if row is not None else None

    async def unanswered_since(
        self, guild_id: int, since: datetime, limit: int = MAX_RECORDS
    ) -> list[Asked]:
        """The server's unanswered questions asked at or after `since`, oldest first (at most
        `limit`, the most recent ones)."""
        rows = await self._db.fetchall(
            "SELECT id, question, nearest, asked_at FROM ("
            " SELECT id, question, nearest, asked_at FROM unanswered"
            " WHERE guild_id = ? AND asked_at >= ? ORDER BY asked_at DESC, id DESC LIMIT ?"
            ") AS recent ORDER BY asked_at, id",
            (guild_id, to_iso(since), limit),
        )
        return [_asked(row) for row in rows]

    # -- answers and votes ---------------------------------------------------------------------

    async def record_answer(
        self, guild_id: int, entry_ref: str, question: str, at: datetime
    ) -> int:
        """Store a public answer (the entry and the question that led to it); its id, which the
        answer's vote buttons carry."""
        return await self._insert(
            "INSERT INTO answers (guild_id, entry_ref, question, answered_at) VALUES (?, ?, ?, ?)",
            (guild_id, entry_ref, _clean(question), to_iso(at)),
        )

    async def answer(self, answer_id: int) -> AnswerRecord | None:
        if not 0 < answer_id <= SQLITE_INT_MAX:
            return None
        row = await self._db.fetchone(
            "SELECT id, guild_id, entry_ref, question, answered_at FROM answers WHERE id = ?",
            (answer_id,),
        )
        if row is None:
            return None
        return AnswerRecord(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            entry_ref=str(row["entry_ref"]),
            question=str(row["question"]),
            answered_at=from_iso(row["answered_at"]),
        )

    async def vote(self, answer_id: int, user_id: int, helpful: bool, at: datetime) -> bool | None:
        """Record the member's vote on the answer, replacing their earlier one; returns the
        earlier vote (None if this is their first). Raises AnswerGone if the answer isn't
        stored."""
        previous = await self._db.fetchone(
            "SELECT helpful FROM votes WHERE answer_id = ? AND user_id = ?", (answer_id, user_id)
        )
        changed = await self._db.execute(
            "INSERT INTO votes (answer_id, user_id, helpful, voted_at)"
            " SELECT id, CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT) FROM answers"
            " WHERE id = ?"
            " ON CONFLICT (answer_id, user_id) DO UPDATE SET helpful = excluded.helpful,"
            " voted_at = excluded.voted_at",
            (user_id, int(helpful), to_iso(at), answer_id),
        )
        if changed == 0:
            raise AnswerGone(answer_id)
        return None if previous is None else bool(previous["helpful"])

    async def not_helpful(
        self, guild_id: int, since: datetime, *, limit: int | None = None, questions: int = 3
    ) -> list[NotHelpful]:
        """The server's entries with "Not helpful" votes cast at or after `since`, the most
        first (ties: fewer "Helpful", then by ref), each with the questions voted down."""
        params: list[object] = [guild_id, to_iso(since)]
        if limit is not None:
            params.append(limit)
        rows = await self._db.fetchall(
            "SELECT a.entry_ref AS ref,"
            " SUM(CASE WHEN v.helpful = 0 THEN 1 ELSE 0 END) AS down,"
            " SUM(CASE WHEN v.helpful = 1 THEN 1 ELSE 0 END) AS up"
            " FROM votes v JOIN answers a ON a.id = v.answer_id"
            " WHERE a.guild_id = ? AND v.voted_at >= ?"
            " GROUP BY a.entry_ref HAVING SUM(CASE WHEN v.helpful = 0 THEN 1 ELSE 0 END) > 0"
            " ORDER BY down DESC, up ASC, ref" + (" LIMIT ?" if limit is not None else ""),
            params,
        )
        found = []
        for row in rows:
            asked = await self._db.fetchall(
                "SELECT a.question, COUNT(*) AS n, MAX(v.voted_at) AS last"
                " FROM votes v JOIN answers a ON a.id = v.answer_id"
                " WHERE a.guild_id = ? AND a.entry_ref = ? AND v.helpful = 0 AND v.voted_at >= ?"
                " GROUP BY a.question ORDER BY n DESC, last DESC, a.question LIMIT ?",
                (guild_id, row["ref"], to_iso(since), questions),
            )
            found.append(
                NotHelpful(
                    entry_ref=str(row["ref"]),
                    not_helpful=int(row["down"]),
                    helpful=int(row["up"]),
                    questions=tuple(str(q["question"]) for q in asked),
                )
            )
        return found

    # -- retention and members -----------------------------------------------------------------

    async def delete_older_than(self, cutoff: datetime) -> Pruned:
        """Delete unanswered questions and answers (their votes with them) from before
        `cutoff`."""
        stamp = to_iso(cutoff)
        votes = await self._db.fetchone(
            "SELECT COUNT(*) FROM votes WHERE answer_id IN"
            " (SELECT id FROM answers WHERE answered_at < ?)",
            (stamp,),
        )
        answers = await self._db.execute("DELETE FROM answers WHERE answered_at < ?", (stamp,))
        unanswered = await self._db.execute("DELETE FROM unanswered WHERE asked_at < ?", (stamp,))
        return Pruned(unanswered=unanswered, answers=answers, votes=int(votes[0]) if votes else 0)

    async def holds_member(self, user_id: int) -> bool:
        """Whether the member has voted on an answer (their only data here)."""
        row = await self._db.fetchone("SELECT 1 FROM votes WHERE user_id = ? LIMIT 1", (user_id,))
        return row is not None

    async def forget_member(self, user_id: int) -> int:
        """Erase the member's votes (registered with the core's MemberData: /profile delete runs
        it with every other feature's, in one transaction). Nothing else here names a member."""
        return await self._db.execute("DELETE FROM votes WHERE user_id = ?", (user_id,))

    async def _insert(self, sql: str, params: tuple[object, ...]) -> int:
        row = await self._db.fetchone(sql + " RETURNING id", params)
        assert row is not None
        return int(row[0])
