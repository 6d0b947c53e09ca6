"""Load and validate `knowledge/`: topics.yaml, one Markdown entry per file, the matcher's
vocabulary.yaml, the decision model's decision.json, the learned ranker's ranker.json and the club
matcher's club.yaml (pure, no I/O beyond reading the files).
Every problem in every file is collected, so a curator fixes them all in one pass instead of one
per restart."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from bot.core import yamlnodes
from bot.features.faq.club_tuning import CLUB_TUNING_FILE, ClubTuning, parse_club_tuning
from bot.features.faq.decision import DECISION_FILE, DecisionModel, parse_model
from bot.features.faq.knowledge import Article, Entry, KnowledgeBase, Source, Topic
from bot.features.faq.ranker import RANKER_FILE, RankerModel, parse_ranker
from bot.features.faq.vocabulary import VOCABULARY_FILE, Issue, Vocabulary, parse_vocabulary

TOPICS_FILE = "topics.yaml"
MIN_ALIASES = 3
ACTIONS = frozenset({"plan"})
_ENTRY_FIELDS = frozenset({"id", "title", "aliases", "topic", "related", "action", "sources"})
_SOURCE_FIELDS = frozenset({"article", "who", "speech", "quote"})
_ARTICLE_FIELDS = ("id", "file", "title", "cite")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FENCE = "---"
# The double quotation marks that close what an article quotes as someone's own words.
_CLOSING = frozenset({"”", '"'})
# Hints when a quote only differs from the article by typography (a frequent copy-paste slip).
_TYPO = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})

KeyPath = tuple[str | int, ...]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class KnowledgeError(Exception):
    """Raised by load_knowledge; str() lists every problem, one per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class _ArticleText:
    """A source article as the quote checks need it: whitespace squashed, and the squashed text
    of every span inside double quotation marks (someone's own words)."""

    flat: str
    quoted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the FAQ reads from the knowledge folder, valid together."""

    kb: KnowledgeBase
    vocabulary: Vocabulary
    decision: DecisionModel
    ranker: RankerModel | None  # None only when loaded to fit a new one (bench/faq_fit.py)
    club_tuning: ClubTuning  # when a server's club entry answers instead (club.py)


def load_folder(
    knowledge_dir: Path, source_dir: Path | None = None, *, with_ranker: bool = True
) -> Knowledge:
    """Raises KnowledgeError listing every problem in every file of the folder. `with_ranker`
    False leaves ranker.json unread: the fit script replaces it, whatever its state."""
    knowledge, problems = validate_folder(knowledge_dir, source_dir, with_ranker=with_ranker)
    if problems or knowledge is None:
        raise KnowledgeError(problems)
    return knowledge


def load_knowledge(knowledge_dir: Path, source_dir: Path | None = None) -> KnowledgeBase:
    """The entries alone, from a folder whose every file (vocabulary included) is valid."""
    return load_folder(knowledge_dir, source_dir).kb


def validate_knowledge(
    knowledge_dir: Path, source_dir: Path | None = None
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Returns the knowledge base only when there are no problems at all (in any file)."""
    knowledge, problems = validate_folder(knowledge_dir, source_dir)
    return (knowledge.kb if knowledge else None), problems


def validate_folder(
    knowledge_dir: Path, source_dir: Path | None = None, *, with_ranker: bool = True
) -> tuple[Knowledge | None, list[Problem]]:
    problems: list[Problem] = []
    if not knowledge_dir.is_dir():
        problems.append(Problem(_show(knowledge_dir), None, None, "knowledge folder not found"))
        return None, problems
    vocabulary = _read_tuning(knowledge_dir / VOCABULARY_FILE, parse_vocabulary, problems)
    decision = _read_tuning(knowledge_dir / DECISION_FILE, parse_model, problems)
    ranker = (
        _read_tuning(knowledge_dir / RANKER_FILE, parse_ranker, problems) if with_ranker else None
    )
    club_tuning = _read_tuning(knowledge_dir / CLUB_TUNING_FILE, parse_club_tuning, problems)
    sources_on = source_dir is not None and source_dir.is_dir()
    topics, articles, texts = _read_topics(knowledge_dir / TOPICS_FILE, source_dir, problems)
    files = [p for p in sorted(knowledge_dir.glob("*.md")) if not _skipped(p)]
    if not files:
        problems.append(Problem(_show(knowledge_dir), None, None, "no entry files (*.md) found"))
    parsed = [_read_entry(p, topics, articles, texts, problems) for p in files]
    readable = [e for e in parsed if e is not None]
    # Every file counts as an existing id (its id must equal its name, which also makes ids
    # unique), so a broken entry isn't reported again as a dangling link in its neighbours.
    _cross_check(readable, {p.stem for p in files})
    problems.sort(key=lambda p: (p.file, p.line or 0))
    unread = vocabulary is None or decision is None or club_tuning is None
    if problems or unread or (with_ranker and ranker is None):
        return None, problems
    good = sorted((e.entry for e in readable if e.entry is not None), key=lambda e: e.id)
    entries = {e.id: e for e in good}
    kb = KnowledgeBase(
        entries=MappingProxyType(entries),
        topics=tuple(topics.values()) if topics else (),
        articles=MappingProxyType(dict(articles or {})),
        source_dir=source_dir if sources_on else None,
    )
    return Knowledge(kb, vocabulary, decision, ranker, club_tuning), []


