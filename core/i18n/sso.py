"""Strings of one area: Single sign-on (OIDC through st.login)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # sign-in page
    "sso.heading": {"zh": "公司统一身份认证", "en": "Company single sign-on"},
    "sso.button": {"zh": "使用公司账号登录", "en": "Sign in with the company account"},
    "sso.hint": {
        "zh": "公司账号须先由管理员关联到本系统的用户；也可以继续使用上面的本地账号登录。",
        "en": "An administrator must first link your company account to a PeakReady user; "
        "the local sign-in above still works.",
    },
    # refusals
    "error.sso_no_identity": {
        "zh": "公司账号登录未提供 {claim}，无法确定您是谁。请联系管理员。",
        "en": "The company sign-in did not say who you are (no {claim} in its token). Ask an administrator.",
    },
    "error.sso_email_unverified": {
        "zh": "公司账号的邮箱 {identity} 未经验证，不能用来登录。",
        "en": "The company account's email {identity} is not verified, so it cannot sign you in.",
    },
    "error.sso_not_linked": {
        "zh": "公司账号 {identity} 尚未关联到本系统的用户。请联系管理员关联后再登录，或使用本地账号登录。",
        "en": "The company account {identity} is not linked to a PeakReady user. Ask an administrator to link it, "
        "then sign in again, or sign in with a local account.",
    },
    "error.sso_misconfigured": {
        "zh": "公司账号登录的配置不完整，暂时无法使用。请联系管理员。",
        "en": "Company sign-in is not set up completely and cannot be used now. Ask an administrator.",
    },
    # linking (admin)
    "error.sso_identity_taken": {
        "zh": "公司账号 {identity} 已关联到用户 {user}。",
        "en": "The company account {identity} is already linked to user {user}.",
    },
    "error.sso_identity_too_long": {
        "zh": "公司账号标识过长（最多 {max} 个字符）。",
        "en": "The company account identity is too long (at most {max} characters).",
    },
    "session.ended.identity_change": {
        "zh": "管理员更改了您的公司账号关联，请重新登录。",
        "en": "An administrator changed the company login linked to your account; sign in again.",
    },
}
