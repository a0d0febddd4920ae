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
