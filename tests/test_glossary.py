"""The zh_CN translations use the words of the glossary (i18n/GLOSSARY.md).

``i18n/glossary.csv`` is the machine-readable part of the glossary: one row per
term with its Chinese, how it is checked and where (``scope``: an addon, several
joined by ``|``, or ``*``). Match modes:

* ``exact``: an entry whose msgid is the term has exactly the glossary's Chinese;
* ``word``:  an entry whose msgid contains the term as a whole word or phrase
  (case-insensitive, placeholders and HTML left out) has the Chinese (or the
  shorter ``core`` column) somewhere in its msgstr; an occurrence that is part
  of a longer glossary term, and an msgid that is itself a glossary term, are
  left to that longer term;
* ``both``:  ``exact`` and ``word``;
* ``doc``:   documented only;
* ``allow``: a code that may stay in Latin letters (msgstr equal to msgid);
* ``forbid``: ``chinese`` must not appear in any msgstr of the scope.

The ``avoid`` column lists wrong renderings (``|``-separated) that an entry the
row checks must not contain. Plain pytest, no database: it reads the .po files.
"""

import csv
import os
import re

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ["sale_customer_mgmt", "key_account", "after_sales"]
GLOSSARY_CSV = os.path.join(ROOT, "i18n", "glossary.csv")
GLOSSARY_MD = os.path.join(ROOT, "i18n", "GLOSSARY.md")
MODES = {"exact", "word", "both", "doc", "allow", "forbid"}

# placeholders, t-out/QWeb expressions and HTML tags are not words to translate
NOISE = re.compile(
    r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdfr]|%[sdfr%]|\{\{.*?\}\}|\{\w*\}|<[^>]*>|&\w+;",
    re.S,
)
ASCII_LETTER = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff]")


