"""Every Chinese sentence the product says, grouped by flow, with named placeholders.

Handlers and services never hold user-facing literals; they pick a constant here and fill it
with `.format(name=value)`. A test checks every placeholder is filled where it is used.
"""

# --- import of a task-division workbook ---------------------------------------------------
IMPORT_NO_FILE = "找不到文件：{path}"
IMPORT_EMPTY_FILE = "文件是空的（0 字节），请重新导出任务分工表后再导入。"
IMPORT_TOO_BIG = "文件超过 {mb} MB，不像任务分工表，请检查后再导入。"
IMPORT_PASSWORD = (
    "工作簿设置了打开密码，无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后再导入。"
)
IMPORT_OLD_XLS = "这是旧版 .xls 格式。请在 Excel 或 WPS 中“另存为 .xlsx”后再导入。"
IMPORT_NOT_XLSX = "“{name}”不是 Excel 工作簿（.xlsx），请导入 .xlsx 格式的任务分工表。"
IMPORT_CORRUPT = "“{name}”已损坏或不是有效的 .xlsx 文件，无法打开。请重新保存后再导入。"
IMPORT_TOO_MANY_ROWS = (
    "工作表“{sheet}”超过 {rows} 行，不像任务分工表，已停止导入。请只保留任务分工表后再导入。"
)
IMPORT_EMPTY_WORKBOOK = "工作簿里没有任何内容。"
IMPORT_NO_HEADER = (
    "找不到任务分工表的表头。表头应包含“考核指标/考核要点/支撑材料说明/责任单位”等列名"
    "（或“序号/考核标准/佐证材料/责任单位”），请检查后再导入。"
)
IMPORT_NO_INDICATORS = "工作表“{sheet}”中没有找到带编号的考核指标（如“1.督查考核情况”或序号列）。"
IMPORT_NO_UNITS_COLUMN = "工作表“{sheet}”中没有“责任单位”列。"
IMPORT_NO_UNITS_FOR = "指标 {number}（{title}）没有填写责任单位（工作表第 {row} 行）。"
IMPORT_BAD_TIMEZONE = "无法识别的时区：{tz}（例如 Asia/Shanghai）。"
IMPORT_BAD_DATE = "设置“{key}”的日期无法识别：{value}（请写成 2023-10-18）。"
IMPORT_STRICT_REFUSED = "严格模式下发现未确认的单位名称，已停止导入，数据库未做任何修改："
IMPORT_STRICT_LINE = "  {cell}：“{written}” {verdict}；最接近的已知名称：{closest}"
IMPORT_STRICT_FUZZY = "疑似“{name}”的笔误（相似度 {score:.0f}）"
IMPORT_STRICT_NEW = "不是已知单位"
IMPORT_REPORT_HEADER = "已导入活动 {code}《{title}》：{groups} 个指标组，{indicators} 项指标，{units} 个单位，{obligations} 项任务。"
IMPORT_REPORT_UPDATED = "（已更新原有活动：新增 {added} 项指标，更新 {updated} 项，归档 {archived} 项；已提交的材料均保留。）"
IMPORT_REPORT_EXACT = "  单位名称一致：{names}"
IMPORT_REPORT_ALIAS = "  按别名匹配：{pairs}"
IMPORT_REPORT_FUZZY = "  模糊匹配（请核对）：{pairs}"
IMPORT_REPORT_NEW = "  新单位：{names}"
IMPORT_REPORT_DEADLINE = "  材料报送截止：{deadline}（{tz}）"
IMPORT_REPORT_NO_DEADLINE = "  未设置截止时间：请用 --deadline 或 python -m bot deadline 设置。"
NONE_MARK = "无"

