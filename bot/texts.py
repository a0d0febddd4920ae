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
IMPORT_IMPOSSIBLE_DATE = (
    "设置“{key}”中的日期不存在：{value}。请改成日历上有的日期（如 2023-10-18）后再导入。"
)
IMPORT_FAILED_FILE = "{name}：{reason}"
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
IMPORT_REPORT_SUPPORTS = "  配合单位：{count} 处（由牵头单位报送材料，配合单位不计入任务数）"
IMPORT_REPORT_NOT_UNITS = "  不是单位名称，已忽略（请核对）：{items}"
IMPORT_REPORT_NOT_UNIT = "{cell}“{text}”"
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
    "linked": "共用已报送文件（也用于）",
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
    "打开密码",
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
OWE_SUPPORT_HEADER = "配合的指标（材料由牵头单位报送）："
OWE_SUPPORT_ITEM = "🤝 指标{number} {title}"
OWE_SUPPORT_LEAD = "   牵头单位：{lead}（{mark}{status}）"
OWE_SUPPORT_MATERIAL = "   所需材料：{material}"
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

# --- access and onboarding -----------------------------------------------------------------------
COORDINATOR_GROUP_WORDS = ("协调组", "协调", "汇总", "coordinator")
NOT_REGISTERED = "您好！本机器人用于迎检材料报送。您还没有登记所属单位：请向协调人（市场监管局）索取邀请链接，点击链接即可完成登记。"
NOT_ALLOWED_COORDINATOR = "抱歉，这个命令只有协调人可以使用。"
GROUP_NOT_BOUND = "本群还没有绑定单位。请协调人在群里发送 /bind 单位名称（例如 /bind 公安局）。"
INVITE_UNKNOWN = "邀请链接无效。请向协调人重新索取。"
INVITE_USED = "这个邀请链接已经被使用过了。请向协调人重新索取。"
INVITE_EXPIRED = "这个邀请链接已过期（{expired}）。请向协调人重新索取。"
INVITE_CREATED = "邀请链接（{who}，{hours} 小时内有效，仅可使用一次）：\n{link}"
INVITE_WHO_UNIT = "{unit} 联系人"
INVITE_WHO_COORDINATOR = "协调人"
WELCOME_CONTACT = "欢迎，{name}！您已登记为【{unit}】的联系人。"
WELCOME_COORDINATOR = "欢迎，{name}！您已登记为协调人：可以查看汇总（/summary）、审核材料（/review）、催办（/remind）和导出（/export）。"
ALREADY_REGISTERED = "您已登记为【{unit}】的联系人。发送 /owe 查看还差哪些材料。"
BIND_DONE_UNIT = "本群已绑定【{unit}】：群成员可以直接在群里发送材料，截止提醒也会发到本群。"
BIND_DONE_COORDINATOR = "本群已设为协调组：汇总和提醒摘要会发到本群。"
BIND_USAGE = "用法：/bind 单位名称（例如 /bind 公安局），或 /bind 协调组。"
BIND_CHOOSE = "“{written}”对应哪个单位？"
BIND_PRIVATE = "请在要绑定的群里发送 /bind。"
UNBIND_DONE = "本群已解除绑定。"
UNBIND_NOTHING = "本群没有绑定任何单位。"

# --- uploads ------------------------------------------------------------------------------------
UPLOAD_NOT_REGISTERED = "您还没有登记所属单位，暂时不能报送材料。请向协调人索取邀请链接。"
UPLOAD_UNBOUND_GROUP = "本群还没有绑定单位，无法登记材料。请协调人在群里发送 /bind 单位名称。"
UPLOAD_TOO_BIG = "文件“{filename}”有 {size_mb} MB，超过了 {limit_mb} MB 的上限。请压缩或拆分成几个文件后分别发送。"
UPLOAD_EMPTY = "文件“{filename}”是空的（0 字节），请检查后重新发送。"
UPLOAD_TYPE_REFUSED = (
    "不接收这种类型的文件（{filename}）。请发送 Word、Excel、WPS、PDF、图片或压缩包（zip/rar/7z）。"
)
UPLOAD_FILED = "✅ 已登记到 指标{number} {title}\n📎 {filename}（{size}）"
UPLOAD_FILED_BY_CHOICE = "✅ 已按您的选择登记到 指标{number} {title}\n📎 {filename}（{size}）"
UPLOAD_STILL_OWED = "{unit} 还需报送 {count} 项：{items}"
UPLOAD_ALL_DONE = "🎉 {unit} 的材料已全部报送，等待协调人审核。"
UPLOAD_ASK = "📎 {filename}\n这份材料属于哪一项指标？请选择："
UPLOAD_ASK_ALL = "📎 {filename}\n请选择指标："
UPLOAD_NOT_OWED = "📎 {filename}\n看起来这是 指标{number} {title} 的材料，但{unit}不负责这一项。请从本单位的指标中选择，或取消："
UPLOAD_DUPLICATE = (
    "这个文件已经在 {when} 报送过了（指标{number} {title}，第 {version} 版），无需重复发送。"
)
UPLOAD_CANCELLED = "已取消，文件“{filename}”未登记。"
UPLOAD_CHOICE_GONE = "这个选择已经处理过了。"
UPLOAD_WITHDRAWN = "已撤回“{filename}”（指标{number}）。"
UPLOAD_MOVED = "已改归类：“{filename}”从 指标{old} 改到 指标{number} {title}。"
UPLOAD_RECLASSIFY_ASK = "“{filename}”应归到哪一项指标？"
UPLOAD_NOT_YOURS = "只能处理本单位的材料。"
UPLOAD_NO_OBLIGATIONS = "{unit} 在本活动中没有需要报送的指标。"
UPLOAD_FAILED_DOWNLOAD = "文件“{filename}”下载失败，请稍后重新发送。"
UPLOAD_PASSWORD_NOTE = "🔒 文件设有打开密码：审核人需要密码才能打开，请另行告知协调人。"

