"""Workbooks made the way other offices make them, for importer tests."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

SEED_ROWS = [
    # (考核内容, 考核指标, 考核要点 (title + points), 责任单位, 支撑材料说明)
    (
        "整体组织实施情况",
        "一、推动知识产权保护工作机制顺畅运行",
        "1、督查考核情况\n1.将知识产权保护绩效纳入本辖区内党委和政府绩效考核。\n2.将知识产权强国建设工作纳入本辖区政府督查考核范围。",
        "县政府",
        "需提供纳入督查考核、开展督查考核工作、督查考核结果以及结果运用的有关材料。",
    ),
    (
        "整体组织实施情况",
        "一、推动知识产权保护工作机制顺畅运行",
        "2、宣传培训情况\n积极监测、处理本辖区内知识产权保护相关舆情，加强舆论引导。",
        "县政府；县市场监督管理局",
        "需根据模板提供本地区舆情信息表。",
    ),
    (
        "资源配备保障情况",
        "二、加强知识产权保护人才、经费等资源保障",
        "3、强化知识产权保护资源供给、经费保障情况\n加大知识产权保护资金投入力度。",
        "县政府、县财政局、县市场监督管理局",
        "需根据模板提供资源供给、经费保障情况；需提供绩效报告。",
    ),
    (
        "重点工作推进情况",
        "三、提高知识产权保护工作法治化水平，推动严保护",
        "4、加强知识产权行政保护工作情况\n1.本辖区内各类知识产权行政案件平均办理周期的同比变化情况。",
        "县公安局、县文化旅游广电局、县市场监督管理局",
        "1.需根据模板提供本辖区内各类行政案件有关信息。",
    ),
    (
        "重点工作推进情况",
        "三、提高知识产权保护工作法治化水平，推动严保护",
        "4、加强知识产权行政保护工作情况\n2.本辖区内各类知识产权行政案件受理总量及投诉举报成案数量的同比变化情况。",
        "县公安局、县文化旅游广电局、县市场监督管理局",
        "2.需根据模板提供本辖区内各类行政案件有关信息。",
    ),
    (
        "重点工作推进情况",
        "三、提高知识产权保护工作法治化水平，推动严保护",
        "4、加强知识产权行政保护工作情况\n3.及时、高质量办理知识产权代理相关案件",
        "县公安局、县文化旅游广电局、县市场监督管理局",
        "3.查看专项整治报告",
    ),
    (
        "重点工作推进情况",
        "三、提高知识产权保护工作法治化水平，推动严保护",
        "5、开展执法专项行动，知识产权侵权假冒现象得到有效遏制\n1.有针对性部署开展知识产权保护专项行动并取得积极成效。",
        "宣传部, 县公安局, 县文化旅游广电局, 县市场监督管理局",
        "需提供相关工作成效资料。",
    ),
    (
        "重点工作推进情况",
        "四、强化知识产权全链条保护，构建大保护工作格局",
        "6、社会共治能力建设情况\n1.有效提升本辖区内知识产权公共服务规范化、标准化、便利化水平。",
        "县政府\n县市场监督管理局",
        "1.需提供开展公共服务各项工作相关支撑材料。",
    ),
    (
        "重点工作推进情况",
        "五、深化知识产权保护工作机制改革，推动快保护机制建设",
        "7、知识产权保护工作机制改革创新情况\n1.行政执法部门与公安、检察部门对涉嫌犯罪的知识产权案件查办等工作衔接机制运行有效。",
        "县法院\n县公安局、县文化旅游广电局、县市场监督管理局",
        "需根据模板提供行政执法部门向公安、检察部门移送案件信息和处理情况。",
    ),
]


def independent_seed_workbook(path: Path) -> Path:
    """The seed table retyped by another clerk: other title rows, order, merges and names."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["附件"])
    sheet.append(["永宁县2023年知识产权保护工作检查考核指标任务分工"])
    sheet.merge_cells("A2:F2")
    sheet.append([])
    sheet.append(["序", "考 核 内 容", "考核指标", "考核要点", "责任单位", "支撑材料说明"])
    first = 5
    for number, row in enumerate(SEED_ROWS, start=1):
        sheet.append([number, *row[:3], row[3], row[4]])
    # 指标4 is spread over three rows with its 考核要点 title repeated; 考核内容 merged.
    sheet.merge_cells(f"B{first}:B{first + 1}")
    sheet.merge_cells(f"B{first + 3}:B{first + 8}")
    sheet.append(["注：统计时间为2023年1月1日至2023年11月30日，请于2023年10月18日前报送。"])
    workbook.save(path)
    return path


