#!/usr/bin/env python3
"""Rebuild the derived gazetteers in this folder from their open sources (see SOURCES.md).

    python3 config/gazetteers/build.py SHARED_NAMES_DIR CENSUS_SURNAMES_CSV WORDLIST

SHARED_NAMES_DIR   the ONS first-name tables (../shared/names)
CENSUS_SURNAMES_CSV dist.all.last.2000.csv (US Census 2000 surnames, public domain)
WORDLIST           an English word list, one word a line (SCOWL british-english, Debian wbritish)

Writes first_names.txt, common_word_names.txt and surnames.txt. The hand-written lists
(titles, relationship words, lookalikes, places, organisation words) are not generated.
"""
import csv
import os
import sys

MIN_BIRTHS = 20          # a name given to at least 20 babies in 1996-2020
MAX_SURNAME_RANK = 25000  # the commonest US Census surnames


def main(names_dir, census_csv, wordlist):
    here = os.path.dirname(os.path.abspath(__file__))
    words = set()
    with open(wordlist, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.strip()
            if w and w.islower() and w.isalpha():
                words.add(w)
    births = {}
    with open(os.path.join(names_dir, "ons-ew-first-names-1996-2020.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n = row["name"].strip()
            births[n] = births.get(n, 0) + int(row["births_1996_2020"] or 0)
    names = {n for n, b in births.items() if b >= MIN_BIRTHS and n.isalpha() and len(n) > 1}
    with open(os.path.join(names_dir, "ons-ew-top100-historic-1904-1994.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n = row["name"].strip()
            if n.isalpha():
                names.add(n.capitalize())
    lower = {n.lower() for n in names}
    common = sorted(n for n in lower if n in words)
    plain = sorted(n for n in lower if n not in words)
    surnames = []
    with open(census_csv, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["rank"]) <= MAX_SURNAME_RANK and row["name"].isalpha():
                surnames.append(row["name"].lower())
    surnames = sorted(set(surnames) - set(words))
    for fname, items in (("first_names.txt", plain), ("common_word_names.txt", common),
                         ("surnames.txt", surnames)):
        with open(os.path.join(here, fname), "w", encoding="utf-8") as f:
            f.write("\n".join(items) + "\n")
        print(f"{fname}: {len(items)}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