# --- content check of a received file (bot/filecheck.py) -----------------------------------------
FILE_DAMAGED = "文件“{filename}”已损坏或不完整，无法打开。请重新保存后再发。"
FILE_NOT_WHAT_IT_SAYS = "文件“{filename}”的内容其实是{actual}，与文件扩展名不符，未登记。请发送原始文件，或另存为正确的格式后再发。"
FILE_HAS_MACROS = "文件“{filename}”含有宏（VBA），未登记。请另存为不含宏的 .xlsx/.docx 后再发。"
FILE_IS_BOMB = "文件“{filename}”解压后异常巨大（疑似压缩炸弹），未登记。请检查文件后重新保存再发。"
FILE_UNSAFE_PATHS = (
    "压缩文件“{filename}”中的“{member}”路径不安全（绝对路径或“..”），未登记。请重新打包后再发。"
)
FILE_TOO_MANY_PARTS = (
    "压缩文件“{filename}”包含 {count} 个文件，超过 {limit} 个的上限，未登记。请拆分后分别发送。"
)
FILE_ACTIVE_CONTENT = (
    "PDF“{filename}”含有脚本或启动程序的动作（JavaScript/Launch），未登记。"
    "请用“打印为 PDF”重新生成后再发。"
)
# What a file really is, by its first bytes (bot.filecheck.detect_kind).
FILE_KINDS = {
    "exe": "一个 Windows 可执行程序（.exe）",
    "elf": "一个 Linux 可执行程序",
    "macho": "一个 macOS 可执行程序",
    "script": "一个脚本程序",
    "html": "一个网页（HTML）",
    "xml": "一个 XML 文件",
    "pdf": "一个 PDF 文件",
    "zip": "一个 ZIP 压缩包",
    "ole2": "一个旧版 Office 文档（.doc/.xls/.ppt）",
    "docx": "一个 Word 文档（.docx）",
    "xlsx": "一个 Excel 工作簿（.xlsx）",
    "pptx": "一个 PowerPoint 演示文稿（.pptx）",
    "jpeg": "一张 JPEG 图片",
    "png": "一张 PNG 图片",
    "gif": "一张 GIF 图片",
    "bmp": "一张 BMP 图片",
    "tiff": "一张 TIFF 图片",
    "webp": "一张 WebP 图片",
    "heic": "一张 HEIC 图片",
    "rar": "一个 RAR 压缩包",
    "7z": "一个 7z 压缩包",
    "rtf": "一个 RTF 文档",
}
# Beside a password-protected submission in /review and the summary workbook.
PASSWORD_PROTECTED_MARK = "🔒需密码"
XLSX_PASSWORD_PROTECTED = "需密码"

BUTTON_CHANGE = "改归类"
BUTTON_WITHDRAW = "撤回"
BUTTON_ALL = "全部指标"
BUTTON_CANCEL = "取消"
BUTTON_INDICATOR = "{number}. {title}"

# --- chat: commands, help, errors ---------------------------------------------------------------
OWE_TRIGGERS = (
    "还差什么",
    "还差哪些",
    "还差啥",
    "还欠",
    "交齐了吗",
    "交齐没",
    "交齐",
    "缺什么",
    "缺哪些",
    "还要交",
    "还需要交",
    "哪些没交",
    "还没交",
    "欠哪些",
    "欠什么",
    "差什么材料",
    "还差",
)
OWE_PICK_UNIT = "要查看哪个单位？"
COMMAND_DESCRIPTIONS_PRIVATE = (
    ("owe", "还差哪些材料"),
    ("template", "获取模板（协调人：添加模板）"),
    ("summary", "报送进度汇总（协调人）"),
    ("review", "审核待审材料（协调人）"),
    ("remind", "一键催办（协调人）"),
    ("deadline", "设置截止时间（协调人）"),
    ("rules", "查看或设置提醒规则（协调人）"),
    ("invite", "生成邀请链接（协调人）"),
    ("export", "导出材料包（协调人）"),
    ("people", "人员与权限（协调人）"),
    ("import", "导入任务分工表：发送 .xlsx 并附言 /import（协调人）"),
    ("selfreport", "自评报告初稿（Word）"),
    ("na", "申请某项指标不适用"),
    ("excuse", "确认单位某项指标不适用（协调人）"),
    ("extend", "为单位延期（协调人）"),
    ("help", "使用说明"),
)
COMMAND_DESCRIPTIONS_GROUP = (
    ("owe", "本单位还差哪些材料"),
    ("template", "获取本单位的模板"),
    ("summary", "报送进度汇总（协调组）"),
    ("bind", "绑定本群到单位（协调人）"),
    ("unbind", "解除绑定（协调人）"),
    ("remind", "一键催办（协调人）"),
    ("pause", "暂停本群提醒（协调人）"),
    ("resume", "恢复本群提醒（协调人）"),
    ("selfreport", "本单位自评报告初稿（Word）"),
    ("na", "申请本单位某项指标不适用"),
    ("help", "使用说明"),
)
HELP = (
    "迎检助手：帮助各单位报送迎检支撑材料。\n"
    "• /owe 或直接问“还差什么”：查看本单位还需报送的材料、截止时间和剩余天数。\n"
    "• 直接把文件发给我（或发到本单位的工作群）：我会自动判断属于哪项指标；拿不准时会请您点选。\n"
    "  可在文件说明里写上“指标4”等，帮助归类。单个文件不超过 {limit_mb} MB。\n"
    "  一份材料同时适用于几项指标时，点回执下的“也用于…”即可，无需重复发送。\n"
    "• /selfreport：本单位的自评报告初稿（Word），按考核指标列出已报送的材料和未报送项。\n"
    "协调人：\n"
    "• /summary 进度汇总（附 Excel），/review 审核，/remind [单位] 一键催办，/export 导出材料包\n"
    "• /link 材料编号 指标号：把已登记的材料同时用于该单位的另一项指标（文件只存一份）\n"
    "• /selfreport [单位]：全活动（或某单位）的自评报告初稿，附各单位材料的开头摘录\n"
    "• /deadline [指标号] 2023-10-20 设置截止时间；/rules 查看或设置提醒规则；在群里 /pause、/resume 暂停或恢复提醒\n"
    "• /invite 单位名称：生成联系人邀请链接；/bind 单位名称：把当前群绑定到单位；/bind 协调组；/unbind\n"
    "• /people 查看人员、群和邀请；/revoke 撤销联系人、协调人、邀请或群绑定；/role id 协调人|联系人\n"
    "• 私聊发送任务分工表（.xlsx）并在文件说明里写 /import：先预览会新增、修改、归档哪些指标和任务，点【确认导入】才生效"
)
START_NO_INVITE = NOT_REGISTERED
UNKNOWN_COMMAND = "未知命令：{command}。发送 /help 查看可用命令。"
UNSUPPORTED_MESSAGE = (
    "我只能处理文字和文件（Word、Excel、PDF、图片、压缩包）。发送 /help 查看用法。"
)
EDITED_MESSAGE_IGNORED = "修改后的消息不会重新处理；如需重新报送，请重新发送文件。"
PRIVATE_TEXT_HINT = (
    "没看懂您的意思。发送 /owe 查看还差哪些材料，或直接发送文件报送。发送 /help 查看用法。"
)
SOMETHING_WENT_WRONG = (
    "抱歉，处理时出了点问题，已记录。请稍后再试；如果刚才发送了文件，请重新发送。"
)
SUMMARY_REFUSED = "汇总只有登记的协调人可以查看（在协调组或与我的私聊中发送 /summary）。"
SUMMARY_FILENAME = "汇总_{code}_{date}.xlsx"
INVITE_USAGE = "用法：/invite 单位名称（例如 /invite 公安局），或 /invite 协调人。"
CLI_BAD_JSON_LINE = "第 {line} 行不是有效的 JSON：{error}"
CLI_SANDBOX = (
    "没有设置 TELEGRAM_BOT_TOKEN：启动离线沙盒（内置的 Bot API 模拟器）。输入 :help 查看沙盒命令。"
)
SANDBOX_READY = "沙盒已就绪：协调员（id {user_id}）已登记为协调人。试试：/invite 公安局，然后 :user 公安局联络员、:chat private、:start 令牌；在“公安局工作群”里用协调员发送 /bind 公安局。"
COORDINATOR_INVITE_WORDS = ("协调人", "coordinator")
WEBHOOK_SECRET_NEEDED = (
    "未启动：Webhook 模式（设置了 WEBHOOK_URL）需要 WEBHOOK_SECRET，至少 {minimum} 个字符，"
    "只能包含字母、数字、_ 和 -。生成一个：\n"
    '  python -c "import secrets; print(secrets.token_urlsafe(32))"\n'
    "把输出写入 .env 的 WEBHOOK_SECRET= 后重新启动。"
)

