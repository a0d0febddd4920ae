"""Matching quality and speed, against a naive baseline; and the cost of a content peek.

Run: .venv/bin/python benchmarks/match.py   (not part of the test suite)

Data sets: the public corpus (../shared/corpus/match-public.jsonl), our extra names
(tests/fixtures/match-extra.jsonl), and a synthetic 50-indicator × 200-unit campaign generated
from a seeded RNG. The baseline is rapidfuzz WRatio of the file name against indicator titles,
the unit's own indicators first, "confident" when the top score ≥ 60.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.matching import Candidate, IndicatorProfile, Matcher, MatchResult, load_glossary  # noqa: E402
from bot.peek import peek_text  # noqa: E402
from tests.fixtures.match_eval import Figures, Upload, read_uploads, score_uploads  # noqa: E402
from tests.fixtures.office_files import (  # noqa: E402
    TWENTY_MB,
    add_media,
    make_docx,
    make_pdf,
    make_text_heavy_docx,
    make_xlsx,
)
from tests.fixtures.seed_profiles import seed_profiles, seed_unit_names  # noqa: E402

PUBLIC_CORPUS = ROOT.parent / "shared" / "corpus" / "match-public.jsonl"
EXTRA_UPLOADS = ROOT / "tests" / "fixtures" / "match-extra.jsonl"
BASELINE_CONFIDENT = 60.0


# --- the naive baseline -----------------------------------------------------------------------


class BaselineMatcher:
    """WRatio of the file name against titles; the unit's own indicators ranked first."""

    def __init__(self, indicators: Sequence[IndicatorProfile]) -> None:
        self._indicators = list(indicators)

    def match(self, unit: str | None, filename: str, caption: str = "") -> MatchResult:
        stem = filename.rsplit(".", 1)[0]
        query = f"{stem} {caption}".strip()
        scored = [
            (unit is not None and unit in profile.units, fuzz.WRatio(query, profile.title), profile)
            for profile in self._indicators
        ]
        scored.sort(key=lambda item: (not item[0], -item[1]))
        candidates = tuple(Candidate(p.number, score, owed) for owed, score, p in scored)
        confident = bool(candidates) and candidates[0].score >= BASELINE_CONFIDENT
        return MatchResult(candidates, confident)


# --- a synthetic campaign ---------------------------------------------------------------------

TOPICS = tuple(
    [
        "食品安全抽检",
        "特种设备安全监察",
        "价格监督检查",
        "广告监测",
        "计量器具检定",
        "标准化建设",
        "质量提升行动",
        "企业信用监管",
        "网络交易监管",
        "消费者权益保护",
        "商标注册便利化",
        "专利转化运用",
        "地理标志保护",
        "知识产权质押融资",
        "药品安全监管",
        "医疗器械监管",
        "化妆品监管",
        "反不正当竞争",
        "反垄断执法",
        "登记注册改革",
        "个体工商户扶持",
        "小微企业培育",
        "检验检测机构监管",
        "认证认可监管",
        "产品质量监督抽查",
        "工业产品生产许可",
        "电梯安全",
        "燃气安全",
        "校园食品安全",
        "农村集体聚餐",
        "冷链食品追溯",
        "野生动物保护",
        "文物安全",
        "旅游市场秩序",
        "出版物市场",
        "网络游戏监管",
        "电影放映监管",
        "体育彩票",
        "安全生产培训",
        "应急演练",
        "信访维稳",
        "营商环境评价",
        "政务公开",
        "双随机一公开",
        "信用修复",
        "质量基础设施",
        "品牌建设",
        "老字号保护",
        "驰名商标保护",
        "数据知识产权",
    ]
)
DOC_KINDS = ("情况表", "工作总结", "台账", "实施方案", "统计表", "情况说明", "工作报告", "信息表")
NOISE = ("", "", "", "(1)", "最终版", "v2", " - 副本", "修改稿", "20231016")
JUNK = ("会议纪要", "工作总结", "工作要点", "通讯录", "请假条", "签到表", "值班表")
SYNTHETIC_UNITS = tuple(
    f"{place}{office}"
    for place in ("县", "城关镇", "望远镇", "李俊镇", "杨和镇", "胜利乡", "闽宁镇", "开发区")
    for office in (
        [
            "人民政府",
            "市场监管所",
            "财政所",
            "司法所",
            "派出所",
            "文化站",
            "农业站",
            "卫生院",
            "教育办",
            "应急办",
            "综治办",
            "党政办",
            "经发办",
            "社事办",
            "村建办",
            "林业站",
            "水务站",
            "畜牧站",
            "环保站",
            "统计站",
            "民政办",
            "劳保所",
            "国土所",
            "交管站",
            "税务分局",
        ]
    )
)[:200]


@dataclass(frozen=True)
class SyntheticCampaign:
    profiles: list[IndicatorProfile]
    uploads: list[Upload]


def synthetic_campaign(seed: int = 20231018, uploads: int = 2000) -> SyntheticCampaign:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    profiles = []
    for number, topic in enumerate(TOPICS, start=1):
        units = frozenset(rng.sample(SYNTHETIC_UNITS, rng.randint(3, 12)))
        profiles.append(
            IndicatorProfile(
                number=str(number),
                title=f"{topic}工作情况",
                key_points=f"加强{topic}，完善工作机制，{rng.choice(TOPICS)}协同推进。",
                material=f"需提供{topic}{rng.choice(DOC_KINDS)}及相关佐证材料。",
                keywords=(topic,),
                units=units,
                group_title=f"第{(number - 1) // 10 + 1}组",
            )
        )
    generated = [_synthetic_upload(rng, profiles) for _ in range(uploads)]
    return SyntheticCampaign(profiles, generated)


