"""The kind of answer a question asks for (a number, a sum, a date, an age, a score, a
name, a place), as patterns a quote can be searched with, and the words that asked.

Pure functions over the question text (query.py builds the `Query` with them; the
candidates and the containment gate search quotes with the patterns).
"""

from __future__ import annotations

import re

from ..ingest import tokens

_MONTH_BEFORE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+$"
)
# Not "by" or "of": "attended by 2000 guests", "a crowd of 2000".
_YEAR_AFTER = re.compile(
    r"(?i:\b(in|since|until|till|from|early|late|mid))\s+$|[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*$"
)
_NUMBER_AT = re.compile(r"\d[\d,.]*")


def part_of_date(text: str, at: int) -> bool:
    """A figure that is a day or a year ("on June 6", "in 2014") counts nothing: it does
    not answer "How many extremists ...?" (for counts only: "since 2001" says how long)."""
    if not text[at : at + 1].isdigit():
        return False
    while at > 0 and (text[at - 1].isdigit() or text[at - 1] in ",."):
        at -= 1  # to the start of the figure
    figure = _NUMBER_AT.match(text, at)
    number = figure.group().rstrip(",.") if figure else ""
    before = text[max(0, at - 16) : at]
    if _MONTH_BEFORE.search(before) and len(number) <= 2:
        return True
    return len(number) == 4 and number[:2] in ("19", "20") and bool(_YEAR_AFTER.search(before))


