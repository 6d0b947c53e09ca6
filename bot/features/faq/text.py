"""Text normalisation for question matching: folding, tokens, stop words and a light stemmer.

Pure functions only; the matcher applies the same pipeline to entries and to member questions so
both sides meet on identical terms.
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(https?://\S+|www\.\S+|\S+\.(?:com|net|org|gg|ly|io|co)\S*)")
_MENTION = re.compile(r"<[@#:][^>]*>|@\w+")
_APOSTROPHE = re.compile(r"[\u2018\u2019\u02bc'`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# A token that can never be in the index: a link counts as foreign content, not as nothing.
URL_TOKEN = "zzlink"

# Function words plus Discord chat filler; they carry no topic so they never count for or against.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above actually after again against all alone already also am an and any anyone
    anything anyway are aren arent as at b basically be because been before being below
    between bit bot both bro bruh but by c can cant could couldnt currently d did didnt do does
    doesnt doing dont down during e each either else even ever every for from further get
    gets getting go going gonna got guys had hadnt has hasnt have havent having he hed hello
    her here hers herself hes hey hi him himself his honestly how however i id ie if ill im
    in into is isnt it itll its itself ive just k kinda know lately less let lets like likely
    literally lmao lol m make makes making man mate may maybe me might mine more most much must my
    myself n nah no nor normal not now o of off ok okay on once one only or other ought our
    ours ourselves out over own p please pls plz pretty probably q r re real really right s
    said say says see seems she shes should shouldnt since so some somehow someone something
    still such sure t tbh than thank thanks thanx that thats the their theirs them
    themselves then there theres these they theyre thing things think this tho those though
    thx time to too tried try trying u under until up ur us v very via vs w wanna want was
    wasnt we well were werent what whats when where which while who whom whose will with
    wo wonder wondering wont would wouldnt x y yeah yes yet yo you youd youll your youre
    yours yourself yourselves z
    nothing way lot lots stuff total possible possibly true false myth legit fact question ask
    asking curious ago two three four five six seven eight nine ten twice
    thoughts thought opinion opinions views eli5 explain explained explanation mean means
    meant meaning etc normal reckon reckons reckoned heard hear told tell telling claim claims
    coach coaches mate mates friend friends buddy pal wife husband gf bf gonna gotta ya ye
    yay nay yea yep yup nope fr ngl imo imho idk tldr
    """.split()  # noqa: SIM905
)

_DOUBLE_KEEP = frozenset("lsz")


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, replace links; keep only [a-z0-9 ] words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _URL.sub(f" {URL_TOKEN} ", text)
    text = _MENTION.sub(" ", text)
    text = _APOSTROPHE.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words included (phrases need them)."""
    folded = fold(text)
    return folded.split() if folded else []


def _undouble(stem: str) -> str:
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _DOUBLE_KEEP:
        return stem[:-1]
    return stem


def stem(word: str) -> str:
    """A deliberately light suffix stripper (plural, -ing, -ed, -er, -est, -ly, final e).

    Porter-style over-stemming merged words we need apart (e.g. trained/training are kept apart
    by the synonym map before this runs); this keeps stems readable and predictable.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "est", "ed", "er", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = _undouble(w[: -len(suffix)])
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w