def _skipped(path: Path) -> bool:
    return path.name.startswith(("_", ".")) or path.name.lower() == "readme.md"


def _show(path: Path) -> str:
    """Relative to the current directory when the file is under it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _field(path: KeyPath) -> str | None:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or None


class _Doc:
    """A parsed YAML document with the file line of every mapping key and sequence item."""

    def __init__(self, data: Any, lines: dict[KeyPath, int]) -> None:
        self.data = data
        self.lines = lines

    def line(self, path: KeyPath) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


class _Reporter:
    def __init__(self, file: str, problems: list[Problem], doc: _Doc | None = None) -> None:
        self.file = file
        self.problems = problems
        self.doc = doc
        self.count = 0

    def at(self, path: KeyPath, message: str, line: int | None = None) -> None:
        if line is None and self.doc is not None:
            line = self.doc.line(path)
        self.problems.append(Problem(self.file, line, _field(path), message))
        self.count += 1


def _parse_yaml(text: str, first_line: int, rep: _Reporter) -> _Doc | None:
    """Parse with the safe loader; `first_line` is the file line where `text` starts."""
    try:
        node, data = yamlnodes.load(text, first_line)
    except yamlnodes.YamlSyntaxError as exc:
        rep.at((), exc.message, exc.line if exc.line is not None else first_line)
        return None
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _index(node, (), first_line, lines, rep)
    return _Doc(data, lines)


def _index(
    node: yaml.Node, path: KeyPath, first: int, out: dict[KeyPath, int], rep: _Reporter
) -> None:
    out.setdefault(path, first + node.start_mark.line)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            line = first + key.start_mark.line
            if name in seen:
                # safe_load silently keeps the last one; a curator almost never means that.
                rep.at((*path, name), "duplicate field", line)
            seen.add(name)
            out[(*path, name)] = line
            _index(value, (*path, name), first, out, rep)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), first, out, rep)


def _read_text(path: Path, rep: _Reporter) -> str | None:
    try:
        return path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        rep.at((), f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        rep.at((), f"cannot read file: {exc.strerror or exc}")
    return None


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _squash(text: str) -> str:
    return " ".join(text.split())


def _article_text(text: str) -> _ArticleText:
    return _ArticleText(_squash(text), tuple(_squash(q) for q in _quoted_spans(text)))


def _quoted_spans(text: str) -> list[str]:
    """What lies inside double quotation marks, curly (“…”) or straight ("…"), across line
    breaks. An opening “ while a quotation is still open starts a new one: that is how an
    article continues a quotation into the next paragraph (the first is left unclosed), and it
    keeps a stray mark from swallowing more than one quotation. Single quotes are apostrophes."""
    spans: list[str] = []
    start: int | None = None
    for i, char in enumerate(text):
        if char == "“" or (char == '"' and start is None):
            if start is not None:
                spans.append(text[start:i])
            start = i + 1
        elif start is not None and char in _CLOSING:
            spans.append(text[start:i])
            start = None
    if start is not None:
        spans.append(text[start:])
    return spans


# --- vocabulary.yaml, decision.json, ranker.json and club.yaml --------------------------------


def _read_tuning(
    path: Path, parse: Callable[[str], tuple[_T | None, list[Issue]]], problems: list[Problem]
) -> _T | None:
    """A matcher tuning file, its issues reported against the file with their lines."""
    rep = _Reporter(_show(path), problems)
    if not path.is_file():
        rep.at((), "missing: the FAQ matcher needs it (see docs/faq-matcher.md)")
        return None
    text = _read_text(path, rep)
    if text is None:
        return None
    value, issues = parse(text)
    problems.extend(Problem(rep.file, i.line, i.field, i.message) for i in issues)
    return value


# --- topics.yaml ------------------------------------------------------------------------------


def _read_topics(
    path: Path, source_dir: Path | None, problems: list[Problem]
) -> tuple[dict[str, Topic] | None, dict[str, Article] | None, dict[str, _ArticleText] | None]:
    """Topics and articles (None when unusable), plus the article texts when checkable."""
    rep = _Reporter(_show(path), problems)
    if not path.is_file():
        rep.at((), "missing: it declares the topics and source articles")
        return None, None, None
    text = _read_text(path, rep)
    doc = _parse_yaml(text, 1, rep) if text is not None else None
    if doc is None:
        return None, None, None
    rep.doc = doc
    if not isinstance(doc.data, dict):
        rep.at((), "must be a mapping with 'topics' and 'articles' lists")
        return None, None, None
    for key in doc.data:
        if key not in ("topics", "articles"):
            rep.at((str(key),), "unknown field (expected 'topics' and 'articles')")
    before = rep.count
    topics: dict[str, Topic] = {}
    for i, item in _items(doc.data, "topics", rep):
        if _check_fields(item, ("id", "name"), ("topics", i), rep):
            if item["id"] in topics:
                rep.at(("topics", i, "id"), f"duplicate topic id {item['id']!r}")
            topics[item["id"]] = Topic(item["id"], item["name"].strip())
    articles: dict[str, Article] = {}
    checkable = source_dir is not None and source_dir.is_dir()
    texts: dict[str, _ArticleText] | None = {} if checkable else None
    for i, item in _items(doc.data, "articles", rep):
        if not _check_fields(item, _ARTICLE_FIELDS, ("articles", i), rep):
            continue
        if item["id"] in articles:
            rep.at(("articles", i, "id"), f"duplicate article id {item['id']!r}")
        articles[item["id"]] = Article(*(item[k].strip() for k in _ARTICLE_FIELDS))
        if texts is not None and source_dir is not None:
            src = source_dir / item["file"]
            try:
                texts[item["id"]] = _article_text(src.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                rep.at(("articles", i, "file"), f"cannot read article {_show(src)}: {exc}")
    if rep.count > before:
        return None, None, None
    return topics, articles, texts


def _items(data: dict[str, Any], key: str, rep: _Reporter) -> list[tuple[int, Any]]:
    value = data.get(key)
    if key not in data:
        rep.at((key,), "missing required field")
    elif not isinstance(value, list) or not value:
        rep.at((key,), "must be a non-empty list")
    else:
        return list(enumerate(value))
    return []


def _check_fields(item: Any, keys: Iterable[str], path: KeyPath, rep: _Reporter) -> bool:
    if not isinstance(item, dict):
        rep.at(path, f"must be a mapping with {', '.join(keys)}")
        return False
    ok = True
    for key in keys:
        if key not in item:
            rep.at(path, f"missing '{key}'")
            ok = False
        elif not _nonempty_str(item[key]):
            rep.at((*path, key), "must be a non-empty string")
            ok = False
        elif key == "id" and not _SLUG.match(item[key]):
            rep.at((*path, key), f"{item[key]!r} is not a lowercase-hyphenated id")
            ok = False
    return ok


# --- entries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    """What cross-file checks need; `entry` is None when the file has problems of its own."""

    stem: str
    rep: _Reporter
    title: str | None
    aliases: list[tuple[int, str]]
    related: list[tuple[int, str]]
    entry: Entry | None


def _read_entry(
    path: Path,
    topics: Mapping[str, Topic] | None,
    articles: Mapping[str, Article] | None,
    texts: Mapping[str, _ArticleText] | None,
    problems: list[Problem],
) -> _Parsed | None:
    rep = _Reporter(_show(path), problems)
    text = _read_text(path, rep)
    if text is None:
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        rep.at((), "must start with a '---' line opening the YAML front matter", 1)
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == _FENCE), None)
    if close is None:
        rep.at((), "front matter is never closed by a '---' line", 1)
        return None
    doc = _parse_yaml("\n".join(lines[1:close]), 2, rep)
    if doc is None:
        return None
    rep.doc = doc
    body = "\n".join(lines[close + 1 :]).strip()
    if not isinstance(doc.data, dict):
        rep.at((), "front matter must be a YAML mapping of fields", 1)
        return None
    before = rep.count
    data: dict[str, Any] = doc.data
    for key in data:
        if key not in _ENTRY_FIELDS:
            rep.at((str(key),), "unknown field")
    for key in ("id", "title", "topic"):
        _require_str(data, key, rep)
    if _nonempty_str(data.get("id")):
        if not _SLUG.match(data["id"]):
            rep.at(("id",), f"{data['id']!r} is not a lowercase-hyphenated id")
        elif data["id"] != path.stem:
            rep.at(("id",), f"id {data['id']!r} must equal the file name {path.stem!r}")
    if topics is not None and _nonempty_str(data.get("topic")) and data["topic"] not in topics:
        rep.at(("topic",), f"unknown topic {data['topic']!r} (known: {', '.join(topics)})")
    aliases = _str_list(data, "aliases", rep, minimum=MIN_ALIASES)
    related = _str_list(data, "related", rep, minimum=0)
    if "action" in data and data["action"] not in ACTIONS:
        rep.at(("action",), f"unknown action {data['action']!r} (known: {', '.join(ACTIONS)})")
    sources = _sources(data, articles, texts, rep)
    if not body:
        rep.at((), "the answer body after the front matter is empty", close + 2)
    title = data["title"].strip() if _nonempty_str(data.get("title")) else None
    entry = None
    if rep.count == before:
        entry = Entry(
            id=data["id"],
            title=data["title"].strip(),
            aliases=tuple(a.strip() for _, a in aliases),
            topic=data["topic"],
            related=tuple(r for _, r in related),
            sources=tuple(sources),
            body=body,
            action=data.get("action"),
            path=path,
        )
    return _Parsed(path.stem, rep, title, aliases, related, entry)


def _require_str(data: dict[str, Any], key: str, rep: _Reporter) -> None:
    if key not in data:
        rep.at((key,), "missing required field", 1)
    elif not _nonempty_str(data[key]):
        rep.at((key,), "must be a non-empty string")


def _str_list(
    data: dict[str, Any], key: str, rep: _Reporter, minimum: int
) -> list[tuple[int, str]]:
    """The valid items with their positions (so later checks can still point at the right one)."""
    if key not in data:
        rep.at((key,), "missing required field", 1)
        return []
    value = data[key]
    if not isinstance(value, list):
        rep.at((key,), "must be a list")
        return []
    bad = [i for i, v in enumerate(value) if not _nonempty_str(v)]
    for i in bad:
        rep.at((key, i), "must be a non-empty string")
    if len(value) < minimum:
        rep.at((key,), f"needs at least {minimum} items, has {len(value)}")
    return [(i, v) for i, v in enumerate(value) if i not in bad]


def _sources(
    data: dict[str, Any],
    articles: Mapping[str, Article] | None,
    texts: Mapping[str, _ArticleText] | None,
    rep: _Reporter,
) -> list[Source]:
    value = data.get("sources")
    if "sources" not in data:
        rep.at(("sources",), "missing required field", 1)
        return []
    if not isinstance(value, list) or not value:
        rep.at(
            ("sources",),
            "must be a list of at least 1 source (article, quote, optional who, speech)",
        )
        return []
    out: list[Source] = []
    for i, item in enumerate(value):
        path: KeyPath = ("sources", i)
        if not isinstance(item, dict):
            rep.at(path, "must be a mapping with article, quote and optional who, speech")
            continue
        for key in item:
            if key not in _SOURCE_FIELDS:
                rep.at((*path, str(key)), "unknown field")
        article, quote, who = item.get("article"), item.get("quote"), item.get("who")
        for key in ("article", "quote"):
            if key not in item:
                rep.at(path, f"missing '{key}'")
            elif not _nonempty_str(item[key]):
                rep.at((*path, key), "must be a non-empty string")
        if "who" in item and not _nonempty_str(who):
            rep.at((*path, "who"), "must be a non-empty string (or leave 'who' out)")
        speech = _speech(item, path, rep)
        if not (_nonempty_str(article) and _nonempty_str(quote)):
            continue
        if articles is not None and article not in articles:
            known = ", ".join(articles)
            rep.at((*path, "article"), f"unknown article {article!r} (known: {known})")
        elif texts is not None and article in texts:
            name = articles[article].file if articles else article
            found = _check_quote(quote, name, texts[article], (*path, "quote"), rep)
            if found and speech and _nonempty_str(who):
                _check_speech(quote, who, name, texts[article], (*path, "speech"), rep)
        out.append(
            Source(
                article=article,
                quote=quote,
                who=who.strip() if _nonempty_str(who) else None,
                speech=speech is True,
            )
        )
    return out


def _speech(item: dict[str, Any], path: KeyPath, rep: _Reporter) -> bool | None:
    """`speech` says whether the quote is `who`'s own words: required with `who`, since a name
    alone could mean either; true only with a `who` (a source without one is the article's own
    words). None when it is absent or invalid (any problem is reported here)."""
    has_who = _nonempty_str(item.get("who"))
    if "speech" not in item:
        if has_who:
            rep.at(
                path,
                f"missing 'speech': true if the quote is the own words of {item['who']!r}"
                " (inside quotation marks in the article), false if it is the article's account"
                " of their view or of a study",
            )
        return None
    speech = item["speech"]
    if not isinstance(speech, bool):
        rep.at((*path, "speech"), f"must be true or false, not {speech!r}")
        return None
    if speech and "who" not in item:  # (an empty `who` is reported as such)
        rep.at((*path, "speech"), "speech: true needs a 'who' (the person whose words they are)")
        return None
    return speech


def _check_quote(quote: str, name: str, text: _ArticleText, path: KeyPath, rep: _Reporter) -> bool:
    """True when the quote appears verbatim (whitespace aside) in the article."""
    wanted = _squash(quote)
    if wanted in text.flat:
        return True
    hint = ""
    if wanted.translate(_TYPO) in text.flat.translate(_TYPO):
        hint = " (it differs only in quote marks or dashes: copy ’ “ ” — exactly)"
    rep.at(path, f"quote not found verbatim in {name}{hint}")
    return False


def _check_speech(
    quote: str, who: str, name: str, text: _ArticleText, path: KeyPath, rep: _Reporter
) -> None:
    """A quote cited as someone's own words must lie inside quotation marks in the article:
    elsewhere it is the article's account of what they think (a paraphrase)."""
    wanted = _squash(quote)
    if any(wanted in span for span in text.quoted):
        return
    rep.at(
        path,
        f"cited as the own words of {who.strip()!r}, but the quote is not inside quotation"
        f" marks in {name}: it is the article's account of their view, so set speech: false"
        " (or quote words the article puts in quotation marks)",
    )


