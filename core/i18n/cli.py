"""Strings of one area: The admin command line (manage.py)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # refusals: the fixed text comes first, so a reader (and a test) sees at once what went wrong
    "cli.content_refused": {
        "zh": "内容文件有误：{file}：{problem}",
        "en": "Content file refused: {file}: {problem}",
    },
    "cli.content_refused_at": {
        "zh": "内容文件有误：{file}（位置：{where}）：{problem}",
        "en": "Content file refused: {file} (at {where}): {problem}",
    },
    "cli.db_missing": {
        "zh": "数据库尚未初始化（{url}）：请先运行 python manage.py init",
        "en": "The database is not initialised yet ({url}): run python manage.py init first",
    },
    "cli.db_outdated": {
        "zh": "数据库结构版本过旧（{url}）：请先运行 python manage.py init 升级",
        "en": "The database has an older schema ({url}): run python manage.py init to upgrade it first",
    },
    "cli.db_error": {
        "zh": "无法使用数据库（{url}）：{reason}",
        "en": "Cannot use the database ({url}): {reason}",
    },
    "cli.bad_database_url": {
        "zh": "数据库地址（READINESS_DATABASE_URL）无效：{reason}",
        "en": "Invalid database URL (READINESS_DATABASE_URL): {reason}",
    },
    "cli.bad_settings": {
        "zh": "设置有误（READINESS_* 环境变量或 .env 文件）：{reason}",
        "en": "Invalid settings (READINESS_* environment variables or .env file): {reason}",
    },
    "cli.not_utf8": {
        "zh": "文件不是 UTF-8 编码：{reason}",
        "en": "A file is not UTF-8 text: {reason}",
    },
    "cli.os_error": {
        "zh": "无法读写文件或文件夹 {file}：{reason}",
        "en": "Cannot read or write the file or folder {file}: {reason}",
    },
    "cli.unknown_role": {
        "zh": "未知角色：{role}（可用：{roles}）",
        "en": "Unknown role: {role} (one of: {roles})",
    },
    # results
    "cli.user_created": {"zh": "已创建用户 {username}", "en": "user {username} created"},
    "cli.rebuilt": {
        "zh": "已从事件日志重建 {count} 个备战活动的投影",
        "en": "rebuilt the projections of {count} campaign(s) from the event log",
    },
    "cli.check_ok": {
        "zh": "{count} 个备战活动的投影与事件日志一致",
        "en": "the projections of {count} campaign(s) match the event log",
    },
    "cli.check_differs": {
        "zh": "备战活动 {campaign}：投影与事件日志有 {count} 处不一致",
        "en": "campaign {campaign}: {count} difference(s) between the projections and the event log",
    },
}
