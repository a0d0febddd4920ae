"""The matcher's tuning and its decision: when a ranking is good enough to file without asking."""

from __future__ import annotations

# --- tuning -----------------------------------------------------------------------------------
# Field weights: the material description and keywords say what files look like; the long
# key-points prose is full of incidental words, the group title is shared by several indicators.
FIELD_WEIGHTS = {
    "title": 1.0,
    "material": 1.0,
    "keywords": 1.2,
    "key_points": 0.7,
    "expansion": 0.8,
    "group_title": 0.4,
}
GRAM_SIZES = (2, 3, 4)
TERM_WEIGHT = 1.5  # a whole keyword/glossary term, on top of its n-grams
CONTENT_WEIGHT = 0.35  # text peeked from inside the file is noisier than a name someone typed
CONTENT_CHARS = 600  # title and first lines carry the topic; the rest adds incidental words
SATURATION = 4.0  # evidence at which the text score reaches ~63
UNIT_PRIOR = 12.0
EXPLICIT_REFERENCE_BONUS = 45.0
LEADING_NUMBER_BONUS = 18.0
MIN_CONFIDENT_SCORE = 55.0
MIN_MARGIN = 22.0
MIN_DISTINCTIVE = 0.9  # evidence from grams/terms that point to at most two indicators
FOREIGN_MIN_TEXT = 75.0  # filing for an indicator the unit does not owe needs more
MAX_TERM_CHARS = 16
MAX_PINYIN_WORD = 8


def confidence(
    *,
    top_score: float,
    margin: float,
    top_text: float,
    best_other_text: float,
    distinctive: float,
    explicit: bool,
    referenced: bool,
    names_another: bool,
    owed: bool,
) -> tuple[bool, str]:
    """Whether to file without asking, and a tag saying why (for logs and tests)."""
    if names_another:
        return False, "reference-conflict"  # "指标7" on a 舆情信息表: the user must say which
    if explicit:
        # The user named the indicator; only strong wording for another one makes us ask.
        if best_other_text >= 60.0 and best_other_text > top_text + 20.0:
            return False, "reference-contradicted"
        return True, "reference"
    if top_score < MIN_CONFIDENT_SCORE:
        return False, "weak"
    if margin < MIN_MARGIN:
        return False, "ambiguous"
    if distinctive < MIN_DISTINCTIVE and not referenced:
        return False, "not-distinctive"
    if not owed and top_text < FOREIGN_MIN_TEXT:
        return False, "foreign-weak"
    return True, "terms"