def _norm_alias(text: str) -> str:
    return " ".join(text.lower().split()).rstrip("?!. ")


def _cross_check(parsed: list[_Parsed], ids: set[str]) -> None:
    """Checks that need every entry: related ids exist, titles and aliases unique across entries."""
    holders: dict[str, list[tuple[_Parsed, KeyPath, str]]] = {}
    for p in parsed:
        seen_related: set[str] = set()
        for i, rel in p.related:
            if rel == p.stem:
                p.rep.at(("related", i), "an entry cannot be related to itself")
            elif rel not in ids:
                p.rep.at(("related", i), f"unknown entry id {rel!r}")
            elif rel in seen_related:
                p.rep.at(("related", i), f"{rel!r} is listed twice")
            seen_related.add(rel)
        named: list[tuple[KeyPath, str]] = [(("title",), p.title)] if p.title else []
        named += [(("aliases", i), a) for i, a in p.aliases]
        mine: set[str] = set()
        for path, phrase in named:
            key = _norm_alias(phrase)
            if key in mine:
                p.rep.at(path, f"{phrase!r} repeats this entry's title or another alias")
                continue
            mine.add(key)
            holders.setdefault(key, []).append((p, path, phrase))
    # A phrase naming two entries makes question matching ambiguous; both files are told, since
    # either one may be the entry that should give the phrase up.
    for found in holders.values():
        if len(found) < 2:
            continue
        for p, path, phrase in found:
            others = ", ".join(repr(q.stem) for q, _, _ in found if q is not p)
            p.rep.at(path, f"{phrase!r} is also a title or alias of {others}")
