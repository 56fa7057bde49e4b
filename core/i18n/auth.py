"""Strings of one area: Signing in, sessions and sign-in throttling."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "error.sign_in_locked": {
        "zh": "登录失败次数过多，已暂时锁定。请 {minutes} 分钟后再试。",
        "en": "Too many failed sign-ins. Try again in {minutes} min.",
    },
}