# --- reminders ----------------------------------------------------------------------------------
# Rules and quiet days (bot/schedule.py).
RULE_UNKNOWN = "规则无法识别：{rule}（示例：-3d 09:00、+1d 09:00 daily x5、-2h）"
RULE_BAD_TIME = "规则时间无效：{rule}（小时 0–23，分钟 0–59）"
RULE_NEEDS_SIGN = "规则须写明截止前（-）还是截止后（+）：{rule}"
RULE_OUT_OF_RANGE = "规则超出范围（最多 {days} 天，最多重复 {repeat} 次）：{rule}"
RULE_BAD_REPEAT = "重复次数须为正整数：{rule}"
QUIET_DATE_INVALID = "日期无法识别：{value}（格式：2023-10-01）"
QUIET_DATE_CONFLICT = "同一日期不能既是休息日又是工作日：{days}"
TIME_LEFT_DAYS = "还剩{days}天"
TIME_LEFT_HOURS = "还剩{hours}小时"
TIME_LEFT_MINUTES = "还剩{minutes}分钟"
DUE_TODAY = "今天截止（{left}）"
OVERDUE_TODAY = "今天已截止"
OVERDUE_DAYS = "已逾期{days}天"
# The reminder a unit receives. <b> is Telegram HTML: bot/wording/reminders.py drops the tags
# for the terminal and escapes the values.
REMINDER_HEADER = "⏰ <b>材料报送提醒【{unit}】</b>"
REMINDER_MANUAL_HEADER = "📣 <b>催办【{unit}】</b>：协调人提醒尽快报送材料"
REMINDER_INTRO = "《{campaign}》还需报送 {owed} 项："
REMINDER_MORE = "……另有 {more} 项未列出，发送 /owe 查看全部。"
REMINDER_FOOTER = "请把材料直接发到本群（或私聊本机器人），发送 /owe 查看详情。"
REMINDER_TIME_FORMAT = "%m-%d %H:%M"
# The coordinators' digest and notices.
DIGEST_HEADER = "📋 <b>提醒摘要</b>《{campaign}》{when}"
DIGEST_REMINDED = "已提醒 {count} 个单位：{units}"
DIGEST_MISSED = "⚠ 未能送达 {count} 个单位：{units}（未绑定群且无联系人，或群已移除机器人）"
DIGEST_PAUSED = "已暂停提醒的群：{units}"
DIGEST_OVERDUE = "⚠ 逾期未交 {count} 个单位：{units}"
DIGEST_NO_OVERDUE = "暂无逾期未交的单位。"
DIGEST_AND_MORE = "{names} 等 {count} 个"
UNREACHABLE_NOTICE = "⚠ 无法向【{unit}】的群“{groups}”发送提醒：机器人可能已被移出群。{fallback}重新拉机器人进群后，请在群里发送 /bind {unit}。"
UNREACHABLE_FALLBACK = "本轮提醒已改为私聊该单位的 {count} 位联系人。"
UNREACHABLE_NO_FALLBACK = "该单位没有登记联系人，本轮提醒未能送达。"
# Commands: rules, deadlines, pause, /remind.
RULES_EMPTY = "请至少给出一条提醒规则，例如：{default}"
RULES_SET = "《{campaign}》的提醒规则已设为：{rules}"
RULES_CURRENT = "《{campaign}》当前的提醒规则：{rules}\n修改：/rules 规则…（例如 /rules -3d 09:00, -1d 09:00, 0d 09:00, +1d 09:00 daily）"
INDICATOR_NOT_FOUND = "找不到指标“{number}”。现有指标：{numbers}"
DEADLINE_SET_CAMPAIGN = "《{title}》的材料报送截止时间已改为 {deadline}（{tz}），提醒随之调整。"
DEADLINE_SET_INDICATOR = (
    "指标{number}（{title}）的截止时间已改为 {deadline}（{tz}），提醒随之调整。"
)
DEADLINE_USAGE = "用法：/deadline [指标编号] YYYY-MM-DD[ HH:MM]，例如 /deadline 4 2023-10-20 18:00"
DEADLINE_FORMAT = "%Y-%m-%d %H:%M"
UPCOMING_HEADER = "《{campaign}》接下来的提醒："
UPCOMING_LINE = "{when}  {rules}  指标{indicators} → {units}"
UPCOMING_NONE = "近期没有待发送的提醒（或各单位均已报送）。"
REMINDERS_PAUSED = "本群的截止提醒已暂停。发送 /resume 恢复。"
REMINDERS_RESUMED = "本群的截止提醒已恢复。"
REMINDERS_CHAT_NOT_BOUND = "本群还没有绑定，没有可暂停或恢复的提醒。"
REMIND_DONE = "已催办 {count} 个单位：{units}"
REMIND_NOTHING_OWED = "无需催办（材料均已报送）：{units}"
REMIND_UNREACHED = "⚠ 无法催办（没有可用的群或联系人，或群已暂停提醒）：{units}"
REMIND_NONE = "没有需要催办的单位。"
CLI_RUN_ONCE = "已发送 {sent} 条，失败 {failed} 条，跳过 {skipped} 条，稍后重试 {retrying} 条。"
CLI_PRINTED_MESSAGE = "—— 发往 {chat}（消息 {message_id}）——\n{text}"
CLI_PREVIEW_MESSAGE = "—— 将发往 {chat}（试运行，未发送）——\n{text}"
CLI_PREVIEW_DONE = "试运行：本次检查将发送 {count} 条，均未发送、未记录。加 --send 才会发送并记录。"
CLI_DISPATCH_BUSY = "另一个提醒进程正在发送，本次未执行。"

