"""Every UI string and error message, in Simplified Chinese and English (one catalogue).

Pure Python: the command line uses it too. `t(key, lang, **params)` fills in
str.format placeholders; a test fails when a key lacks either language.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    # app frame
    "app.title": {"zh": "迎峰备战", "en": "PeakReady"},
    "app.tagline": {"zh": "迎峰度夏、防汛防台与黑启动准备情况，一目了然", "en": "Readiness for the summer peak, flood season and black start, at a glance"},
    "app.language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "app.signed_in_as": {"zh": "当前用户：{name}", "en": "Signed in as {name}"},
    "app.sign_out": {"zh": "退出登录", "en": "Sign out"},
    "page.login": {"zh": "登录", "en": "Sign in"},
    "page.checklist": {"zh": "我的检查表", "en": "My checklist"},
    "page.dashboard": {"zh": "准备度趋势", "en": "Readiness over time"},
    "page.drill_types": {"zh": "演练类型目录", "en": "Drill-type catalogue"},
    # login
    "login.heading": {"zh": "登录迎峰备战", "en": "Sign in to PeakReady"},
    "login.username": {"zh": "用户名", "en": "Username"},
    "login.password": {"zh": "密码", "en": "Password"},
    "login.submit": {"zh": "登录", "en": "Sign in"},
    "login.demo_heading": {"zh": "演示账号", "en": "Demo accounts"},
    "login.demo_hint": {"zh": "这是演示数据库，可使用以下任一账号登录，密码均为 {password}", "en": "This is a demo database: sign in with any account below; the password is {password}"},
    "login.col_user": {"zh": "用户名", "en": "Username"},
    "login.col_role": {"zh": "角色", "en": "Role"},
    "login.col_name": {"zh": "姓名", "en": "Name"},
    "login.col_unit": {"zh": "单位", "en": "Unit"},
    "login.empty_fields": {"zh": "请输入用户名和密码", "en": "Enter a username and a password"},
    "login.no_database": {"zh": "数据库尚未初始化，请先运行 python manage.py init（或 demo）", "en": "The database is not initialised yet: run python manage.py init (or demo) first"},
    # roles and kinds
    "role.unit_lead": {"zh": "单位负责人", "en": "Unit lead"},
    "role.drill_coordinator": {"zh": "演练协调员", "en": "Drill coordinator"},
    "role.executive": {"zh": "公司领导", "en": "Executive"},
    "role.admin": {"zh": "系统管理员", "en": "Administrator"},
    "kind.province": {"zh": "省公司", "en": "Province"},
    "kind.city": {"zh": "地市公司", "en": "City company"},
    "kind.county": {"zh": "县公司", "en": "County company"},
    "kind.department": {"zh": "部门", "en": "Department"},
    "kind.station": {"zh": "变电站", "en": "Substation"},
    "kind.plant": {"zh": "电厂", "en": "Plant"},
    # statuses, criticality, disciplines
    "status.open": {"zh": "未完成", "en": "Open"},
    "status.done": {"zh": "已完成", "en": "Done"},
    "status.na": {"zh": "不适用", "en": "Not applicable"},
    "crit.critical": {"zh": "关键", "en": "Critical"},
    "crit.major": {"zh": "重要", "en": "Major"},
    "crit.normal": {"zh": "一般", "en": "Normal"},
    "disc.dispatch": {"zh": "调度", "en": "Dispatch"},
    "disc.operations": {"zh": "运维检修", "en": "O&M"},
    "disc.construction": {"zh": "基建施工", "en": "Construction"},
    "disc.marketing": {"zh": "营销", "en": "Marketing"},
    "disc.rural_power": {"zh": "农电", "en": "Rural power"},
    "disc.news_logistics": {"zh": "宣传后勤", "en": "News & logistics"},
    "disc.safety_supervision": {"zh": "安全监察", "en": "Safety supervision"},
    "disc.generation": {"zh": "发电", "en": "Generation"},
    "disc.it_comms": {"zh": "信息通信", "en": "IT & comms"},
    "disc.hr_training": {"zh": "人资培训", "en": "HR & training"},
    "disc.management": {"zh": "综合管理", "en": "Management"},
    # checklist page
    "cl.campaign": {"zh": "备战活动", "en": "Campaign"},
    "cl.unit": {"zh": "单位", "en": "Unit"},
    "cl.show": {"zh": "显示", "en": "Show"},
    "cl.show_all": {"zh": "全部", "en": "All"},
    "cl.show_open": {"zh": "未完成", "en": "Open"},
    "cl.show_overdue": {"zh": "已逾期", "en": "Overdue"},
    "cl.no_campaign": {"zh": "目前没有进行中的备战活动。管理员可用 python manage.py demo 创建演示活动。", "en": "No campaign is open. An administrator can create the demo one with python manage.py demo."},
    "cl.no_units": {"zh": "该活动还没有参与单位。", "en": "No unit takes part in this campaign yet."},
    "cl.readiness": {"zh": "准备度（加权）", "en": "Readiness (weighted)"},
    "cl.done_count": {"zh": "已完成 / 适用", "en": "Done / applicable"},
    "cl.overdue_count": {"zh": "逾期未完成", "en": "Overdue"},
    "cl.days_to_peak": {"zh": "距高峰开始", "en": "Days to peak start"},
    "cl.days": {"zh": "{n} 天", "en": "{n} days"},
    "cl.sections": {"zh": "各分项进度", "en": "Progress per section"},
    "cl.col_section": {"zh": "分项", "en": "Section"},
    "cl.col_done": {"zh": "已完成", "en": "Done"},
    "cl.col_applicable": {"zh": "适用项", "en": "Applicable"},
    "cl.col_progress": {"zh": "进度", "en": "Progress"},
    "cl.due": {"zh": "截止 {date}", "en": "due {date}"},
    "cl.overdue": {"zh": "已逾期", "en": "overdue"},
    "cl.evidence": {"zh": "佐证：{text}", "en": "Evidence: {text}"},
    "cl.sources": {"zh": "依据：{ids}", "en": "Carries out: {ids}"},
    "cl.last_change": {"zh": "{who} 于 {when}", "en": "{who} at {when}"},
    "cl.na_reason": {"zh": "不适用原因：{text}", "en": "Reason not applicable: {text}"},
    "cl.note": {"zh": "备注：{text}", "en": "Note: {text}"},
    "cl.btn_done": {"zh": "完成", "en": "Done"},
    "cl.btn_na": {"zh": "不适用", "en": "N/A"},
    "cl.btn_reopen": {"zh": "重新打开", "en": "Reopen"},
    "cl.btn_note": {"zh": "备注", "en": "Note"},
    "cl.na_form_title": {"zh": "标记为不适用：{item}", "en": "Mark not applicable: {item}"},
    "cl.note_form_title": {"zh": "添加备注：{item}", "en": "Add a note: {item}"},
    "cl.reason": {"zh": "原因（必填）", "en": "Reason (required)"},
    "cl.note_text": {"zh": "备注内容", "en": "Note"},
    "cl.confirm": {"zh": "确认", "en": "Confirm"},
    "cl.cancel": {"zh": "取消", "en": "Cancel"},
    "cl.saved_done": {"zh": "已标记完成：{item}", "en": "Marked done: {item}"},
    "cl.saved_na": {"zh": "已标记不适用：{item}", "en": "Marked not applicable: {item}"},
    "cl.saved_reopen": {"zh": "已重新打开：{item}", "en": "Reopened: {item}"},
    "cl.saved_note": {"zh": "已添加备注：{item}", "en": "Note added: {item}"},
    "cl.history": {"zh": "变更记录", "en": "History"},
    "cl.history_empty": {"zh": "该条目尚无变更记录。", "en": "No change has been made to this item yet."},
    "cl.col_when": {"zh": "时间", "en": "When"},
    "cl.col_who": {"zh": "操作人", "en": "Who"},
    "cl.col_action": {"zh": "操作", "en": "Action"},
    "cl.col_status": {"zh": "状态变化", "en": "Status"},
    "cl.col_text": {"zh": "原因/备注", "en": "Reason / note"},
    "cl.nothing_to_show": {"zh": "没有符合筛选条件的条目。", "en": "No item matches this filter."},
    # dashboard
    "db.unit": {"zh": "单位（含下属）", "en": "Unit (with its sub-units)"},
    "db.as_of": {"zh": "截至日期", "en": "As of"},
    "db.readiness_now": {"zh": "准备度", "en": "Readiness"},
    "db.peak_start": {"zh": "高峰开始", "en": "Peak start"},
    "db.today": {"zh": "今天", "en": "Today"},
    "db.chart_title": {"zh": "{unit} 准备度趋势", "en": "Readiness of {unit} over time"},
    "db.y_label": {"zh": "准备度", "en": "Readiness"},
    "db.children": {"zh": "下一级单位准备度", "en": "Readiness one level down"},
    "db.drill_to": {"zh": "下钻到", "en": "Drill down to"},
    "db.col_unit": {"zh": "单位", "en": "Unit"},
    "db.col_kind": {"zh": "类型", "en": "Kind"},
    "db.col_readiness": {"zh": "准备度", "en": "Readiness"},
    "db.col_done": {"zh": "已完成权重", "en": "Done weight"},
    "db.col_applicable": {"zh": "适用权重", "en": "Applicable weight"},
    "db.no_children": {"zh": "该单位没有参与活动的下级单位。", "en": "This unit has no sub-units in the campaign."},
    "db.change": {"zh": "较 7 天前 {delta}", "en": "{delta} vs 7 days ago"},
    # drill catalogue
    "dt.intro": {"zh": "各类应急演练的依据、形式、频次与目标。演练计划与复盘将在此基础上开展。", "en": "What each kind of emergency drill carries out, its forms, frequency and objectives. Drill planning and reviews build on this catalogue."},
    "dt.sources": {"zh": "依据指令", "en": "Carries out"},
    "dt.forms": {"zh": "形式", "en": "Forms"},
    "dt.frequency": {"zh": "频次：每单位至少每 {n} 个月一次", "en": "Frequency: each unit at least every {n} months"},
    "dt.duration": {"zh": "典型时长：{h} 小时", "en": "Typical duration: {h} hours"},
    "dt.disciplines": {"zh": "参与专业", "en": "Disciplines"},
    "dt.objectives": {"zh": "默认演练目标", "en": "Default objectives"},
    "scope.comprehensive": {"zh": "综合演练", "en": "Comprehensive"},
    "scope.single_subject": {"zh": "专项演练", "en": "Single-subject"},
    "mode.live": {"zh": "实战", "en": "Live"},
    "mode.tabletop": {"zh": "桌面推演", "en": "Tabletop"},
    "dt.empty": {"zh": "尚未加载演练类型，请运行 python manage.py init。", "en": "No drill types loaded yet: run python manage.py init."},
    # errors (domain error codes)
    "error.generic": {"zh": "操作未能完成。", "en": "The action could not be completed."},
    "error.not_found": {"zh": "未找到对象。", "en": "Not found."},
    "error.invalid_input": {"zh": "输入有误。", "en": "Invalid input."},
    "error.bad_login": {"zh": "用户名或密码不正确。", "en": "Wrong username or password."},
    "error.bad_username": {"zh": "用户名不能为空、不能含空格，且不超过 64 个字符。", "en": "A username must be non-empty, without spaces, at most 64 characters."},
    "error.short_password": {"zh": "密码至少需要 {min} 个字符。", "en": "The password needs at least {min} characters."},
    "error.user_exists": {"zh": "用户 {username} 已存在。", "en": "User {username} already exists."},
    "error.unit_not_found": {"zh": "未找到单位：{code}", "en": "Unit not found: {code}"},
    "error.template_not_found": {"zh": "未找到模板：{template}", "en": "Template not found: {template}"},
    "error.template_frozen": {"zh": "模板 {template} 第 {version} 版已被备战活动使用，不能修改；请提高版本号。", "en": "Template {template} version {version} is pinned by a campaign and cannot change: raise its version."},
    "error.campaign_not_found": {"zh": "未找到备战活动：{campaign}", "en": "Campaign not found: {campaign}"},
    "error.campaign_exists": {"zh": "备战活动“{name}”已存在。", "en": "A campaign named “{name}” already exists."},
    "error.campaign_name_required": {"zh": "请填写活动名称。", "en": "Enter a campaign name."},
    "error.campaign_closed": {"zh": "该备战活动已关闭，不能再修改。", "en": "This campaign is closed; it can no longer be changed."},
    "error.peak_before_start": {"zh": "高峰开始日期（{peak}）必须晚于活动开始日期（{start}）。", "en": "The peak start ({peak}) must come after the campaign start ({start})."},
    "error.no_units": {"zh": "请至少选择一个单位。", "en": "Choose at least one unit."},
    "error.item_not_found": {"zh": "该单位的检查表中没有这个条目。", "en": "This item is not on the unit's checklist."},
    "error.unknown_action": {"zh": "未知操作：{action}", "en": "Unknown action: {action}"},
    "error.reason_required": {"zh": "标记为不适用时必须填写原因。", "en": "A reason is required to mark an item not applicable."},
    "error.note_required": {"zh": "备注内容不能为空。", "en": "The note is empty."},
    "error.text_too_long": {"zh": "文字过长（最多 {max} 个字符）。", "en": "The text is too long (at most {max} characters)."},
    "error.invalid_transition": {"zh": "当前状态为“{status}”，不能执行“{action}”。", "en": "An item that is “{status}” cannot be given “{action}”."},
    "error.stale_write": {"zh": "该条目已被 {who} 于 {when} 修改（现为“{status}”），页面已刷新，请确认后重试。", "en": "{who} changed this item at {when} (it is now “{status}”); the page is refreshed, check and try again."},
}


def t(key: str, lang: str, /, **params: object) -> str:
    """The text for `key` in `lang`, placeholders filled; status/action codes in params are translated."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("zh") or key
    for name in ("status", "action"):
        value = params.get(name)
        if isinstance(value, str):
            label = STRINGS.get(f"{name}.{value}") or STRINGS.get(f"cl.btn_{value}")
            if label:
                params[name] = label.get(lang, value)
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
