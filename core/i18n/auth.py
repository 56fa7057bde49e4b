"""Strings of one area: Signing in, sessions and sign-in throttling, passwords."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "error.sign_in_locked": {
        "zh": "登录失败次数过多，已暂时锁定。请 {minutes} 分钟后再试。",
        "en": "Too many failed sign-ins. Try again in {minutes} min.",
    },
    # password policy and changes
    "error.password_has_username": {
        "zh": "密码不能是用户名，也不能包含用户名。",
        "en": "The password may not be or contain the username.",
    },
    "error.common_password": {
        "zh": "这个密码太常见，容易被猜中，请换一个。",
        "en": "This password is too common and easy to guess; choose another.",
    },
    "error.wrong_current_password": {"zh": "当前密码不正确。", "en": "The current password is wrong."},
    "error.password_unchanged": {
        "zh": "新密码不能与当前密码相同。",
        "en": "The new password must differ from the current one.",
    },
    "error.passwords_differ": {"zh": "两次输入的新密码不一致。", "en": "The two new passwords differ."},
    "error.user_not_found": {"zh": "找不到用户 {user}。", "en": "No user {user}."},
    # sessions
    "session.ended.expired": {
        "zh": "登录已过期，请重新登录。",
        "en": "Your sign-in has expired; sign in again.",
    },
    "session.ended.password_change": {
        "zh": "密码已修改，请用新密码重新登录。",
        "en": "The password was changed; sign in again with the new one.",
    },
    "session.ended.deactivated": {
        "zh": "您的账号已停用，已退出登录。",
        "en": "Your account is deactivated; you have been signed out.",
    },
    "session.ended.sign_out": {
        "zh": "您已在其他窗口退出登录，请重新登录。",
        "en": "You signed out in another window; sign in again.",
    },
    "session.ended.unknown": {
        "zh": "登录已失效，请重新登录。",
        "en": "Your sign-in is no longer valid; sign in again.",
    },
    # change-password page
    "page.change_password": {"zh": "修改密码", "en": "Change password"},
    "pw.must_change": {
        "zh": "首次登录须先修改初始密码，修改后才能使用系统。",
        "en": "Choose a new password before you go on: the initial one must be changed at first sign-in.",
    },
    "pw.current": {"zh": "当前密码", "en": "Current password"},
    "pw.new": {"zh": "新密码", "en": "New password"},
    "pw.confirm": {"zh": "再次输入新密码", "en": "New password again"},
    "pw.rules": {
        "zh": "至少 {min} 个字符，不能包含用户名，不能是常见密码。修改后其他已登录的浏览器都将退出登录。",
        "en": "At least {min} characters, not containing the username, not a common password. "
        "Every other signed-in browser is signed out.",
    },
    "pw.empty": {"zh": "请输入当前密码和新密码。", "en": "Enter the current and the new password."},
    "pw.submit": {"zh": "修改密码", "en": "Change password"},
    "pw.changed": {"zh": "密码已修改。", "en": "Password changed."},
    # command line
    "cli.password_prompt": {"zh": "密码", "en": "Password"},
    "cli.password_confirm": {"zh": "再次输入密码", "en": "Repeat the password"},
    "cli.password_mismatch": {"zh": "两次输入的密码不一致。", "en": "The two passwords differ."},
    "cli.password_missing": {
        "zh": "没有读到密码：请在终端中输入，或通过标准输入提供（一行）。",
        "en": "No password given: type it at the prompt or give it on standard input (one line).",
    },
    "cli.must_change_password": {
        "zh": "管理员 {username} 首次登录时须修改密码。",
        "en": "Administrator {username} must change the password at first sign-in.",
    },
}