def _load_glossary():
    rows = []
    with open(GLOSSARY_CSV, encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            english = (row["english"] or "").strip()
            if not english or english.startswith("#"):
                continue
            row = {key: (value or "").strip() for key, value in row.items()}
            row["line"] = line_no
            row["scopes"] = set(row["scope"].split("|")) if row["scope"] else {"*"}
            row["avoids"] = [a for a in row["avoid"].split("|") if a]
            row["core"] = row["core"] or row["chinese"]
            rows.append(row)
    return rows


GLOSSARY = _load_glossary()


def _in_scope(row, addon):
    return "*" in row["scopes"] or addon in row["scopes"]


def _terms(addon):
    return [
        r
        for r in GLOSSARY
        if _in_scope(r, addon) and r["match"] not in {"allow", "forbid"}
    ]


def _pattern(term):
    return re.compile(
        r"(?<![A-Za-z])" + re.escape(term) + r"(?![A-Za-z])", re.IGNORECASE
    )


def _entries(addon):
    path = os.path.join(ROOT, "addons", addon, "i18n", "zh_CN.po")
    return [e for e in polib.pofile(path) if not e.obsolete and e.msgid]


def _clean(msgid):
    return NOISE.sub(" ", msgid)


def _word_hits(row, addon, msgid, exact_terms):
    """Whether the msgid uses the row's term, outside a longer glossary term."""
    text = _clean(msgid)
    if text.strip() in exact_terms and text.strip() != row["english"]:
        return False
    term = row["english"].lower()
    for other in _terms(addon):
        longer = other["english"]
        if len(longer) > len(term) and _pattern(term).search(longer):
            text = _pattern(longer).sub(" ", text)
    return bool(_pattern(term).search(text))


def _violations(addon):
    problems = []
    entries = _entries(addon)
    terms = _terms(addon)
    exact_terms = {r["english"] for r in terms if r["match"] in {"exact", "both"}}
    for row in terms:
        mode = row["match"]
        for entry in entries:
            msgid, msgstr = entry.msgid, entry.msgstr
            if not msgstr:
                continue  # a missing translation is test_i18n's business
            checked = False
            if mode in {"exact", "both"} and msgid.strip() == row["english"]:
                checked = True
                if msgstr.strip() != row["chinese"]:
                    problems.append(
                        f"{row['english']!r} must be {row['chinese']!r}, "
                        f"not {msgstr!r}"
                    )
            elif mode in {"word", "both"} and _word_hits(
                row, addon, msgid, exact_terms
            ):
                checked = True
                if row["core"] not in msgstr:
                    problems.append(
                        f"{msgid[:70]!r} uses {row['english']!r}: its msgstr "
                        f"{msgstr[:60]!r} lacks {row['core']!r}"
                    )
            if checked:
                for wrong in row["avoids"]:
                    if wrong in msgstr:
                        problems.append(
                            f"{msgid[:70]!r}: {wrong!r} is a wrong rendering of "
                            f"{row['english']!r} (use {row['chinese']!r})"
                        )
    return problems


def test_glossary_file_is_well_formed():
    assert GLOSSARY, "i18n/glossary.csv has no entries"
    seen = {}
    for row in GLOSSARY:
        assert row["match"] in MODES, f"line {row['line']}: match {row['match']!r}"
        assert row["chinese"], f"line {row['line']}: no Chinese"
        for scope in row["scopes"]:
            assert scope == "*" or scope in ADDONS, f"line {row['line']}: {scope}"
        if row["match"] in {"exact", "word", "both"}:
            assert CJK.search(row["chinese"]), f"line {row['line']}: not Chinese"
            assert row["core"] in row["chinese"], f"line {row['line']}: core"
            for scope in row["scopes"]:
                key = (row["english"], scope)
                assert (
                    key not in seen
                ), f"{key} twice (lines {seen.get(key)}, {row['line']})"
                seen[key] = row["line"]
    terms = [r for r in GLOSSARY if r["match"] in {"exact", "word", "both", "doc"}]
    assert 60 <= len(terms) <= 150, f"{len(terms)} glossary terms"


def test_glossary_markdown_matches_csv():
    """The human table and the machine-readable rows say the same thing."""
    with open(GLOSSARY_MD, encoding="utf-8") as handle:
        table = {}
        for line in handle:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("|") and len(cells) >= 4:
                table.setdefault(cells[0], set()).add(cells[1])
    for row in GLOSSARY:
        if row["match"] in {"exact", "word", "both", "doc"}:
            assert row["chinese"] in table.get(
                row["english"], set()
            ), f"GLOSSARY.md has no row {row['english']} | {row['chinese']}"


def test_three_kinds_of_key_are_told_apart():
    """Tier A, the key-account flag and the portfolio quadrant 'Key' differ."""
    names = {
        r["english"]: r["chinese"]
        for r in GLOSSARY
        if r["english"] in {"Key Customer", "Key Account", "Key"}
    }
    assert set(names) == {"Key Customer", "Key Account", "Key"}, names
    chinese = list(names.values())
    for one in chinese:
        for other in chinese:
            if one is not other:
                assert one not in other, f"{one} / {other} can be confused"


@pytest.mark.parametrize("addon", ADDONS)
def test_translations_follow_glossary(addon):
    problems = _violations(addon)
    assert not problems, f"{addon}: {len(problems)} glossary violations:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_no_forbidden_rendering(addon):
    forbidden = [r for r in GLOSSARY if r["match"] == "forbid" and _in_scope(r, addon)]
    problems = [
        f"{e.msgid[:60]!r} -> {e.msgstr[:60]!r} contains {r['chinese']!r} "
        f"({r['meaning']})"
        for e in _entries(addon)
        for r in forbidden
        if r["chinese"] in e.msgstr
    ]
    assert not problems, (
        f"{addon}: {len(problems)} forbidden renderings:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_no_english_left_untranslated(addon):
    allowed = {r["english"] for r in GLOSSARY if r["match"] == "allow"}
    problems = []
    for entry in _entries(addon):
        words = _clean(entry.msgid)
        if not ASCII_LETTER.search(words) or CJK.search(entry.msgid):
            continue  # placeholders only, or a name that is Chinese already
        if entry.msgid.strip() in allowed:
            continue
        if entry.msgstr == entry.msgid:
            problems.append(repr(entry.msgid[:80]))
    assert not problems, f"{addon}: msgstr equal to the English msgid:\n" + "\n".join(
        problems
    )