def _synthetic_upload(rng: random.Random, profiles: list[IndicatorProfile]) -> Upload:
    if rng.random() < 0.1:  # junk: device names and general documents
        unit = rng.choice(SYNTHETIC_UNITS)
        name = rng.choice((f"{rng.choice(JUNK)}.docx", f"IMG_{rng.randint(1000, 9999)}.jpg"))
        return Upload(unit, name, "", None)
    profile = rng.choice(profiles)
    owed = sorted(profile.units)
    unit = rng.choice(owed) if rng.random() < 0.9 else rng.choice(SYNTHETIC_UNITS)
    topic = profile.title.removesuffix("工作情况")
    if len(topic) > 4 and rng.random() < 0.3:  # people shorten: 食品安全抽检 → 食品安全
        topic = topic[: rng.randint(4, len(topic) - 1)]
    stem = f"{topic}{rng.choice(DOC_KINDS)}{rng.choice(NOISE)}"
    if rng.random() < 0.2:
        stem = f"{unit}-{stem}"
    if rng.random() < 0.1:
        return Upload(unit, f"微信图片_2023101{rng.randint(0, 9)}0930.jpg", stem, profile.number)
    return Upload(unit, f"{stem}.{rng.choice(('xlsx', 'docx', 'pdf'))}", "", profile.number)


# --- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    figures: Figures
    per_second: float
    p99_ms: float


def measure(match: Callable[[Upload], MatchResult], uploads: list[Upload]) -> Run:
    figures = score_uploads(match, uploads)
    latencies = []
    repeats = max(1, 4000 // len(uploads))
    start = time.perf_counter()
    for _ in range(repeats):
        for upload in uploads:
            began = time.perf_counter()
            match(upload)
            latencies.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - start
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) > 1 else 0.0
    return Run(figures, len(latencies) / elapsed, p99)


def row(label: str, run: Run) -> str:
    f = run.figures
    return (
        f"| {label:<28} | {f.total:>5} | {f.top1_rate:6.3f} | {f.top3_rate:6.3f} "
        f"| {f.misfile_rate:7.1%} | {f.auto_rate:6.1%} | {run.per_second:8.0f} "
        f"| {run.p99_ms:6.2f} |"
    )


def compare(
    title: str,
    profiles: Sequence[IndicatorProfile],
    unit_names: Sequence[str],
    uploads: list[Upload],
) -> list[str]:
    started = time.perf_counter()
    matcher = Matcher(profiles, load_glossary(ROOT / "data" / "glossary.toml"), unit_names)
    build_ms = (time.perf_counter() - started) * 1000
    baseline = BaselineMatcher(profiles)
    ours = measure(lambda u: matcher.match(u.unit, u.filename, u.caption, u.content), uploads)
    naive = measure(lambda u: baseline.match(u.unit, u.filename, u.caption), uploads)
    lines = [row(f"{title} matcher", ours), row(f"{title} baseline", naive)]
    for label in ours.figures.misfiled[:5]:
        lines.append(f"|   misfiled: {label}")
    lines.append(f"|   matcher built in {build_ms:.0f} ms")
    return lines


def peek_timings() -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {
            "xlsx + 20 MB photo": add_media(
                make_xlsx(base / "a.xlsx", "舆情信息表", [("序号", "舆情标题")]), TWENTY_MB
            ),
            "docx + 20 MB photo": add_media(
                make_docx(base / "b.docx", "剑网行动现场检查", "照片如下"), TWENTY_MB
            ),
            "docx, 20 MB of text": make_text_heavy_docx(base / "c.docx", "经费保障", TWENTY_MB),
            "pdf, 20 MB": make_pdf(base / "d.pdf", "Special campaign", padding=TWENTY_MB),
        }
        for label, path in files.items():
            timings = []
            for _ in range(5):
                began = time.perf_counter()
                text = peek_text(path)
                timings.append((time.perf_counter() - began) * 1000)
            lines.append(
                f"| {label:<22} | {path.stat().st_size / 2**20:5.1f} MB | "
                f"median {statistics.median(timings):6.1f} ms | max {max(timings):6.1f} ms "
                f"| {len(text)} chars |"
            )
    return lines


def main() -> None:
    header = (
        "| data set                     |     n |  top-1 |  top-3 | misfile |   auto |"
        " match/s | p99 ms |"
    )
    print(header)
    print("|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|")
    seed = seed_profiles()
    names = seed_unit_names()
    if PUBLIC_CORPUS.exists():
        for line in compare("public corpus", seed, names, read_uploads(PUBLIC_CORPUS)):
            print(line)
    else:
        print(f"| public corpus not found at {PUBLIC_CORPUS}")
    for line in compare("extra (ours)", seed, names, read_uploads(EXTRA_UPLOADS)):
        print(line)
    campaign = synthetic_campaign()
    for line in compare("synthetic 50×200", campaign.profiles, SYNTHETIC_UNITS, campaign.uploads):
        print(line)
    print("\nmisfile = confident and wrong, over all uploads; auto = filed without asking, over")
    print("correct labeled uploads; baseline confident = WRatio ≥ 60 with the unit prior.\n")
    print("| peek_text               |   size   |   time                     | text |")
    for line in peek_timings():
        print(line)


if __name__ == "__main__":
    main()