def another_office_workbook(path: Path) -> Path:
    """An unrelated office's table: 序号 column, 分值, 考核标准, 佐证材料, no groups."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "考核任务"
    sheet.append(["临河区2024年度优化营商环境考核任务清单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["注：请各责任单位于2024年3月15日前报送佐证材料，逾期视为未完成。"])
    sheet.merge_cells("A2:F2")
    sheet.append(["序号", "考核指标", "分值", "考核标准", "佐证材料", "责任单位"])
    rows = [
        (
            1,
            "企业开办便利度",
            10,
            "企业开办全流程压缩至1个工作日内。",
            "企业开办时限统计表",
            "区市场监管局、区政务服务中心",
        ),
        (
            2,
            "工程建设项目审批",
            15,
            "审批时限压缩至法定时限的50%以内。",
            "审批事项清单及办理台账",
            "区住建局、区自然资源局",
        ),
        (
            3,
            "政务服务满意度",
            10,
            "好差评差评整改率100%。",
            "好差评系统截图及整改记录",
            "区政务服务中心",
        ),
        (4, "纳税便利度", 10, "办税事项网上办理率达到95%以上。", "网上办税统计报表", "区税务局"),
    ]
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def _seed_parts() -> list[tuple[str, str, str, str, str, str, str]]:
    """(category, group numeral, group title, item, points, units, material) per row."""
    parts = []
    for category, group, points, units, material in SEED_ROWS:
        numeral, group_title = group.split("、", 1)
        item, _, rest = points.partition("\n")
        parts.append((category, numeral, group_title, item, rest, units, material))
    return parts


def two_row_header_workbook(path: Path) -> Path:
    """Headings merged over two columns, with sub-headings in a second header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["永宁县2023年知识产权保护工作检查考核指标任务分工"])
    sheet.merge_cells("A1:G1")
    sheet.append(["考核内容", "考核指标", None, "考核要点", None, "支撑材料说明", "责任单位"])
    sheet.merge_cells("B2:C2")
    sheet.merge_cells("D2:E2")
    sheet.append([None, "序号", "指标名称", "项目", "要点", None, None])
    for category, numeral, group_title, item, rest, units, material in _seed_parts():
        sheet.append([category, numeral, group_title, item, rest, material, units])
    workbook.save(path)
    return path


def items_in_indicator_column_workbook(path: Path) -> Path:
    """A 序号 column, groups as "一、…" under 考核内容, items under 考核指标, a 完成时限 column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["附件2"])
    sheet.append(["永宁县2023年知识产权保护工作检查考核指标任务分工表"])
    sheet.append(
        ["序号", "考核内容", "考核指标", "考核要点", "支撑材料说明", "责任单位", "完成时限", "备注"]
    )
    for number, (_, numeral, group_title, item, rest, units, material) in enumerate(
        _seed_parts(), start=1
    ):
        sheet.append(
            [
                number,
                f"{numeral}、{group_title}",
                item.replace("、", "."),
                rest,
                material,
                units.replace("、", "，"),
                "2023年10月18日前",
                "",
            ]
        )
    workbook.save(path)
    return path


def spaced_parenthesised_workbook(path: Path) -> Path:
    """Spaced header words, "（一）…" groups, "（1）…" items, no title row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["考 核 内 容", "考 核 指 标", "考 核 要 点", "支撑材料 说明", "责 任 单 位"])
    for category, numeral, group_title, item, rest, units, material in _seed_parts():
        number, title = item.split("、", 1)
        sheet.append(
            [
                category,
                f"（{numeral}）{group_title}",
                f"（{number}）{title}\n{rest}",
                material,
                units.replace("、", " 、"),
            ]
        )
    workbook.save(path)
    return path


