"""Strings of backup and restore (manage.py backup / restore, admin/backup.py): the outcome lines and every
refusal, each saying that nothing was changed where that is so."""

STRINGS: dict[str, dict[str, str]] = {
    # outcomes (one line each)
    "backup.written": {
        "zh": "已写入备份 {file}：{tables} 张表共 {rows} 行，{files} 个佐证文件，数据库结构版本 {revision}，{passwords}",
        "en": "Backup written to {file}: {rows} rows in {tables} tables, {files} evidence file(s), schema revision "
              "{revision}, {passwords}",
    },
    "backup.with_passwords": {"zh": "含密码哈希（请妥善保管此文件）",
                              "en": "password hashes included (keep this file safe)"},
    "backup.without_passwords": {"zh": "不含密码哈希", "en": "no password hashes"},
    "backup.restored": {
        "zh": "已从 {file} 恢复：{tables} 张表共 {rows} 行，{files} 个佐证文件",
        "en": "Restored from {file}: {rows} rows in {tables} tables, {files} evidence file(s)",
    },
    "backup.restored_locked": {
        "zh": "已从 {file} 恢复：{tables} 张表共 {rows} 行，{files} 个佐证文件；备份不含密码，{locked} 个账号须由管理员"
              "重置密码后才能登录",
        "en": "Restored from {file}: {rows} rows in {tables} tables, {files} evidence file(s); the backup has no "
              "passwords, so {locked} account(s) sign in only after an administrator resets their password",
    },
    # refusals of a backup file (nothing is changed)
    "backup.not_a_backup": {
        "zh": "{file} 不是迎峰备战的备份文件（{reason}），未作任何更改",
        "en": "{file} is not a PeakReady backup ({reason}); nothing was changed",
    },
    "backup.format_version": {
        "zh": "备份文件 {file} 的格式版本是 {found}，本程序只能读取版本 {expected}，未作任何更改",
        "en": "The backup {file} is in format version {found}; this program reads version {expected} only; "
              "nothing was changed",
    },
    "backup.wrong_revision": {
        "zh": "备份文件 {file} 来自数据库结构版本 {found}，本程序的结构版本是 {expected}：请用生成该备份的同一版本程序恢复，"
              "未作任何更改",
        "en": "The backup {file} was made at schema revision {found}, and this program's schema is at {expected}: "
              "restore it with the version of the program that made it; nothing was changed",
    },
    "backup.corrupted": {
        "zh": "备份文件 {file} 已损坏或被改动（{member}：{reason}），未作任何更改",
        "en": "The backup {file} is damaged or was altered ({member}: {reason}); nothing was changed",
    },
    "backup.why.missing": {"zh": "文件中缺少这一部分", "en": "this part is missing from the file"},
    "backup.why.unlisted": {"zh": "清单中没有这一部分", "en": "this part is not in the manifest"},
    "backup.why.tables": {"zh": "表与本程序的数据库结构不符", "en": "the tables are not this schema's"},
    "backup.why.columns": {"zh": "列与本程序的数据库结构不符", "en": "the columns are not this schema's"},
    "backup.why.file_name": {"zh": "文件名与其 SHA-256 不符", "en": "its name is not its SHA-256"},
    "backup.why.size": {"zh": "大小与清单记录不符", "en": "its size differs from the manifest's"},
    "backup.why.hash": {"zh": "SHA-256 校验值与清单记录不符", "en": "its SHA-256 differs from the manifest's"},
    "backup.why.damaged": {"zh": "压缩数据已损坏", "en": "its compressed data is damaged"},
    "backup.why.rows": {"zh": "有 {found} 行，清单记录为 {listed} 行",
                        "en": "{found} rows where the manifest lists {listed}"},
    "backup.why.bad_row": {"zh": "这一行无法读取：{detail}", "en": "this row cannot be read: {detail}"},
    "backup.why.no_file": {"zh": "所指的佐证文件不在备份中", "en": "the evidence file it names is not in the backup"},
    # refusals of the target database (nothing is changed)
    "backup.not_empty": {
        "zh": "目标数据库不是空的（{table} 表已有 {count} 行）：只能恢复到新建的空数据库（不要先运行 init），未作任何更改",
        "en": "The target database is not empty ({table} holds {count} row(s)): a backup is restored into a new, "
              "empty database only (do not run init first); nothing was changed",
    },
    "backup.target_revision": {
        "zh": "目标数据库的结构版本 {found} 无法升级到备份的 {expected}（{reason}），未写入任何数据",
        "en": "The target database's schema revision {found} cannot be brought to the backup's {expected} "
              "({reason}); no data was written",
    },
    "backup.evidence_dir_needed": {
        "zh": "备份中有 {count} 个佐证文件原存放在佐证文件夹中：请先设置 READINESS_EVIDENCE_DIR，未作任何更改",
        "en": "The backup has {count} evidence file(s) that were kept in an evidence directory: set "
              "READINESS_EVIDENCE_DIR first; nothing was changed",
    },
    "backup.insert_failed": {
        "zh": "无法写入 {table} 表的数据（{reason}），已全部撤销",
        "en": "The rows of {table} could not be written ({reason}); everything was rolled back",
    },
    # refusal of a backup (no file is written)
    "backup.evidence_unreadable": {
        "zh": "佐证文件“{name}”（编号 {id}）无法读取或与记录的 SHA-256 不符（{where}）：未写入备份",
        "en": "The evidence file “{name}” (id {id}) cannot be read or no longer matches its recorded SHA-256 "
              "({where}): no backup was written",
    },
}