# --- review and export --------------------------------------------------------------------------
REVIEW_NOTHING = "没有待审核的材料。"
REVIEW_HEADER = "待审核材料 {count} 份（显示前 {shown} 份）："
REVIEW_ITEM = (
    "#{id} 【{unit}】指标{number} {title}\n📎 {filename}（{size}，{when}，第 {version} 版）"
)
REVIEW_ACCEPTED = "✅ 已通过：#{id} 【{unit}】指标{number}《{filename}》"
REVIEW_ASK_REASON = (
    "请直接回复本消息，写明退回原因（材料 #{id}：【{unit}】指标{number}《{filename}》）。"
)
REVIEW_RETURNED = "↩ 已退回：#{id} 【{unit}】指标{number}《{filename}》，原因：{reason}"
REVIEW_RETURNED_NOTICE = "↩ 【{unit}】指标{number} {title} 的材料《{filename}》被退回。\n原因：{reason}\n请修改后重新发送。"
REVIEW_ALREADY = "这份材料已经处理过了（当前状态：{status}）。"
REVIEW_REASON_EMPTY = "退回原因不能为空，请重新回复。"
BUTTON_ACCEPT = "通过"
BUTTON_RETURN = "退回"
EXPORT_NOTHING = "还没有可导出的材料。"
EXPORT_READY = "材料包已生成：共 {files} 个文件，{parts} 个压缩包。"
EXPORT_PART = "材料包_{code}_{date}_第{part}部分.zip"
EXPORT_SINGLE = "材料包_{code}_{date}.zip"
EXPORT_SUMMARY_NAME = "汇总.xlsx"
EXPORT_UNGROUPED = "未分组"
CLI_EXPORT_WRITTEN = "已写入：{path}（{size}）"
CLI_SWEEP_DONE = "已删除 {removed} 个无人引用的文件（{size} 字节）；保留在用的 {in_use} 个，以及无人引用未满 {hours} 小时的 {young} 个。"
INVITE_SENT_PRIVATELY = "邀请链接只能使用一次，已私信发给您，请转发给对方。"
INVITE_PRIVATE_FAILED = (
    "邀请链接只能使用一次，不宜发在群里。请先私聊我（发送 /start），再在私聊中发送 /invite。"
)
IMPORT_REPORT_UNCHANGED = "活动 {code}《{title}》的任务分工表与上次导入时相同，未重新导入（聊天中修改的截止时间和提醒规则保持不变；如需重新导入，请加 --force）。"

# ----- people: /people, /revoke, /role ---------------------------------------------------
PEOPLE_HEADER = "👥 人员与权限"
PEOPLE_COORDINATORS = "协调人（{count}）："
PEOPLE_PERSON = "• {name}{username}（id {id}）"
PEOPLE_USERNAME = " @{username}"
PEOPLE_UNIT = "【{unit}】联系人（{count}）："
PEOPLE_GROUPS = "已绑定的群（{count}）："
PEOPLE_GROUP = "• {title}（id {id}）→ {target}{flags}"
PEOPLE_GROUP_COORDINATOR = "协调组"
PEOPLE_GROUP_PAUSED = "，提醒已暂停"
PEOPLE_GROUP_UNREACHABLE = "，机器人已不在群里"
PEOPLE_INVITES = "未使用的邀请（{count}）："
PEOPLE_INVITE = "• 邀请{id}：{who}，有效至 {expires}"
PEOPLE_FOOTER = (
    "撤销：/revoke id、@用户名、姓名、邀请编号（如 /revoke 邀请12）或群 id；"
    "改角色：/role id 协调人|联系人"
)
PEOPLE_NOT_FOUND = "找不到“{name}”。发送 /people 查看人员和 id。"
PEOPLE_AMBIGUOUS = "有多人叫“{name}”，请改用 id 或 @用户名（发送 /people 查看）。"
PEOPLE_LAST_COORDINATOR = (
    "这是最后一位协调人，不能撤销或改为联系人：请先让另一人成为协调人（/role id 协调人）。"
)
PEOPLE_NO_OPEN_INVITE = "没有编号为 {id} 的未使用邀请。"
PEOPLE_NO_GROUP = "没有 id 为 {id} 的已绑定群。"
REVOKE_USAGE = "用法：/revoke id、@用户名、姓名、邀请编号（如 邀请12）或群 id。发送 /people 查看。"
REVOKED_PERSON = "已撤销：{name}（{role}）。此后 TA 发来的消息按未登记用户处理。"
REVOKED_INVITE = "已作废邀请{name}（{who}）。"
REVOKED_GROUP = "已解除绑定：{name}（{who}）。"
REVOKED_NOTICE_CONTACT = "您已不再是【{unit}】的联系人。"
REVOKED_NOTICE_COORDINATOR = "您已不再是协调人。"
ROLE_USAGE = "用法：/role id|@用户名|姓名 协调人|联系人"
ROLE_WORDS_COORDINATOR = ("协调人", "coordinator")
ROLE_WORDS_CONTACT = ("联系人", "contact")
ROLE_NEEDS_UNIT = "{name} 没有所属单位，不能改为联系人。"
ROLE_CHANGED = "{name} 现在是{role}。"
ROLE_NAME = {"coordinator": "协调人", "contact": "联系人"}

