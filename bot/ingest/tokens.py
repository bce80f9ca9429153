"""The one tokenizer: indexing and querying both go through `analyze`.

Lowercased word tokens from an nltk `RegexpTokenizer`, English Snowball stems (no nltk
data needed) and a stopword list owned by this project. `SETTINGS` is written into the
index, so an index built with other settings is detected instead of mis-scored.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain

# isort: split
from . import _nltk  # noqa: F401  (must run before any nltk import: see _nltk.py)

# isort: split
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer

# Acronyms with dots ("U.S.", "U.N."), numbers with separators ("15,000", "1.5"), then
# words; hyphens split words ("U.S.-led" -> "us", "led"; "al-Nuri" -> "al", "nuri") so
# that a question without the hyphen still matches.
_PATTERN = r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)*|[^\W_]+(?:['’][^\W_]+)*"
_TOKENIZER = RegexpTokenizer(_PATTERN)
_STEMMER = SnowballStemmer("english")

# Function words, question words and the filler people put around questions. "us" is
# deliberately absent: "U.S." normalises to "us", and the pronoun rarely matters here.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't down during each few for from further had hadn't has hasn't
    have haven't having he he'd he'll he's her here here's hers herself him himself his how
    how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most
    mustn't my myself no nor not of off on once only or other ought our ours ourselves out
    over own same shan't she she'd she'll she's should shouldn't so some such than that
    that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up very was wasn't we we'd we'll
    we're we've were weren't what what's when when's where where's which while who who's
    whom why why's will with won't would wouldn't you you'd you'll you're you've your yours
    yourself yourselves s t d ll m re ve also just
    tell know say says said please explain describe according article articles story
    stories report reported reports happen happened happens mean means thing things
    many much one ones anything something someone somebody give given get got
    exactly actually really kind sort way ways color colour
    """.split()
)

# Irregular forms a suffix stemmer cannot join to their base ("broke" -> "break"), so that
# "When did the SDF break into Raqqa?" finds "The SDF broke into Raqqa". Not "wound": in
# news it is an injury ("wounds", "wounded") far more often than the past of "wind".
_IRREGULAR_PAIRS = """
    arose:arise arisen:arise awoke:awake was:be were:be been:be bore:bear borne:bear
    beat:beat beaten:beat became:become began:begin begun:begin bent:bend bet:bet bit:bite
    bitten:bite bled:bleed blew:blow blown:blow broke:break broken:break bred:breed
    brought:bring built:build burnt:burn bought:buy caught:catch chose:choose chosen:choose
    came:come cost:cost crept:creep dealt:deal dug:dig did:do done:do drew:draw drawn:draw
    drank:drink drunk:drink drove:drive driven:drive ate:eat eaten:eat fell:fall fallen:fall
    fed:feed felt:feel fought:fight found:find fled:flee flew:fly flown:fly forbade:forbid
    forgot:forget forgotten:forget froze:freeze frozen:freeze got:get gotten:get gave:give
    given:give went:go gone:go grew:grow grown:grow hung:hang had:have heard:hear hid:hide
    hidden:hide held:hold hurt:hurt kept:keep knew:know known:know laid:lay led:lead
    left:leave lent:lend lost:lose made:make meant:mean met:meet paid:pay quit:quit
    rode:ride ridden:ride rang:ring rung:ring rose:rise risen:rise ran:run saw:see seen:see
    sought:seek sold:sell sent:send shook:shake shaken:shake shot:shoot shut:shut sang:sing
    sung:sing sank:sink sunk:sink sat:sit slept:sleep slid:slide spoke:speak spoken:speak
    spent:spend spread:spread sprang:spring stood:stand stole:steal stolen:steal stuck:stick
    struck:strike stricken:strike swore:swear sworn:swear swept:sweep swam:swim swung:swing
    took:take taken:take taught:teach tore:tear torn:tear thought:think threw:throw
    thrown:throw understood:understand woke:wake wore:wear worn:wear won:win
    withdrew:withdraw withdrawn:withdraw wrote:write written:write overran:overrun
    overtook:overtake overtaken:overtake retook:retake retaken:retake undertook:undertake
    men:man women:woman children:child mice:mouse feet:foot teeth:tooth
"""
IRREGULAR: dict[str, str] = dict(p.split(":") for p in _IRREGULAR_PAIRS.split())