# Answer-type cues: what kind of words the answer holds, for any English news or
# reference text. A sentence holding its kind gets a ranking bonus; for the kinds in
# `AnswerSettings.containment` a quote without it is passed over (select.contains).
_NUMBER = (
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|dozens?|hundreds?|thousands?|millions?|billions?|half|"
    r"percent|per cent)\b|"
    # one of a unit, in words: "less than a square mile" says how much territory
    r"\b(a|an)\s+((square|cubic)\s+)?(mile|kilomet(er|re)|acre|hectare|met(er|re)|foot|yard|"
    r"inch|ton|tonne|gallon|lit(er|re)|pound|kilo(gram)?)\b"
)
# A year is four digits (or a number with BC / AD): a three-digit number is a count or a
# model ("2,500 fighters", "the first 787") far more often than a year in news. A month
# may be abbreviated before its day.
_DATE = (
    r"\b((1\d{3}|20\d{2})s?|\d{1,4}\s?(BC|AD|BCE|CE)|AD\s?\d{1,4}|\d{1,2}(st|nd|rd|th)|"
    r"(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d{1,2}|"  # "Feb. 14", as AP writes it
    r"January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|yesterday|today|tomorrow|tonight|ago|(last|this|next) (week|month|year)|"
    r"centur(y|ies)|decades?)\b"
)
_NAME = r"\b[A-Z][\w'’-]+(\s+(of|de|al|bin|von|van|the)?\s*[A-Z][\w'’-]+)+"
_PLACE = r"\b(in|at|near|from|to|into|across|outside)\s+(the\s+)?[A-Z]\w+"
# "How old / long / much / far ..." ask for a number of a kind: an age, a duration, an
# amount, a measure. Any number still lets a quote count as holding a number (`needs`),
# but only a number of the asked kind earns the answer-type bonus.
_COUNT = (
    r"(\d[\d,.]*|a few|several|many|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
    r"thousands?|dozens?)"
)
_AGE = (
    rf"\b{_COUNT}[- ](year|month|week|day)s?[- ]old\b|\baged?\s+\d|"
    # "850 years" is an age; "10 years ago" / "two years later" is when, not how old.
    rf"\b{_COUNT}\s+years\b(?!\s+(ago|later|earlier|before|after)\b)|"
    r"\b\d+(st|nd|rd|th)[- ]century\b|\bcentur(y|ies)\b|\b(since|founded|built|established)\b"
)
_DURATION = (
    rf"\b{_COUNT}[- ](seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|"
    r"centuries|miles?|kilomet(er|re)s?|km|met(er|re)s?|feet|foot|inch(es)?|yards?)\b|"
    r"\b(from|between)\b.{1,40}\b(to|until|and)\b"
)
_AMOUNT = (
    r"[$£€¥₹]\s?\d|\bRs\.?\s?\d|\b\d[\d,.]*\s*(%|percent|per cent|million|billion|trillion|"
    r"dollars?|pounds?|euros?|yen|yuan|rupees?|rubles?|pesos?|francs?|lakh|crore|tons?|"
    r"tonnes?|kilo(gram)?s?|kg|gallons?|lit(er|re)s?|barrels?|bn|m\b)"
)
_MEASURE = (
    rf"\b{_COUNT}[- ]?(miles?|kilomet(er|re)s?|km|met(er|re)s?|m|feet|foot|ft|inch(es)?|"
    r"yards?|acres?|hectares?|square|sq)\b"
)
_FREQUENCY = r"\b(daily|weekly|monthly|annually|yearly|every|each|per|once|twice|times)\b"
# A sum of money: what "how much ... cost / pay / worth ..." asks for, where any other
# number ("its 50th anniversary tour in 2020") does not answer.
_MONEY = (
    rf"[$£€¥₹]\s?\d|\b(Rs|USD|US\$|GBP|EUR|INR)\.?\s?\d|\b{_COUNT}\s*(million|billion|"
    r"trillion|bn|m|k)?\s*(dollars?|pounds?|euros?|yen|yuan|rupees?|rubles?|roubles?|pesos?|"
    r"francs?|lakh|crore|cents?|pence|naira|rand|won|dirhams?|riyals?)\b"
)
_MONEY_CUE = re.compile(
    r"\b(cost|costs|costing|pay|pays|paid|paying|price|prices|priced|charge|charges|charged|"
    r"worth|spend|spends|spent|earn|earns|earned|fee|fees|salary|wages?|fine|fined|owe|owes|"
    r"owed|sell|sells|sold|buy|buys|bought|money|cash|budget|fund|funds|funding|raise|raised)\b",
    re.IGNORECASE,
)
# A sum per period: "How much is the subscription a month?" is answered by "$9.99
# monthly", not by the $129 a bundle costs once; "How much will he earn a week?" not by
# his transfer fee.
_PERIOD = r"(year|month|week|day|night|hour|season|game|match|episode|head|person)"
_RATE = (
    rf"\b(per|a|an|each|every)[\s-]+{_PERIOD}\b|\b(annual(ly)?|yearly|monthly|weekly|daily|"
    r"nightly|hourly)\b|/\s?(year|yr|month|mo|week|wk|day|hour|hr)\b"
)
_RATE_CUE = re.compile(_RATE, re.IGNORECASE)
# A result: "What was the score of the game?" is answered by "lost 24-17", not "in 2019".
_SCORE = r"\b\d{1,3}\s?[-–]\s?\d{1,3}\b"
# "What did X say / tweet / call ...?" asks for words someone said: a quotation, or a
# sentence that reports speech. A ranking cue only, never a gate (a summary answers too).
_SPEECH = r"[“\"][^”\"]{8,}[”\"]|\b(said|says|told|tweeted|wrote|added|stated|according to)\b"
_WHAT_IS_THE = r"^\s*what (is|was|are|were|will be) (the|its|their|his|her) (\w+ )?"
_TYPES = (
    (
        re.compile(r"\b(what|which) (was|is|were|are) the (final )?scores?\b|\bwhat score\b", re.I),
        _SCORE,
    ),
    (
        re.compile(
            r"^\s*what (did|does|do|has|have|had|will|would)\b(?=.*\b(say|tell|call|tweet|"
            r"write|announce|declare|warn|claim|admit|promise|post)\b)",
            re.I,
        ),
        _SPEECH,
    ),
    (re.compile(r"\bhow old\b", re.I), _AGE),
    (re.compile(r"\bhow long\b", re.I), _DURATION),
    (re.compile(r"\bhow much\b", re.I), _AMOUNT),
    # "What is the population / the price of X?" asks for a quantity, as "how many" does
    # (the noun in lower case: "the Population Mobilization Force" is a name; not "area"
    # or "value": "the area called …", "the value of imperialism" ask for words).
    (
        re.compile(
            rf"{_WHAT_IS_THE}(?-i:(price|cost|budget|salary|fee|revenue|profit|fine)s?)\b",
            re.I,
        ),
        _AMOUNT,
    ),
    (
        re.compile(
            rf"{_WHAT_IS_THE}(?-i:(population|total|size|height|length|width|depth|"
            r"weight|distance|speed|(death )?toll|turnout|capacity|attendance|rate))\b",
            re.I,
        ),
        _NUMBER,
    ),
    (re.compile(r"\bhow (far|tall|high|big|large|deep|wide)\b", re.I), _MEASURE),
    (re.compile(r"\bhow often\b", re.I), _FREQUENCY),
    (
        re.compile(
            r"\bhow many\b|\bnumber of\b|"
            r"\bwhat (percentage|percent|proportion|share|amount)\b",
            re.I,
        ),
        _NUMBER,
    ),
    (
        re.compile(
            r"^\s*when\b|\b(what|which|in what) (year|day|date|month|time|century|decade)\b|"
            r"\bsince when\b",
            re.I,
        ),
        _DATE,
    ),
    (re.compile(r"^\s*(who|whom|whose)\b", re.I), _NAME),
    (re.compile(r"^\s*where\b|\bin (what|which) (city|country|place|town)\b", re.I), _PLACE),
)
_NUMERIC = (_NUMBER, _DATE, _AGE, _DURATION, _AMOUNT, _MEASURE, _SCORE)  # a quote holds a number