# --- self-evaluation report (自评报告) drafts ------------------------------------------------------
SELFREPORT_OWN_UNIT_ONLY = "只能生成本单位（{unit}）的自评报告初稿。"
SELFREPORT_READY = "📝 《{title}》自评报告初稿{scope}：{indicators} 项指标，材料已报送 {delivered}/{total}。未报送的以红色标出；“工作开展情况”摘自各单位报送的材料，请核对、补充后使用，自评得分请人工填写。"
SELFREPORT_SCOPE_UNIT = "（{unit}）"
SELFREPORT_FILENAME = "自评报告_{code}_{date}.docx"
SELFREPORT_FILENAME_UNIT = "自评报告_{code}_{unit}_{date}.docx"
SELFREPORT_EXPORT_NAME = "自评报告（初稿）.docx"
CLI_SELFREPORT_WRITTEN = "自评报告初稿已写入：{path}（{size}）"
# The document's own words.
SELFREPORT_TITLE = "{title}自评报告"
SELFREPORT_SUBTITLE = "（初稿）"
SELFREPORT_SUBTITLE_UNIT = "（{unit} 初稿）"
SELFREPORT_DOC_NUMBER = "依据：{doc_number}"
SELFREPORT_PERIOD = "统计时间：{start}至{end}"
SELFREPORT_PERIOD_UNSET = "统计时间：未设置"
SELFREPORT_DATE = "{year}年{month}月{day}日"
SELFREPORT_GENERATED = "本稿由迎检助手于 {when} 根据各单位已报送的材料自动生成，供撰写自评报告参考；红色为尚未报送的材料。"
SELFREPORT_GENERATED_FORMAT = "%Y-%m-%d %H:%M"
SELFREPORT_GROUP_HEADING = "{number}、{title}"
SELFREPORT_GROUP_CATEGORY = "考核内容：{category}"
SELFREPORT_INDICATOR_HEADING = "{number}. {title}"
SELFREPORT_LABEL = "{label}："
SELFREPORT_KEY_POINTS = "考核要点"
SELFREPORT_MATERIAL = "支撑材料说明"
SELFREPORT_SCORE = "分值"
SELFREPORT_DELIVERIES = "责任单位报送情况"
SELFREPORT_NO_UNITS = "（本项指标未分配责任单位。）"
SELFREPORT_TABLE_HEADERS = ("责任单位", "报送材料", "报送时间", "版本", "审核状态", "是否迟交")
SELFREPORT_MISSING = "未报送"
SELFREPORT_OVERDUE = "未报送（已逾期）"
SELFREPORT_VERSION = "第{version}版"
SELFREPORT_FILE_DATE_FORMAT = "%Y-%m-%d %H:%M"
SELFREPORT_LATE = "迟交"
SELFREPORT_ON_TIME = "按时"
SELFREPORT_WORK = "工作开展情况"
SELFREPORT_EXCERPT_UNIT = "{unit}："
SELFREPORT_SOURCE = "【来源：{filename}】"
SELFREPORT_NO_EXCERPT = "（暂无可摘录的文字材料：请根据各单位报送的材料撰写本项工作开展情况。）"
SELFREPORT_SELF_SCORE = "自评得分"

