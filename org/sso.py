"""Single sign-on: a person signed in at the company's OIDC provider becomes the local user linked to them.

The identity is one claim of the provider's ID token: `email` by default, or the stable `sub`
(READINESS_SSO_CLAIM). An administrator links it to a local account (`users.oidc_subject`);
an identity nobody linked signs no one in, and a linked user still needs grants to do anything
(org.authz reads them fresh on every request, as for a password sign-in). Identities that look
like email addresses are compared ignoring case; every identity ignores surrounding spaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.errors import AuthError, InvalidInput, NotFound
from org import audit
from org.authz import authorize
from org.models import Actor
from org.sessions import end_user_sessions
from store.db import snapshot
from store.schema import User

EMAIL_CLAIM = "email"
MAX_IDENTITY = 255  # users.oidc_subject


def normalise_identity(value: str) -> str:
    """The stored form of an identity: stripped, and lower case when it is an email address."""
    value = value.strip()
    return value.lower() if "@" in value else value


def identity_from_claims(claims: Mapping[str, object], claim: str) -> str:
    """The identity the provider vouches for, from the configured claim of its ID token.

    Refused (AuthError) when the claim is missing or empty, and, for the email claim, when the
    token says the address is not verified (a provider that says nothing about it is trusted).
    """
    value = claims.get(claim)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise AuthError("error.sso_no_identity", claim=claim)
    identity = normalise_identity(value)
    if claim == EMAIL_CLAIM and _says_false(claims.get("email_verified")):
        raise AuthError("error.sso_email_unverified", identity=identity)
    return identity


def _says_false(flag: object) -> bool:
    # Some providers send the flag as the string "false".
    return flag is False or (isinstance(flag, str) and flag.strip().lower() == "false")


def sso_sign_in(engine: Engine, claims: Mapping[str, object], *, claim: str, now: datetime) -> Actor:
    """The local user linked to the identity in the provider's claims.

    Refused (AuthError) when the claims name no usable identity, when no user is linked to it
    (the message names the identity, for the person to pass on to an administrator), and when
    the linked account is deactivated. Reads only: the caller starts the session. `now` is the
    moment of the sign-in, kept for symmetry with org.accounts.sign_in.
    """
    identity = identity_from_claims(claims, claim)
    with snapshot(engine) as s:
        user = s.scalar(select(User).where(User.oidc_subject == identity))
    if user is None:
        raise AuthError("error.sso_not_linked", identity=identity)
    if not user.is_active:
        raise AuthError("error.account_inactive")
    return Actor(user.id, user.username, user.display_name)


def link_identity(user_id: int, identity: str | None, *, session: Session, actor: Actor, now: datetime) -> str | None:
    """Link a single-sign-on identity to a local user (None or blank: unlink), in the caller's transaction.

    Needs `admin.users` on the organisation. An identity already linked to another user is refused;
    linking what is already linked changes nothing and writes nothing. Changing or removing a link
    ends every session of the user. Grants are not touched: the user needs their own to do anything.
    Returns the identity now linked.
    """
    authorize(actor, "admin.users", None, session=session)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("error.user_not_found", user=user_id)
    new = normalise_identity(identity) if identity and identity.strip() else None
    old = user.oidc_subject
    if new == old:
        return old
    if new is not None:
        if len(new) > MAX_IDENTITY:
            raise InvalidInput("error.sso_identity_too_long", max=MAX_IDENTITY)
        holder = session.scalar(select(User.username).where(User.oidc_subject == new, User.id != user.id))
        if holder is not None:
            raise InvalidInput("error.sso_identity_taken", identity=new, user=holder)
    user.oidc_subject = new
    if old is not None:
        # Whoever signed in through the old identity must not stay signed in as this user.
        end_user_sessions(user.id, "identity_change", session=session, now=now)
    session.flush()
    audit.record(
        "user.sso_link",
        "user",
        user.username,
        before={"sso": old},
        after={"sso": new},
        session=session,
        actor=actor,
        now=now,
    )
    return new