_KINDS = {
    _NUMBER: "number",
    _DATE: "date",
    _AGE: "age",
    _DURATION: "duration",
    _AMOUNT: "amount",
    _SCORE: "score",
    _MEASURE: "measure",
    _FREQUENCY: "frequency",
    _SPEECH: "speech",
    _NAME: "name",
    _PLACE: "place",
}


def answer_kind(pattern: re.Pattern[str]) -> str:
    """The name of an answer type ("number", "date", "name", ...)."""
    return _KINDS.get(pattern.pattern, "other")


def answer_type(question: str) -> re.Pattern[str] | None:
    return _typed(question)[0]


def _typed(question: str) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    """The kind of answer asked for, and the stems of the words that asked it."""
    for cue, pattern in _TYPES:
        found = cue.search(question)
        if found:
            # Names and places are told by their capitals; numbers and dates are not.
            kind = re.compile(pattern, 0 if "A-Z" in pattern else re.IGNORECASE)
            return kind, frozenset(tokens.analyze(found.group()))
    return None, frozenset()


def asked_for(
    question: str,
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, frozenset[str]]:
    """The kind of answer asked for, what a quote must hold for it (`Query.needs`: a
    number or a date of any kind, a sum of money for a price), and the stems of the
    words that asked."""
    kind, cue = _typed(question)
    needs = None
    if kind is not None and kind.pattern in _NUMERIC:
        needs = kind if kind.pattern in (_DATE, _SCORE) else re.compile(_NUMBER, re.IGNORECASE)
        money = _MONEY_CUE.search(question) if kind.pattern == _AMOUNT else None
        if money:
            needs = re.compile(_MONEY, re.IGNORECASE)  # a sum of money, not any number
            cue |= frozenset(tokens.analyze(money.group()))
        rate = _RATE_CUE.search(question) if kind.pattern == _AMOUNT else None
        if rate:
            needs = _per_period(needs)
            cue |= frozenset(tokens.analyze(rate.group()))
    return kind, needs, cue


def _per_period(amount: re.Pattern[str]) -> re.Pattern[str]:
    """An amount with a period beside it, on either side, within its sentence ("$9.99
    monthly", "a monthly fee of $9.99")."""
    a, r = amount.pattern, _RATE
    gap = r"(?:[^.!?]|\.(?=\d)){0,60}?"  # not past the sentence's end; "$6.99" goes on
    return re.compile(rf"(?:{a}){gap}(?:{r})|(?:{r}){gap}(?:{a})", re.IGNORECASE)
