"""Pay written in a posting's text: only an amount next to a pay word counts.

A posting names many sums: the company's funding ("raised $100 m"), its revenue ("$30 billion in
revenue"), a learning budget. A sum is a salary only when a pay word (salary, pay, compensation,
per hour/year, "/yr", or the same in the languages postings come in) stands next to it and no
company-money word does; sums in millions or billions never are.
"""

from __future__ import annotations

import re

_CURRENCY = (
    r"(?:US\$|AU\$|CA\$|NZ\$|HK\$|C\$|A\$|S\$|R\$|[$€£¥₹₦₩₽₺]|USD|EUR|GBP|CAD|AUD|CHF|INR|KES|"
    r"KSh|NGN|ZAR|JPY|CNY|RMB|PLN|SEK|NOK|DKK|BRL|MXN|SGD|NZD|JOD|AED|zł)"
)
_NUMBER = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = (
    r"(?:\s?(?:[kK]|[mM](?![a-z])|mn\b|thousand\b|million\b|billion\b|bn\b|miljard\b|"
    r"milliarden?\b|mrd\.?|mio\.?|万|亿))"
)
_AMOUNT = rf"(?:{_CURRENCY}\s?(?:{_NUMBER}){_SCALE}?|(?:{_NUMBER}){_SCALE}?\s?{_CURRENCY})"
_PERIOD = (
    r"(?:\s*(?:per|/|a|an)\s*(?:year|yr|annum|month|mo|week|wk|day|hour|hr)\b"
    r"|\s*p\.?\s?a\.?(?![a-z])|\s*(?:annually|yearly|monthly|weekly|daily|hourly)\b"
    r"|\s*pro\s+(?:Jahr|Monat|Stunde)\b)?"
)
_RANGE_WORD = r"\s*(?:-|–|—|to|and|bis|à)\s*"
# "70,000-90,000 EUR": a range whose currency comes only after its second figure.
_BARE_THEN_AMOUNT = rf"(?:{_NUMBER}){_SCALE}?{_RANGE_WORD}{_AMOUNT}"
_SALARY = re.compile(
    rf"(?:{_BARE_THEN_AMOUNT}|{_AMOUNT}(?:{_RANGE_WORD}(?:{_AMOUNT}|(?:{_NUMBER}){_SCALE}?))?)"
    rf"{_PERIOD}",
    re.I,
)
_BETWEEN_AND = re.compile(r"\s+and\s+")
_PAY_WORDS = re.compile(
    r"salar|\bpay\b|\bpaid\b|\bpays\b|compensation|\bwages?\b|stipend|remuneration|\bbase\b|"
    r"\bOTE\b|\bearn|gehalt|vergütung|entgelt|salaire|rémunération|salario|sueldo|retribuzione|"
    r"stipendio|salaris|\bloon\b|wynagrodzeni|зарплат|оклад|薪|給与|月給|年収|الراتب|"
    r"\bper\s+(?:year|annum|month|hour|week|day)\b|/\s?(?:yr|hr|year|hour|month)\b|"
    r"\bp\.a\.|annually|yearly|monthly|weekly|daily|hourly|an hour|a year|a month",
    re.I,
)
_COMPANY_MONEY = re.compile(
    r"raised|raising|funding|funded|revenue|valuation|valued|\bseries\s+[a-f]\b|investors?|"
    r"investment|turnover|omzet|umsatz|chiffre d.affaires|market cap|\bARR\b|\bseed\b|\bIPO\b|"
    r"\bassets\b|(?:learning|training|education|equipment|office|conference|travel)\s+budget|"
    r"\bgrant\b|\bdonat",
    re.I,
)
_LARGE = re.compile(
    r"(?<![a-z])(?:m|mn|million|billion|bn|miljard|milliarden?|mrd|mio|亿)(?![a-z])", re.I
)


def find_salary(text: str) -> str:
    """The first pay figure in the text, with its currency and period, or ""."""
    for match in _SALARY.finditer(text):
        amount = match.group(0)
        if _LARGE.search(re.sub(_CURRENCY, " ", amount)):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        before = text[max(line_start, match.start() - 90) : match.start()]
        after = text[match.end() : min(line_end, match.end() + 40)]
        # The words that count are those of the amount's own sentence.
        before = re.split(r"[.!?;](?:\s|$)", before)[-1]
        after = re.split(r"[.!?;](?:\s|$)", after)[0]
        if _COMPANY_MONEY.search(before + " " + after):
            continue
        if _PAY_WORDS.search(before + " " + amount + " " + after):
            amount = re.sub(r"\s+", " ", amount).strip()
            # "between $148,200 and $239,800" reads as the range it is.
            return _BETWEEN_AND.sub("–", amount, count=1)
    return ""