# --- campaigns, units ---------------------------------------------------------------------
NO_CAMPAIGN = "还没有导入任何活动。请先运行 python -m bot import 任务分工表.xlsx。"
CAMPAIGN_NOT_FOUND = "找不到活动“{code}”。现有活动：{codes}"
UNIT_NOT_FOUND = "找不到单位“{name}”。{hint}"
UNIT_DID_YOU_MEAN = "您是不是指：{names}？"
UNIT_KNOWN_LIST = "已知单位：{names}"

# --- statuses -------------------------------------------------------------------------------
STATUS_MARK = {"accepted": "✅", "submitted": "⏳", "missing": "❌", "returned": "↩"}
STATUS_NAME = {"accepted": "已通过", "submitted": "待审核", "missing": "未交", "returned": "已退回"}
LATE_MARK = "迟交"
OVERDUE_MARK = "逾期"
MATCH_METHOD_NAME = {
    "auto": "自动归类",
    "chosen": "用户选择",
    "corrected": "人工改归类",
    "cli": "命令行",
}

# --- Excel summary ----------------------------------------------------------------------------
XLSX_SHEET_MATRIX = "汇总"
XLSX_SHEET_SUBMISSIONS = "提交明细"
XLSX_TITLE = "{title} 材料报送汇总（截至 {now}）"
XLSX_UNIT = "单位"
XLSX_INDICATOR_HEADER = "{number}. {title}"
XLSX_DELIVERED = "已交/应交"
XLSX_OVERDUE = "逾期"
XLSX_TOTAL = "合计（已交/应交）"
XLSX_NOT_RESPONSIBLE = "—"
XLSX_PROGRESS = "总进度：{done}/{total}（{percent}%），已通过 {accepted} 项"
XLSX_SUBMISSION_HEADERS = (
    "单位",
    "指标",
    "指标名称",
    "版本",
    "文件名",
    "大小（字节）",
    "上传人",
    "上传时间",
    "归类方式",
    "审核状态",
    "审核意见",
    "SHA-256",
)
YES = "是"

# --- owe ----------------------------------------------------------------------------------------
OWE_HEADER = "【{unit}】{campaign}"
OWE_COUNT = "还需报送 {owed} 项（共 {total} 项）："
OWE_ALL_DONE = "✅ 所有材料均已报送（共 {total} 项）。"
OWE_NOTHING = "本活动中没有需要 {unit} 报送的指标。"
OWE_ITEM = "{mark} 指标{number} {title}"
OWE_ITEM_RETURNED = "   ↩ 已被退回：{comment}"
OWE_MATERIAL = "   需报送：{material}"
OWE_TEMPLATE = "   模板：{hint}"
OWE_DEADLINE = "   截止：{deadline}（{left}）"
OWE_DELIVERED_HEADER = "已报送："
OWE_DELIVERED_ITEM = "{mark} 指标{number} {title}：{files}"
OWE_FILE = "《{filename}》{when} {status}"
OWE_LATE = "（迟交）"
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%m-%d %H:%M"

# --- summary ------------------------------------------------------------------------------------
SUMMARY_HEADER = "📊 《{title}》材料报送进度"
SUMMARY_PROGRESS = "已报送 {done}/{total}（{percent}%），已通过 {accepted} 项"
SUMMARY_DEADLINE = "截止：{deadline}（{left}）"
SUMMARY_LEGEND = "✅通过 ⏳待审 ❌未交 ↩退回 ⚠逾期/迟交"
SUMMARY_ROW = "{flag}{unit} {delivered}/{required}：{marks}"
SUMMARY_OVERDUE_FLAG = "⚠"
SUMMARY_MARK = "{number}{mark}"
SUMMARY_LATE_SUFFIX = "迟"

# --- command line -------------------------------------------------------------------------------
CLI_MIGRATED = "数据库已是最新结构：{url}"
CLI_ERROR = "错误：{message}"
CLI_UNITS_LINE = "{name}（别名：{aliases}）"
CLI_XLSX_WRITTEN = "汇总表已写入：{path}"
CLI_IMPORT_NOTHING = "data/campaigns/ 下没有 .xlsx 文件。"