SETTINGS: dict[str, object] = {
    "name": "newsqa-tokens",
    "version": 3,  # 2: accents folded; 3: acronym plurals ("IEDs") folded
    "pattern": _PATTERN,
    "lowercase": True,
    "stemmer": "nltk-snowball-english",
    "stopwords_sha256": hashlib.sha256(" ".join(sorted(STOPWORDS)).encode()).hexdigest(),
    "irregular_sha256": hashlib.sha256(_IRREGULAR_PAIRS.encode()).hexdigest(),
}


_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s$")


def _normalize_word(word: str) -> str:
    """Lowercase and fold the variants that should count as one word."""
    if _ACRONYM_PLURAL.match(word):  # "IEDs" -> "IED": the stemmer keeps a vowelless "s"
        word = word[:-1]
    w = word.lower().replace("’", "'")
    if not w:
        return w
    if w.endswith("'s"):
        w = w[:-2]
    if "." in w and not w[0].isdigit():  # "u.s." -> "us"
        w = w.replace(".", "")
    elif w[0].isdigit():  # "15,000" -> "15000"; "1.5" stays
        w = w.replace(",", "")
    return IRREGULAR.get(w, w)


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Stem one normalised word; cached because news vocabularies repeat heavily."""
    return str(_STEMMER.stem(word))


def term(token: str) -> str:
    """The index term of one raw token, or "" for a stopword. Every path goes through it."""
    word = _normalize_word(token)
    if not word or word in STOPWORDS:
        return ""
    return stem(_fold(word))


@lru_cache(maxsize=500_000)
def _fold(word: str) -> str:
    """NFKC so that ligatures and full-width forms match their plain letters, then accents
    dropped ("Schrödinger" -> "schrodinger", "Céloron" -> "celoron"): people often type
    names without them."""
    word = unicodedata.normalize("NFKC", word)
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


# Whitespace-separated chunk -> its terms. Tokens never contain whitespace (the pattern
# has no lookarounds and matches no space), so tokenizing chunk by chunk equals tokenizing
# the whole text; caching chunks makes a repeated word cost one dict lookup, which is what
# lets a million passages be tokenized in seconds. Cleared when it outgrows its bound.
_CHUNKS: dict[str, tuple[str, ...]] = {}
_CHUNKS_MAX = 2_000_000


def spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (term, start, end) for each non-stopword token of `text`."""
    for start, end in _TOKENIZER.span_tokenize(text):
        t = term(text[start:end])
        if t:
            yield t, start, end


def chunk_terms(chunk: str) -> tuple[str, ...]:
    """Terms of one whitespace-free chunk of text ("Mosul’s", "U.S.-led")."""
    return tuple(t for t in map(term, _TOKENIZER.tokenize(chunk)) if t)


def analyze(text: str) -> list[str]:
    """Terms of the non-stopword tokens of `text`, in order: the tokenizer of record,
    equal to the terms of `spans(text)` (a test checks this on arbitrary text)."""
    out: list[str] = []
    cache = _CHUNKS
    for chunk in text.split():
        terms = cache.get(chunk)
        if terms is None:
            if len(cache) >= _CHUNKS_MAX:
                cache.clear()
            terms = cache[chunk] = chunk_terms(chunk)
        out.extend(terms)
    return out


class ChunkIds(dict[str, tuple[int, ...]]):
    """Chunk -> term ids, assigning new ids from `vocab`: the build's hot path, where a
    repeated word costs one C-level dict lookup. Same terms as `analyze`. `terms` lists
    the vocabulary in id order as it grows."""

    def __init__(self, vocab: dict[str, int]) -> None:
        super().__init__()
        self.vocab = vocab
        self.terms: list[str] = sorted(vocab, key=vocab.__getitem__)

    def __missing__(self, chunk: str) -> tuple[int, ...]:
        vocab = self.vocab
        ids = []
        for t in chunk_terms(chunk):
            i = vocab.get(t)
            if i is None:
                i = vocab[t] = len(vocab)
                self.terms.append(t)
            ids.append(i)
        if len(self) < _CHUNKS_MAX:
            self[chunk] = tuple(ids)
        return tuple(ids)

    def ids(self, text: str) -> list[int]:
        return list(chain.from_iterable(map(self.__getitem__, text.split())))


_WORD_RE = re.compile(r"[^\W_]", re.UNICODE)


def has_word(text: str) -> bool:
    """True when `text` holds at least one letter or digit."""
    return _WORD_RE.search(text) is not None
