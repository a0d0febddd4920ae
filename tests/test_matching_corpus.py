"""The matcher on labeled uploads: the public corpus (../shared) and our own extra names.

Targets (from issue 4): top-1 ≥ 0.95, top-3 ≥ 0.99, no confident misfile, and most correct
matches filed without asking.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.matching import Matcher, MatchResult, load_glossary
from tests.fixtures.match_eval import Figures, Upload, read_uploads, score_uploads
from tests.fixtures.seed_profiles import seed_profiles, seed_unit_names

ROOT = Path(__file__).parents[1]
PUBLIC_CORPUS = Path(__file__).parents[2] / "shared" / "corpus" / "match-public.jsonl"
EXTRA_UPLOADS = Path(__file__).parent / "fixtures" / "match-extra.jsonl"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        seed_profiles(), load_glossary(ROOT / "data" / "glossary.toml"), seed_unit_names()
    )


def figures_for(matcher: Matcher, path: Path) -> Figures:
    def match(upload: Upload) -> MatchResult:
        return matcher.match(upload.unit, upload.filename, upload.caption, upload.content)

    figures = score_uploads(match, read_uploads(path))
    print(f"\n{path.name}: {figures.summary()}")
    for line in figures.misfiled:
        print("  misfiled:", line)
    for line in figures.missed:
        print("  wrong top:", line)
    return figures


def assert_targets(figures: Figures) -> None:
    assert figures.top1_rate >= 0.95, figures.missed + figures.misfiled
    assert figures.top3_rate >= 0.99, figures.missed
    assert figures.confident_misfiles == 0, figures.misfiled
    assert figures.auto_rate >= 0.70


@pytest.mark.skipif(
    not PUBLIC_CORPUS.exists(), reason=f"public corpus not found at {PUBLIC_CORPUS}"
)
def test_public_corpus_meets_the_matching_targets(matcher: Matcher) -> None:
    assert_targets(figures_for(matcher, PUBLIC_CORPUS))


def test_extra_uploads_of_our_own_meet_the_matching_targets(matcher: Matcher) -> None:
    assert_targets(figures_for(matcher, EXTRA_UPLOADS))


HELDOUT_UPLOADS = Path(__file__).parent / "fixtures" / "match-heldout.jsonl"


def test_names_written_after_tuning_are_matched_without_misfiles(matcher: Matcher) -> None:
    """28 names written after the matcher was tuned, never used to tune it."""
    figures = figures_for(matcher, HELDOUT_UPLOADS)
    assert figures.confident_misfiles == 0, figures.misfiled
    assert figures.top1_rate >= 0.9, figures.missed
    assert figures.auto_rate >= 0.70