def chinese_serial_workbook(path: Path) -> Path:
    """Another office: 序号 written 一、二、三, the title under 考核内容, 评分标准, no groups."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["北川县2024年食品安全工作考核细则"])
    sheet.append(["序号", "考核内容", "分值", "评分标准", "佐证材料", "责任单位"])
    sheet.append(["一", "食品安全责任落实", "20分", "签订责任书", "责任书扫描件", "县市场监管局"])
    sheet.append(["二", "抽检监测", "30分", "完成抽检任务", "抽检报告", "县市场监管局、县卫健局"])
    sheet.append(["三", "校园食品安全", "10分", "开展专项检查", "检查记录", "县教体局"])
    sheet.append(["注：报送时间：2024年11月20日。"])
    workbook.save(path)
    return path


def signed_workbook(path: Path) -> Path:
    """Another office's table signed below, as offices sign: office and date after an empty row."""
    another_office_workbook(path)
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.append([])
    sheet.append([None, None, None, None, None, "临河区优化营商环境工作领导小组办公室"])
    sheet.append([None, None, None, None, None, "2024年2月20日"])
    workbook.save(path)
    return path


def lead_and_support_workbook(path: Path) -> Path:
    """A table with a lead and a support column (issue 14's shape): four indicators, each one
    lead; five supporting units in all."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务清单"
    sheet.append(["临河区2024年优化营商环境重点任务分工表"])
    sheet.append(["序号", "评价指标", "工作任务", "佐证材料", "牵头单位", "配合单位", "完成时限"])
    sheet.append(
        [
            1,
            "开办企业",
            "企业开办全流程压缩至1个工作日内。",
            "企业开办时限统计表",
            "区市场监管局",
            "区政务服务中心、区税务局",
            "2024年3月15日",
        ]
    )
    sheet.append(
        [
            2,
            "获得电力",
            "低压小微企业接电实现零上门、零审批、零投资。",
            "接电业务办理台账",
            "区发展和改革局",
            "区供电公司",
            "2024年3月15日",
        ]
    )
    sheet.append(
        [
            3,
            "政务服务",
            "好差评差评整改率100%。",
            "好差评系统截图及整改记录",
            "区政务服务中心",
            "区大数据局，区司法局",
            "2024年3月20日",
        ]
    )
    sheet.append(
        [
            4,
            "纳税",
            "办税事项网上办理率达到95%以上。",
            "网上办税统计报表",
            "区税务局",
            None,
            "2024年3月20日",
        ]
    )
    workbook.save(path)
    return path


def with_settings(path: Path, rows: list[tuple[str, str]]) -> Path:
    """The workbook at `path` with a 活动设置 sheet holding `rows`."""
    workbook = load_workbook(path)
    sheet = workbook.create_sheet("活动设置")
    sheet.append(["项目", "值"])
    for key, value in rows:
        sheet.append([key, value])
    workbook.save(path)
    return path


ADDED_INDICATOR = "8.知识产权纠纷多元化解情况"
ADDED_INDICATOR_UNITS = "司法局、市场监管局"


def seed_with_indicator_added(path: Path, source: Path) -> Path:
    """The seed table (`source`) as a coordinator edits it: one indicator, 8, added at the end
    under group 五, owed by a unit the seed does not have (司法局) and by 市场监管局."""
    workbook = load_workbook(source)
    sheet = workbook["任务分工"]
    sheet.append(
        [
            None,
            "五",
            "深化知识产权保护工作机制改革，推动快保护机制建设",
            ADDED_INDICATOR,
            "1.建立知识产权纠纷人民调解组织，调解成功率逐年提高。",
            "需提供调解组织设立文件及调解案件台账。",
            ADDED_INDICATOR_UNITS,
            "纠纷调解、人民调解、多元化解、调解组织",
        ]
    )
    workbook.save(path)
    return path