# ----- /import in chat: a task table previewed, then [确认导入] or [取消] ---------------------
IMPORT_REPORT_REPLACED = "活动 {code}《{title}》现用的任务分工表是后来导入的“{current}”，这份较早的表格未重新导入（如确要恢复它，请加 --force，或在聊天中用 /import 发送）。"
IMPORT_CHAT_COORDINATORS_ONLY = "只有协调人可以导入任务分工表。"
IMPORT_CHAT_PRIVATE_ONLY = "请在与我的私聊中发送任务分工表（.xlsx），并在文件说明里写 /import。"
IMPORT_CHAT_NO_FILE = "请把任务分工表（.xlsx）作为文件发给我，并在文件说明里写 /import；或回复一条带有该文件的消息，发送 /import。"
IMPORT_CHAT_TOO_BIG = "“{name}”有 {size}，超过 Telegram 允许机器人下载的 {limit}，无法导入。"
IMPORT_CHAT_DOWNLOAD_FAILED = "未能从 Telegram 取得“{name}”，请稍后重新发送。"
IMPORT_PREVIEW_NEW = "📋 导入预览：“{name}”将新建活动 {code}《{title}》。"
IMPORT_PREVIEW_UPDATE = "📋 导入预览：“{name}”将更新活动 {code}《{title}》。"
IMPORT_PREVIEW_COUNTS = (
    "导入后：{groups} 个指标组，{indicators} 项指标，{units} 个单位，{obligations} 项任务。"
)
IMPORT_PREVIEW_FOOTER = "现在还没有做任何修改。核对无误请点【确认导入】，否则点【取消】。"
IMPORT_PREVIEW_UNCHANGED = "“{name}”与活动 {code}《{title}》上次导入的任务分工表完全相同，无需导入（聊天中修改的截止时间和提醒规则保持不变）。"
IMPORT_DONE = "✅ 已导入“{name}”。"
IMPORT_CANCELLED = "已取消：“{name}”未导入，活动没有任何修改。"
IMPORT_CHAT_HANDLED = "“{name}”{how}，这个按钮不再有效。"
IMPORT_CHAT_HANDLED_HOW = {"imported": "已经导入", "cancelled": "的导入已经取消"}
IMPORT_CHAT_GONE = "找不到这次导入，请重新发送任务分工表。"
IMPORT_CHAT_FILE_GONE = "“{name}”的文件已不在存储中，请重新发送任务分工表。"
BUTTON_IMPORT_CONFIRM = "确认导入"
BUTTON_IMPORT_CANCEL = "取消"
IMPORT_CHANGES_ADDED = "  新增指标：{items}"
IMPORT_CHANGES_ADDED_ITEM = "{number}. {title}（{units}）"
IMPORT_CHANGES_CHANGED = "  修改指标：{items}"
IMPORT_CHANGES_CHANGED_ITEM = "{number}. {title}（{what}）"
IMPORT_CHANGES_UNITS_ADDED = "增加责任单位 {names}"
IMPORT_CHANGES_UNITS_REMOVED = "去掉责任单位 {names}"
IMPORT_CHANGES_SUPPORTS = "配合单位"
IMPORT_CHANGES_ARCHIVED = "  归档指标：{items}（已提交的材料保留）"
IMPORT_CHANGES_ARCHIVED_ITEM = "{number}. {title}"
IMPORT_CHANGES_OBLIGATIONS = "  任务：新增 {added} 项，归档 {archived} 项"
IMPORT_CHANGES_CAMPAIGN = "  活动信息变更：{fields}"
IMPORT_CHANGES_NONE = "  指标和任务均无变化。"
IMPORT_CHANGES_SEPARATOR = "；"
IMPORT_FIELD_NAMES = {
    "title": "名称",
    "group": "所属指标组",
    "key_points": "考核要点",
    "material": "支撑材料说明",
    "keywords": "关键词",
    "score": "分值",
    "deadline": "截止时间",
}
IMPORT_CAMPAIGN_FIELD_NAMES = {
    "title": "活动名称",
    "deadline": "材料报送截止",
    "division_deadline": "任务分工截止",
    "stats_start": "统计开始",
    "stats_end": "统计结束",
}

# --- 不适用/豁免 and extensions (bot/services/exemptions.py) --------------------------------------
# The statuses and legend above, plus an excused obligation and a unit's own deadline.
STATUS_MARK["excused"] = "➖"
STATUS_NAME["excused"] = "不适用"
SUMMARY_LEGEND += " ➖不适用 ⏰延期"
HELP += (
    "\n不适用与延期：\n"
    "• /na 指标号 理由（或 /owe 下的“申请不适用”按钮）：本单位申请某项指标不适用，协调人在 /review 中批准或驳回\n"
    "• 协调人：/excuse 单位 指标号 理由 直接确认不适用；/extend 单位 指标号|全部 2023-10-20[T18:00] 为单位延期"
)
INDICATOR_WORD = "指标"
EXEMPTION_OPERATOR = "命令行操作员"
EXEMPTION_STATUS_NAME = {"requested": "待审核", "approved": "已批准", "refused": "已驳回"}
EXEMPTION_NOT_OWED = "【{unit}】没有指标“{number}”的报送任务。本单位的指标：{numbers}"
EXEMPTION_COORDINATOR_EXCUSES = "协调人可以直接确认不适用：/excuse 单位名称 指标号 理由（例如 /excuse 县人民法院 7 本年度无移送案件）。"
EXEMPTION_OWN_UNIT_ONLY = "只能为本单位（{unit}）的指标申请不适用。"
EXEMPTION_REASON_EMPTY = "请写明不适用的理由，例如：/na 7 本年度无移送案件。"
EXEMPTION_REFUSAL_REASON_EMPTY = "驳回理由不能为空，请重新回复。"
EXEMPTION_ALREADY_EXCUSED = "【{unit}】指标{number} 已确认不适用，无需再申请。"
EXEMPTION_ALREADY_REQUESTED = "【{unit}】指标{number} 的不适用申请已提交，正在等待协调人审核。"
EXEMPTION_ALREADY_DECIDED = "这项不适用申请已经处理过了（{status}）。"
NA_USAGE = "用法：/na 指标号 理由（例如 /na 7 本年度无移送案件）。"
EXCUSE_USAGE = "用法：/excuse 单位名称 指标号 理由（例如 /excuse 县人民法院 7 本年度无移送案件）。"
EXTEND_USAGE = "用法：/extend 单位名称 指标号|全部 日期[T时间]（例如 /extend 公安局 7 2023-10-20 或 /extend 公安局 全部 2023-10-20T18:00）。"
EXTEND_ALL_WORDS = ("全部", "所有", "all")
BUTTON_EXEMPTION = "指标{number} 申请不适用"
EXEMPTION_ASK_REASON = (
    "请直接回复本消息，写明不适用的理由（#{id}：【{unit}】指标{number} {title}）。"
)
EXEMPTION_REQUESTED = "➖ 已提交【{unit}】指标{number} {title} 的不适用申请，理由：{reason}\n协调人审核后会通知本单位；在此之前本项仍需报送。"
REVIEW_EXEMPTIONS_HEADER = "待审核的不适用申请 {count} 项："
EXEMPTION_REVIEW_ITEM = "申请 #{id} 【{unit}】指标{number} {title}\n➖ 申请不适用，理由：{reason}\n（{requester}，{when}）"
BUTTON_APPROVE = "批准"
BUTTON_REFUSE = "驳回"
EXEMPTION_ASK_REFUSAL = (
    "请直接回复本消息，写明驳回理由（不适用申请 #{id}：【{unit}】指标{number} {title}）。"
)
EXEMPTION_APPROVED = "➖ 已批准：【{unit}】指标{number} {title} 不适用，理由：{reason}"
EXEMPTION_REFUSED = "已驳回：【{unit}】指标{number} {title} 的不适用申请，驳回理由：{reason}"
EXEMPTION_APPROVED_NOTICE = (
    "➖ 【{unit}】指标{number} {title} 已确认不适用，无需报送。\n理由：{reason}"
)
EXEMPTION_REFUSED_NOTICE = (
    "【{unit}】指标{number} {title} 的不适用申请未获批准。\n驳回理由：{reason}\n请按要求报送材料。"
)
EXTENDED = "⏰ 已为【{unit}】{which}延期至 {deadline}。提醒、剩余天数和逾期均按新的截止时间计算。"
EXTEND_WHICH_ONE = "指标{number}"
EXTEND_WHICH_ALL = "全部指标（{numbers}）"
OWE_EXCUSED_ITEM = "➖ 指标{number} {title}：不适用（{reason}）"
OWE_EXCUSED_HEADER = "不适用："
OWE_EXEMPTION_WAITING = "   ➖ 已申请不适用（{reason}），等待协调人审核"
OWE_EXEMPTION_REFUSED = "   不适用申请未获批准：{reason}"
OWE_EXTENDED_SUFFIX = " ⏰本单位延期"
SUMMARY_EXCUSED = "不适用 {count} 项（不计入应交）"
SUMMARY_EXTENDED_SUFFIX = "⏰"
XLSX_EXTENDED = "延期至{deadline}"
XLSX_SHEET_NOTES = "情况说明"
XLSX_NOTES_HEADERS = ("单位", "指标", "指标名称", "情况", "理由", "申请人", "批准人", "批准时间")
NOTE_EXCUSED = "不适用"
NOTE_EXTENDED = "延期至 {deadline}"
NOTE_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
EXPORT_NOTES_NAME = "情况说明.txt"
EXPORT_NOTES_TITLE = "《{title}》情况说明"
EXPORT_NOTE_EXCUSED = (
    "{unit} 指标{number} {title}：不适用。理由：{reason}。批准：{decider}，{when}。"
)
EXPORT_NOTE_EXTENDED = "{unit} 指标{number} {title}：延期至 {deadline}。"
EXPORT_NOTES_NONE = "本次无不适用或延期事项。"

