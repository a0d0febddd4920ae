"""The Matcher: its indexes over a campaign's indicators, and the ranking of one upload.

How a match works (all indexes are built once, in `Matcher.__init__`):
- The file name and caption are cleaned: extension, phone/scanner/office noise, versions, dates,
  unit names and attachment numbers go; explicit references ("指标4", "第7项", "4-1…", and
  "考核指标五" for a group) are read out first. Latin runs that spell pinyin are turned back
  into the campaign's Chinese words, and homophone typos (舆请 → 舆情) are corrected against
  the campaign vocabulary.
- Chinese has no spaces, so the cleaned text is cut into character 2/3/4-grams, each weighted by
  how few indicators use it (IDF over the campaign's own texts). Whole terms from the campaign's
  关键词 column and the field glossary count again as terms, so an abbreviation such as 剑网 or
  两法衔接 is as strong as the official wording it stands for.
- The uploader's unit is a prior: a bonus for the indicators it owes, small enough that a file
  that clearly belongs elsewhere still ranks that indicator first.
- `confident` needs a high score, a clear margin over the runner-up and distinctive evidence
  (an explicit reference or a term used by few indicators); everything else asks the user.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.matching.profiles import Candidate, Glossary, IndicatorProfile, MatchResult
from bot.matching.references import (
    ATTACHMENT,
    explicit_references,
    group_choice,
    group_members,
    group_references,
    leading_number,
)
from bot.matching.scoring import (
    CONTENT_CHARS,
    CONTENT_WEIGHT,
    EXPLICIT_REFERENCE_BONUS,
    FIELD_WEIGHTS,
    GRAM_SIZES,
    MAX_PINYIN_WORD,
    MAX_TERM_CHARS,
    SATURATION,
    TERM_WEIGHT,
    UNIT_PRIOR,
    confidence,
)
from bot.matching.text import (
    CJK,
    DATES,
    EXTENSION,
    LATIN_JOINER,
    RUN,
    VERSION,
    add_pinyin_words,
    alternation,
    differs_by_one,
    fold,
    grams_of_text,
    substrings,
    syllable,
)
from bot.numerals import number_key


@dataclass
class _CleanText:
    runs: list[str]
    references: dict[str, float]  # indicator number key → bonus
    groups: set[str]  # group number keys named ("考核指标五")


# --- the matcher ------------------------------------------------------------------------------


class Matcher:
    """Ranks a campaign's indicators for one upload. Build once per campaign, reuse."""

    def __init__(
        self,
        indicators: Sequence[IndicatorProfile],
        glossary: Glossary | None = None,
        unit_names: Iterable[str] = (),
    ) -> None:
        self._indicators = tuple(indicators)
        self._glossary = glossary or Glossary()
        self._numbers = [number_key(profile.number) for profile in self._indicators]
        self._index_by_number = {number: i for i, number in enumerate(self._numbers)}
        self._group_members = group_members([p.group_number for p in self._indicators])
        self._noise = alternation(w for w in self._glossary.noise_words)
        units = set(unit_names)
        for profile in self._indicators:
            units |= profile.units
        vocabulary_text = " ".join(
            fold(f"{p.title} {p.key_points} {p.material} {' '.join(p.keywords)}")
            for p in self._indicators
        )
        # Short aliases such as 政府 or 公安 are also words of the indicators (政府督查,
        # 向公安移送): stripping them would cut the very words that say which indicator.
        self._unit_pattern = alternation(
            unit for unit in units if fold(unit) not in vocabulary_text
        )
        self._generic = {fold(word) for word in self._glossary.generic_words}
        self._generic_pattern = alternation(self._generic)
        self._uninformative: set[str] = set()
        documents = [self._document(profile) for profile in self._indicators]
        self._gram_postings = self._build_gram_postings(documents)
        self._term_postings = self._build_term_postings(documents)
        self._vocabulary = {gram for gram in self._gram_postings if len(gram) >= 2}
        self._vocabulary |= set(self._term_postings)
        self._latin_pinyin, self._homophones = self._build_pinyin_maps(documents)

    # -- index building ------------------------------------------------------------------------

    def _document(self, profile: IndicatorProfile) -> dict[str, list[str]]:
        """The indicator's texts by field, plus the glossary terms its texts imply."""
        fields = {
            "title": [fold(profile.title)],
            "material": [fold(profile.material)],
            "keywords": [fold(keyword) for keyword in profile.keywords if keyword.strip()],
            "key_points": [fold(profile.key_points)],
            "group_title": [fold(profile.group_title)],
        }
        own_text = " ".join(text for texts in fields.values() for text in texts)
        fields["expansion"] = sorted(self._expansion_terms(own_text) - set(fields["keywords"]))
        return fields

    def _expansion_terms(self, text: str) -> set[str]:
        """Glossary terms a text implies: synonyms of what it says and narrower terms."""
        glossary = self._glossary
        groups = [tuple(fold(term) for term in group) for group in glossary.synonyms]
        broader = {fold(k): tuple(fold(v) for v in vs) for k, vs in glossary.broader.items()}

        def group_of(term: str) -> set[str]:
            found = {term}
            for group in groups:
                if term in group:
                    found |= set(group)
            return found

        mentioned = {term for group in groups for term in group if term in text}
        mentioned |= {wide for wides in broader.values() for wide in wides if wide in text}
        implied: set[str] = set()
        for term in mentioned:
            implied |= group_of(term)
        for narrow, wides in broader.items():
            if any(wide in implied for wide in wides):
                implied |= group_of(narrow)  # the text asks for 专项行动: 剑网 is one
        return implied

    def _idf(self, document_frequency: int) -> float:
        """BM25's idf, clipped at 0 and scaled so that a gram unique to one indicator weighs 1.

        A gram used by half the indicators or more (知识产权, 保护) says nothing about which one.
        """
        total = len(self._indicators)
        unique = math.log((total - 0.5) / 1.5) if total > 1 else 1.0
        value = math.log((total - document_frequency + 0.5) / (document_frequency + 0.5))
        return max(0.0, value) / unique if total > 1 else 1.0

    def _build_gram_postings(
        self, documents: list[dict[str, list[str]]]
    ) -> dict[str, tuple[tuple[int, float], ...]]:
        field_weight_by_gram: dict[str, dict[int, float]] = defaultdict(dict)
        for index, document in enumerate(documents):
            for field_name, texts in document.items():
                weight = FIELD_WEIGHTS[field_name]
                for text in texts:
                    for gram in grams_of_text(text):
                        current = field_weight_by_gram[gram].get(index, 0.0)
                        field_weight_by_gram[gram][index] = max(current, weight)
        postings = {}
        for gram, weights in field_weight_by_gram.items():
            idf = self._idf(len(weights))
            if idf > 0.0:
                postings[gram] = tuple((index, idf * weight) for index, weight in weights.items())
            elif len(gram) == 2:
                self._uninformative.add(gram)  # 保护, 知识: in most indicators
        return postings

    def _build_term_postings(
        self, documents: list[dict[str, list[str]]]
    ) -> dict[str, tuple[tuple[int, float], ...]]:
        holders: dict[str, set[int]] = defaultdict(set)
        for index, document in enumerate(documents):
            for term in (*document["keywords"], *document["expansion"]):
                if 2 <= len(term) <= MAX_TERM_CHARS and term not in self._generic:
                    holders[term].add(index)
        return {
            term: tuple((index, TERM_WEIGHT * self._idf(len(indices))) for index in indices)
            for term, indices in holders.items()
        }

    def _build_pinyin_maps(
        self, documents: list[dict[str, list[str]]]
    ) -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
        """Pinyin of every short campaign word: for pinyin file names and homophone typos."""
        latin: dict[str, str] = {}
        homophones: dict[tuple[str, ...], str] = {}
        for document in documents:
            for texts in document.values():
                for text in texts:
                    for run in re.findall(rf"[{CJK}]+", text):
                        add_pinyin_words(run, latin, homophones)
        return latin, homophones

    # -- matching --------------------------------------------------------------------------

    def match(
        self, unit: str | None, filename: str, caption: str = "", content: str | None = None
    ) -> MatchResult:
        name = self._clean(filename, is_filename=True)
        note = self._clean(caption, is_filename=False)
        references = {**name.references, **note.references}
        ask_group = False
        if not references and (name.groups or note.groups):
            owed = [unit is not None and unit in p.units for p in self._indicators]
            references, ask_group = group_choice(
                name.groups | note.groups, self._group_members, owed, self._numbers
            )
        evidence, distinctive = self._evidence([*name.runs, *note.runs], weight=1.0)
        used_content = content is not None and bool(content.strip())
        if used_content and content is not None:
            peeked = self._clean(content[:CONTENT_CHARS], is_filename=False)
            extra, extra_distinctive = self._evidence(peeked.runs, weight=CONTENT_WEIGHT)
            for index, value in extra.items():
                evidence[index] += value
            for index, value in extra_distinctive.items():
                distinctive[index] += value
        result = self._decide(unit, evidence, distinctive, references, used_content)
        if ask_group:  # several of the group's indicators fit: the person says which
            return replace(result, confident=False, reason="group")
        return result

    def _clean(self, text: str, *, is_filename: bool) -> _CleanText:
        folded = fold(text).strip()
        if is_filename:
            for _ in range(2):  # "x.docx.pdf"
                folded = EXTENSION.sub("", folded)
        folded = self._noise.sub(" ", folded) if self._noise else folded
        folded = self._unit_pattern.sub(" ", folded) if self._unit_pattern else folded
        folded = ATTACHMENT.sub(" ", folded)
        groups, folded = group_references(folded, self._group_members)
        references = explicit_references(folded, self._index_by_number, is_filename=is_filename)
        for pattern in DATES:
            folded = pattern.sub(" ", folded)
        folded = VERSION.sub(" ", folded)
        folded = LATIN_JOINER.sub("", folded)  # yuqing_xinxi_biao → one pinyin run
        if not references:
            references = leading_number(folded, self._index_by_number, is_filename=is_filename)
        runs = []
        for run in RUN.findall(folded):
            if run.isascii():
                runs.extend(self._pinyin_to_words(run))
            else:
                runs.append(self._correct_homophones(run))
        return _CleanText(runs=[run for run in runs if run], references=references, groups=groups)

    def _pinyin_to_words(self, run: str) -> list[str]:
        """'yuqingxinxibiao' → ['舆情信息表']: greedy longest campaign word spelled in pinyin."""
        words, position = [], 0
        while position < len(run):
            for end in range(min(len(run), position + 6 * MAX_PINYIN_WORD), position + 3, -1):
                word = self._latin_pinyin.get(run[position:end])
                if word:
                    words.append(word)
                    position = end
                    break
            else:
                position += 1
        return words

    def _correct_homophones(self, run: str) -> str:
        """'舆请信息表' → '舆情信息表': a campaign word that sounds the same, one char apart."""
        if len(run) < 2:
            return run
        syllables = [syllable(char) for char in run]
        corrected, position = [], 0
        while position < len(run):
            step = 1
            for end in range(min(len(run), position + MAX_PINYIN_WORD), position + 1, -1):
                piece = run[position:end]
                if piece in self._vocabulary:
                    corrected.append(piece)
                    step = len(piece)
                    break
                word = self._homophones.get(tuple(syllables[position:end]))
                if word and differs_by_one(piece, word) and self._correctable(word):
                    corrected.append(word)
                    step = len(piece)
                    break
            else:
                corrected.append(run[position])
            position += step
        return "".join(corrected)

    def _correctable(self, word: str) -> bool:
        # Two-character homophones are common real words (公示/公式); only fix known terms.
        return len(word) >= 3 or word in self._term_postings

    def _evidence(
        self, runs: list[str], *, weight: float
    ) -> tuple[defaultdict[int, float], defaultdict[int, float]]:
        """Evidence per indicator, and the part of it from grams/terms few indicators share."""
        evidence: defaultdict[int, float] = defaultdict(float)
        distinctive: defaultdict[int, float] = defaultdict(float)
        seen_terms: set[str] = set()
        for run in runs:
            self._add_gram_evidence(run, weight, evidence, distinctive)
            for term in substrings(run, MAX_TERM_CHARS):
                postings = self._term_postings.get(term)
                if postings and term not in seen_terms:
                    seen_terms.add(term)
                    for index, value in postings:
                        evidence[index] += value * weight
                        if len(postings) <= 2:
                            distinctive[index] += value * weight
        return evidence, distinctive

    def _add_gram_evidence(
        self,
        run: str,
        weight: float,
        evidence: defaultdict[int, float],
        distinctive: defaultdict[int, float],
    ) -> None:
        """Credit each informative character once, with the best gram covering it.

        Summing every overlapping gram would let "保护专项" (a ubiquitous word next to a rare
        one) count five times; characters of ubiquitous or generic words earn nothing.
        """
        mask = self._uninformative_positions(run)
        credit: dict[int, list[float]] = {}
        exclusive: dict[int, list[float]] = {}
        for size in GRAM_SIZES:
            for start in range(len(run) - size + 1):
                postings = self._gram_postings.get(run[start : start + size])
                if not postings:
                    continue
                for index, value in postings:
                    targets = [credit.setdefault(index, [0.0] * len(run))]
                    if len(postings) <= 2:
                        targets.append(exclusive.setdefault(index, [0.0] * len(run)))
                    for position in range(start, start + size):
                        if not mask[position]:
                            for target in targets:
                                target[position] = max(target[position], value)
        # A lone two-character match is worth its gram weight once.
        for index, values in credit.items():
            evidence[index] += weight * sum(values) / 2
        for index, values in exclusive.items():
            distinctive[index] += weight * sum(values) / 2

    def _uninformative_positions(self, run: str) -> list[bool]:
        mask = [False] * len(run)
        for start in range(len(run) - 1):
            if run[start : start + 2] in self._uninformative:
                mask[start] = mask[start + 1] = True
        if self._generic_pattern is not None:
            for found in self._generic_pattern.finditer(run):
                mask[found.start() : found.end()] = [True] * (found.end() - found.start())
        return mask

    def _decide(
        self,
        unit: str | None,
        evidence: Mapping[int, float],
        distinctive: Mapping[int, float],
        references: Mapping[str, float],
        used_content: bool,
    ) -> MatchResult:
        text_scores = [
            100.0 * (1.0 - math.exp(-evidence.get(i, 0.0) / SATURATION))
            for i in range(len(self._indicators))
        ]
        owed = [unit is not None and unit in p.units for p in self._indicators]
        scored = []
        for i, number in enumerate(self._numbers):
            score = text_scores[i] + (UNIT_PRIOR if owed[i] else 0.0) + references.get(number, 0.0)
            scored.append((min(100.0, score), text_scores[i], i))
        scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
        candidates = tuple(
            Candidate(self._indicators[i].number, round(score, 1), owed[i])
            for score, _, i in scored
        )
        if not scored:
            return MatchResult((), confident=False, used_content=used_content, reason="empty")
        top_score, top_text, top = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        best_other_text = max((text for _, text, i in scored if i != top), default=0.0)
        confident, reason = confidence(
            top_score=top_score,
            margin=top_score - runner_up,
            top_text=top_text,
            best_other_text=best_other_text,
            distinctive=distinctive.get(top, 0.0),
            explicit=references.get(self._numbers[top], 0.0) >= EXPLICIT_REFERENCE_BONUS,
            referenced=self._numbers[top] in references,
            names_another=any(number != self._numbers[top] for number in references),
            owed=owed[top] or unit is None,
        )
        return MatchResult(candidates, confident, used_content=used_content, reason=reason)