# --- contributions of supporting units (配合材料) ----------------------------------------------------
UPLOAD_FILED_CONTRIBUTION = "✅ 已作为配合材料登记到 指标{number} {title}，已转给牵头单位【{lead}】（牵头单位采用后计入其报送）\n📎 {filename}（{size}）"
CONTRIBUTION_NOTICE = "🤝【{unit}】为指标{number}提供了配合材料《{filename}》（{size}）\n指标{number} {title}：如可作为【{lead}】的报送材料，请点“采用为本单位材料”；未采用前不计入报送。"
CONTRIBUTION_ADOPTED = "✅ 已采用【{unit}】的配合材料《{filename}》为【{lead}】指标{number} {title}的报送材料，等待协调人审核。"
CONTRIBUTION_ALREADY_ADOPTED = "这份配合材料已经采用过了。"
CONTRIBUTION_NOT_LEAD = "只有牵头单位【{lead}】或协调人可以采用这份配合材料。"
BUTTON_ADOPT = "采用为本单位材料"
BUTTON_SUPPORTED_INDICATOR = "{number}. {title}（配合）"
OWE_CONTRIBUTION = "   🤝 配合材料《{filename}》（{unit}，{when}）{state}"
OWE_CONTRIBUTION_WAITING = "待采用"
OWE_CONTRIBUTION_ADOPTED = "已采用"
OWE_SUPPORT_CONTRIBUTED = "   已提供：{files}"
OWE_SUPPORT_FILE = "《{filename}》{state}"
OWE_FILE_FROM = "（{unit}提供的配合材料）"
REMINDER_SUPPORT_HEADER = "配合事项（牵头单位尚未报送，请及时向其提供配合材料）："
REMINDER_SUPPORT_INTRO = "《{campaign}》中您单位配合的 {count} 项指标，牵头单位尚未报送："
XLSX_SHEET_CONTRIBUTIONS = "配合材料"
NO = "否"
XLSX_CONTRIBUTION_HEADERS = (
    "指标",
    "指标名称",
    "牵头单位",
    "配合单位",
    "文件名",
    "上传时间",
    "是否采用",
)

# --- one file for several indicators (收一次，用多处), and decisions of issue 11 ------------------
BUTTON_LINK = "也用于…"
LINK_ASK = "“{filename}”（已登记到 指标{number}）还可以同时用于哪一项指标？同一文件只存一份。"
LINK_DONE = "🔗 “{filename}”也已登记到 指标{number} {title}（与 指标{source} 共用同一文件）。"
LINK_NOTHING_OWED = "{unit} 没有其他还需报送的指标可以共用这个文件。"
LINK_NOT_OWED = "{unit} 没有指标{number}（本单位的指标：{numbers}）。"
LINK_ALREADY = "“{filename}”已经登记在 指标{number} 了。"
LINK_NO_SUBMISSION = "找不到编号为 {id} 的有效材料（可能已撤回）。"
LINK_USAGE = "用法：/link 材料编号 指标编号，例如 /link 12 5（材料编号见 /review）。"
# Import report: values changed in chat and kept, values the table changed.
IMPORT_REPORT_KEPT = "  保留了在聊天中修改的{what}：{value}（表格仍为 {table}，与上次导入相同）"
IMPORT_REPORT_TABLE_CHANGED = "  表格修改了{what}：{old} → {new}"
IMPORT_REPORT_TABLE_OVERRODE = "（聊天中设置的 {chat} 不再适用）"
IMPORT_VALUE_DEADLINE = "材料报送截止时间"
IMPORT_VALUE_INDICATOR_DEADLINE = "指标{number}的截止时间"
IMPORT_VALUE_RULES = "提醒规则"
IMPORT_VALUE_UNSET = "未单独设置"
IMPORT_REPORT_WORKDAYS = "  调休上班日（照常提醒）：{days}"
IMPORT_WORKDAY_CONFLICT = "活动设置中 {days} 既写为不提醒日期，又写为调休上班日，请只保留一处。"

# --- upload throttle and storage quota ------------------------------------------------------------
UPLOAD_THROTTLED = (
    "⏳ 文件发得太快了，请稍后再发：每个单位每 {window}最多接收 {burst} 个文件。"
    "“{filename}”和之后发来的文件都没有收下（未登记），请等 {wait}后再发送这些文件。"
)
DURATION_SECONDS = "{seconds} 秒"
DURATION_MINUTES = "{minutes} 分钟"
UPLOAD_OVER_QUOTA = (
    "本次活动的材料存储空间不足：上限 {quota}，已用 {used}，文件“{filename}”（{size}）放不下，"
    "没有收下（未登记）。请联系协调人处理。"
)

# --- templates: handed out per indicator, and uploads compared with them ------------------------
TEMPLATE_WORDS = (
    "模板",
    "要模板",
    "模板呢",
    "下载模板",
    "发模板",
)  # a whole message asking for them
TEMPLATE_BUTTON = "📎 模板 {number}"
TEMPLATE_USAGE = (
    "用法：/template 指标编号（例如 /template 2）获取该项的模板；发送“模板”获取本单位待报送指标的全部模板。\n"
    "协调人添加模板：把文件连同说明“/template 2”发给我，或回复一个文件发送 /template 2。"
)
TEMPLATE_NOT_ALLOWED = "只有协调人可以添加或删除模板。"
TEMPLATE_NOT_RESPONSIBLE = "指标{number}不是【{unit}】的报送任务。"
TEMPLATE_NONE_FOR = "指标{numbers}还没有模板。"
TEMPLATE_NONE_OWED = "【{unit}】待报送的指标都没有模板。"
TEMPLATE_NONE_AT_ALL = "《{campaign}》还没有模板。"
TEMPLATE_TOO_BIG = (
    "文件“{filename}”有 {size_mb:.1f} MB，超过了 {limit_mb} MB 的上限，不能作为模板。"
)
TEMPLATE_ID_NOT_FOUND = "没有编号为 #{id} 的模板。发送 python -m bot template list 查看。"
TEMPLATE_NAME_NOT_FOUND = "指标{number}没有名为“{filename}”的模板。现有模板：{filenames}"
TEMPLATE_ADDED = "✅ 已添加模板：指标{number} {title} ←《{filename}》（{size}）"
TEMPLATE_REPLACED = "✅ 已更新模板：指标{number} {title} 的《{filename}》换成了新文件（{size}）"
TEMPLATE_ALREADY = "指标{number} 已有这个模板《{filename}》，无需重复添加。"
TEMPLATE_SHAPE_COLUMNS = "   表头：{columns}"
TEMPLATE_SHAPE_SHEET = "   工作表『{sheet}』表头：{columns}"
TEMPLATE_SHAPE_HEADINGS = "   标题：{headings}"
TEMPLATE_SHAPE_TABLE = "   表格表头：{columns}"
TEMPLATE_SHAPE_NONE = "   （读不出表头或标题：报送的材料不会与它比对）"
TEMPLATE_REMOVED = "已删除指标{number}的模板：{filenames}"
TEMPLATE_LIST_HEADER = "《{campaign}》的模板（{count} 个）："
TEMPLATE_LIST_ITEM = "#{id} 指标{number} {title}：《{filename}》（{size}）"
TEMPLATE_CAPTION = "📎 指标{number} {title} 的模板。请填写后直接发回给我（或发到本单位的工作群）。"
TEMPLATE_WELCOME = "📎 指标{numbers} 有模板：发送“模板”即可获取，或在 /owe 中点按钮。"
TEMPLATE_BLANK = "这是空白模板，请填写后再发（指标{number} {title}《{filename}》）。"
TEMPLATE_DIFFERS = "与模板不一致：{parts}"
TEMPLATE_DIFF_MISSING_COLUMNS = "缺少列{names}"
TEMPLATE_DIFF_EXTRA_COLUMNS = "多出列{names}"
TEMPLATE_DIFF_MISSING_SHEET = "缺少工作表{names}"
TEMPLATE_DIFF_NO_HEADER = "没有找到表头"
TEMPLATE_DIFF_MISSING_HEADINGS = "缺少标题{names}"
TEMPLATE_DIFF_MISSING_TABLE = "缺少表格（表头{names}）"
TEMPLATE_DIFF_TABLE_MISSING = "表格缺少列{names}"
TEMPLATE_DIFF_TABLE_EXTRA = "表格多出列{names}"
TEMPLATE_DIFF_IN_SHEET = "工作表『{sheet}』{part}"
TEMPLATE_DIFF_IN_TABLE = "第{number}个{part}"
TEMPLATE_DIFF_NAME = "『{name}』"
TEMPLATE_DIFF_MORE = "等 {count} 项"
TEMPLATE_IMPORT_LINE = "  模板：{sentence}"
TEMPLATE_IMPORT_NO_NUMBER = (
    "  模板“{filename}”：文件名里没有指标编号（应写成“指标2_…”“2_…”或“第2项…”），已跳过。"
)
TEMPLATE_IMPORT_REFUSED = "  模板“{filename}”：{reason}"
# /help gains the templates (kept here, with the rest of the templates' texts).
HELP += (
    "\n模板：\n"
    "• 发送“模板”或 /template 指标编号：获取模板；/owe 里也有模板按钮。\n"
    "• 协调人：把文件连同说明“/template 2”发给我（或回复文件发送 /template 2），即添加为指标2的模板。"
)

# --- uploads held against templates (issue 11, points 1 and 2) ----------------------------------
REVIEW_DIFFERS_MARK = "⚠️ {differences}"
BUTTON_RETURN_DIFFERENCES = "按模板差异退回"
REVIEW_NO_DIFFERENCES = "这份材料与模板一致，请用“退回”并写明理由。"
SUBMISSIONS_SHEET_DIFFERENCES = "与模板差异"
