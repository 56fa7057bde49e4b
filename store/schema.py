"""The whole PeakReady data model in one file.

Reading order: content (directives, templates, drill types) → organisation and
people → campaigns → the checklist event log and the projections kept from it.
The event log is the source of truth; `checklist_status` and `readiness_daily`
are projections written in the same transaction as each event and can be rebuilt
from the log at any time (checklists.rebuild). `change_counter` is bumped by every
writing transaction, so the pages' caches know exactly when anything changed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false, true

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES = ("open", "done", "na")
ACTIONS = ("done", "na", "reopen", "note", "evidence")
EVIDENCE_STORAGE = ("db", "dir")
CRITICALITY_WEIGHT = {"critical": 3, "major": 2, "normal": 1}
ROLES = ("unit_member", "unit_lead", "drill_coordinator", "executive", "admin")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


UtcDateTime = DateTime(timezone=True)


# ── Content, loaded from seeds/ ──────────────────────────────────────────────


class AppMeta(Base):
    """Small key/value facts about this database (e.g. that it holds demo data)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChangeCounter(Base):
    """A single row bumped in the same transaction as every write (store.db.transaction):
    page caches are keyed on it, which is exact even when PostgreSQL commits ids out of order."""

    __tablename__ = "change_counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Directive(Base):
    """A directive of the safety-meeting speeches, by its stable ID (S1.1a …)."""

    __tablename__ = "directives"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tags: Mapped[str] = mapped_column(String(8))  # "C", "CD", "R"
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)


class Template(Base):
    """One frozen version of a checklist template; campaigns pin a row of this table."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    counts_from: Mapped[str | None] = mapped_column(String(32))  # NULL: the peak start; "flood_season"


class TemplateSection(Base):
    __tablename__ = "template_sections"
    __table_args__ = (UniqueConstraint("template_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)


class TemplateItem(Base):
    """A checkable item of a template version, citing the directives it carries out."""

    __tablename__ = "template_items"
    __table_args__ = (
        UniqueConstraint("template_id", "key"),
        CheckConstraint("criticality IN ('critical','major','normal')", name="criticality"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("template_sections.id"))
    key: Mapped[str] = mapped_column(String(96))
    position: Mapped[int] = mapped_column(Integer)
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[str]] = mapped_column(JSON)
    criticality: Mapped[str] = mapped_column(String(16))
    weight: Mapped[int] = mapped_column(Integer)
    discipline: Mapped[str] = mapped_column(String(32))
    # One due rule (content.models.Item): days before the peak (a one-off item), a period (recurs:
    # weekly/monthly/quarterly within the peak or the whole season), or the events that trigger it.
    # due_days_before_peak is 0 and unused for recurring and triggered items (kept NOT NULL: making it
    # nullable would rebuild this table on SQLite, which the log's foreign keys refuse in a migration).
    due_days_before_peak: Mapped[int] = mapped_column(Integer)
    recurs: Mapped[str | None] = mapped_column(String(16))
    recurs_within: Mapped[str | None] = mapped_column(String(16))  # "peak" or "season" (recurring items)
    trigger_events: Mapped[list[str] | None] = mapped_column(JSON)  # e.g. ["typhoon", "rainstorm"]
    trigger_when: Mapped[str | None] = mapped_column(String(8))  # before / during / after the event
    trigger_hours: Mapped[int | None] = mapped_column(Integer)
    evidence_zh: Mapped[str] = mapped_column(Text)
    evidence_en: Mapped[str] = mapped_column(Text)
    # The unit kinds and department functions the item applies to (content.models.applies); NULL: all.
    applies_to: Mapped[list[str] | None] = mapped_column(JSON)
    functions: Mapped[list[str] | None] = mapped_column(JSON)
    # Ticked done only with a file attached (evidence_files), or with a written reason a lead accepts.
    requires_evidence: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DrillType(Base):
    """A kind of emergency exercise: the plan it exercises, its forms, how often each unit must hold one,
    and the defaults (scenario, injects, roles, outside parties, safety plan) a drill of it starts from."""

    __tablename__ = "drill_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[str]] = mapped_column(JSON)
    plan_level: Mapped[str] = mapped_column(String(16))  # comprehensive / special / onsite
    forms: Mapped[list[str]] = mapped_column(JSON)  # tabletop / functional / full_scale
    unannounced_allowed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    frequency_months: Mapped[int] = mapped_column(Integer)
    typical_duration_hours: Mapped[float] = mapped_column()
    disciplines: Mapped[list[str]] = mapped_column(JSON)
    # [{key, text_zh, text_en, live_only, criteria_zh, criteria_en}]
    objectives: Mapped[list[dict]] = mapped_column(JSON)
    scenario_zh: Mapped[str] = mapped_column(Text, default="", server_default="")
    scenario_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    injects: Mapped[list[dict]] = mapped_column(JSON)  # [{key, minute, text_zh, text_en}] in time order
    roles: Mapped[list[str]] = mapped_column(JSON)  # controller, evaluator, safety_officer …
    external_participants: Mapped[list[str]] = mapped_column(JSON)  # government, fire_brigade_119 …
    safety_plan_zh: Mapped[str] = mapped_column(Text, default="", server_default="")  # "" unless live
    safety_plan_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (CheckConstraint("plan_level IN ('comprehensive','special','onsite')", name="plan_level"),)


class DrillRule(Base):
    """A drill the rules require of some kinds of unit: which drills count (types or plan levels, in
    which forms), whether one counts for all or each plan needs its own, and how often."""

    __tablename__ = "drill_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(Integer)  # order in the seed file
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[str]] = mapped_column(JSON)
    drill_types: Mapped[list[str]] = mapped_column(JSON)  # drill-type keys; [] when plan levels say it
    plan_levels: Mapped[list[str]] = mapped_column(JSON)
    forms: Mapped[list[str]] = mapped_column(JSON)  # [] = any form
    counts: Mapped[str] = mapped_column(String(8))  # any / each
    interval_months: Mapped[int] = mapped_column(Integer)
    per_shift: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    before_peak: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    only_where_planned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # no plan: not owed
    applies_to: Mapped[list[str]] = mapped_column(JSON)  # unit kinds
    content_hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (CheckConstraint("counts IN ('any','each')", name="counts"),)


# ── Organisation and people ──────────────────────────────────────────────────


class OrgUnit(Base):
    """A unit in the hierarchy province → city → county/department/station/plant.

    `path` is the materialised path of ids ("/1/4/17/"), so a sub-tree is one
    `path LIKE '/1/4/%'` away; roll-ups and grants on a sub-tree use it.
    """

    __tablename__ = "org_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    function: Mapped[str | None] = mapped_column(String(32))  # what a department does (a discipline)
    path: Mapped[str] = mapped_column(String(512), index=True)
    depth: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # deactivated, never deleted


class UnitShift(Base):
    """A shift (值) of a dispatch centre: the rules require some drills of each shift, not only of the
    centre. Deactivated, never deleted (held drills keep naming it)."""

    __tablename__ = "unit_shifts"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The identity of a single-sign-on (OIDC) login mapped to this local user, if any.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), index=True, unique=True)


class RoleGrant(Base):
    """A role on a unit and (by default) its whole sub-tree; unit NULL = the whole organisation."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    include_subtree: Mapped[bool] = mapped_column(Boolean, default=True)


class SignInThrottle(Base):
    """Recent failed sign-ins of one account name or one client address, and its lock.

    In the database, so every app server sees the same locks. An attempt counts as failed
    from the moment it is tried until its password proves right, so guesses checked in
    parallel count too. `failures` counts within the window that began at
    `window_started_at`; `lock_level` counts the locks in a row, each twice as long as the
    last (org.accounts.THROTTLE). A row quiet for a whole window is forgotten.
    """

    __tablename__ = "sign_in_throttle"
    __table_args__ = (CheckConstraint("scope IN ('account','client')", name="scope"),)
    scope: Mapped[str] = mapped_column(String(8), primary_key=True)  # "account" or "client"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)  # the username or the address
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lock_level: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UserSession(Base):
    """A signed-in browser: the cookie holds a random token, only its SHA-256 is stored here.

    Valid while not revoked, used within the idle expiry (`last_seen_at`) and before
    `expires_at` (the absolute expiry). Revoked on sign-out, password change and deactivation.
    """

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class AdminAuditEvent(Base):
    """One administrative change (users, grants, units, campaigns, templates): who, when, what,
    before → after. Append-only like the checklist log (a database trigger refuses UPDATE/DELETE)."""

    __tablename__ = "admin_audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the command line
    actor_label: Mapped[str] = mapped_column(String(128))  # who, as shown (kept if the user is renamed)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    action: Mapped[str] = mapped_column(String(64))  # e.g. user.create, grant.revoke, unit.move
    target_kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


# ── Campaigns ────────────────────────────────────────────────────────────────

# The shape of a campaign's target trajectory, from 0 % on its start to 100 % on its peak start
# (readiness.outlook draws it): a straight line, most of the work early, most of it late, or an S.
TARGET_SHAPES = ("linear", "front_loaded", "back_loaded", "s_curve")


class Campaign(Base):
    """A season ("2027 迎峰度夏") for a set of units: the template versions it runs (campaign_templates),
    its start, the day the peak starts and, once set, the day it ends; the shape of its target trajectory."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("target_shape IN ('linear','front_loaded','back_loaded','s_curve')", name="target_shape"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id"))  # the first of campaign_templates
    starts_on: Mapped[date] = mapped_column(Date)
    peak_start: Mapped[date] = mapped_column(Date)
    peak_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    target_shape: Mapped[str] = mapped_column(String(16), default="linear", server_default="linear")


class CampaignTemplate(Base):
    """A template version a campaign runs, in the order the campaign lists them."""

    __tablename__ = "campaign_templates"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    # The day the template's due days count back from (typhoon-flood: the flood season's start); NULL: the peak start.
    anchor_on: Mapped[date | None] = mapped_column(Date)


class Obligation(Base):
    """One occurrence of an item a unit must do in a campaign, kept as it was decided. Source data,
    not a projection: the rebuild takes the set of obligations from here.

    - a one-off item: occurrence "" (decided when the unit joins; due from the template's rule);
    - a recurring item: one per period of its window, occurrence "2027-W27", "2027-07" or "2027-Q3",
      due at the end of the period's last day;
    - an event-triggered item: one per event declared for the unit, occurrence "E<event id>", due
      relative to the event (NULL for an "after" item while the event's end is not known).
    """

    __tablename__ = "obligations"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("template_items.id"), primary_key=True)
    occurrence: Mapped[str] = mapped_column(String(32), primary_key=True, default="", server_default="")
    created_on: Mapped[date] = mapped_column(Date)  # one-off: its weight counts in the unit's total from this day
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # recurring and triggered occurrences
    event_id: Mapped[int | None] = mapped_column(ForeignKey("season_events.id"), index=True)


class SeasonEvent(Base):
    """A heat wave, typhoon or rainstorm warning, or orderly-power-use order that dispatch declares
    for some units (season_event_units): the items it triggers become their obligations."""

    __tablename__ = "season_events"
    __table_args__ = (
        CheckConstraint("kind IN ('heat_wave','typhoon','rainstorm','orderly_power')", name="kind"),
        CheckConstraint("status IN ('open','closed')", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str | None] = mapped_column(String(16))  # warning level: blue / yellow / orange / red
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    landfall_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # a typhoon's expected landfall
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(8), default="open")
    declared_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the command line
    declared_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SeasonEventUnit(Base):
    __tablename__ = "season_event_units"
    event_id: Mapped[int] = mapped_column(ForeignKey("season_events.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)


class CampaignUnit(Base):
    __tablename__ = "campaign_units"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    joined_on: Mapped[date] = mapped_column(Date)  # its total weight counts from this day


# ── The checklist event log (append-only) and its projections ────────────────


class EvidenceFile(Base):
    """A file attached to one occurrence of an item of one unit as proof (a photo, a PDF, a spreadsheet,
    a Word file). Never updated or deleted (database triggers refuse both, see migration 0008); each
    attachment is also an 'evidence' event of the log carrying the file's SHA-256.

    `content_type` is the type judged from the content (checklists.evidence.sniff), never from the name;
    `file_name` is as uploaded and shown as plain text only. The bytes are in `data` (storage "db") or in
    the configured evidence directory under their SHA-256 (storage "dir", `data` NULL).
    """

    __tablename__ = "evidence_files"
    __table_args__ = (
        CheckConstraint("storage IN ('db','dir')", name="storage"),
        Index("ix_evidence_files_item", "campaign_id", "unit_id", "item_id", "occurrence"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("template_items.id"))
    occurrence: Mapped[str] = mapped_column(String(32), default="", server_default="")  # see Obligation
    file_name: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage: Mapped[str] = mapped_column(String(8))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary)  # photos: a JPEG of at most 320 px
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ChecklistEvent(Base):
    """One change to one item of one unit in one campaign. Never updated or deleted
    (a database trigger refuses both, see the first migration)."""

    __tablename__ = "checklist_events"
    __table_args__ = (
        CheckConstraint("action IN ('done','na','reopen','note','evidence')", name="action"),
        Index("ix_checklist_events_item", "campaign_id", "unit_id", "item_id", "occurrence", "id"),
        # Each version of an occurrence's state has at most one successor: two writers that both saw
        # version n cannot both append, whatever the service does.
        Index("ux_checklist_events_successor", "campaign_id", "unit_id", "item_id", "occurrence", "prev_version",
              unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("template_items.id"))
    occurrence: Mapped[str] = mapped_column(String(32), default="", server_default="")  # see Obligation
    action: Mapped[str] = mapped_column(String(16))
    status_before: Mapped[str] = mapped_column(String(8))
    status_after: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text, default="")  # N/A reason or note
    prev_version: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    day: Mapped[date] = mapped_column(Date)  # local calendar day of occurred_at
    # An 'evidence' event: the file attached and its SHA-256 at that moment (a file replaced later shows).
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_files.id"))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    # A 'done' of an item requiring evidence that had no file: a lead accepted the written reason (`text`).
    evidence_waived: Mapped[bool | None] = mapped_column(Boolean)


class ChecklistStatus(Base):
    """Current state of each obligation (item occurrence) of each unit: the projection of the log, with a version."""

    __tablename__ = "checklist_status"
    __table_args__ = (CheckConstraint("status IN ('open','done','na')", name="status"),)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("template_items.id"), primary_key=True)
    occurrence: Mapped[str] = mapped_column(String(32), primary_key=True, default="", server_default="")
    status: Mapped[str] = mapped_column(String(8), default="open")
    version: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    na_reason: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReadinessDaily(Base):
    """Per unit and day, the change in done / not-applicable / total weight of its one-off obligations
    (pre-peak readiness; recurring and triggered occurrences count in the on-time rate instead).

    Readiness of a unit (or sub-tree) as of a day is then one SUM over rows up to
    that day: done / (total − na). Written with each event; rebuildable from the log.
    """

    __tablename__ = "readiness_daily"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    done_delta: Mapped[int] = mapped_column(Integer, default=0)
    na_delta: Mapped[int] = mapped_column(Integer, default=0)
    total_delta: Mapped[int] = mapped_column(Integer, default=0)


# ── Drills: the plans they exercise, the drills, who takes part and the drill log ───────────────────
#
# A drill's row holds its current state (with a version, as checklist_status does); every change to it,
# every inject released and every response is also appended to drill_log, which is never updated or
# deleted. Required-drill status comes from drill_units / drill_people rows marked attended, i.e. from
# drills actually held, never from drills merely planned.

DRILL_STATUSES = ("planned", "ready", "conducted", "reviewed", "cancelled")
DRILL_FORMS = ("tabletop", "functional", "full_scale")
PLAN_LEVELS = ("comprehensive", "special", "onsite")
DRILL_ROLES = ("controller", "evaluator", "safety_officer", "participant")


class EmergencyPlan(Base):
    """One of a unit's emergency plans (预案): comprehensive, special or on-site response, with its dates.
    The rules run against this inventory: a plan with no drill inside its required interval is flagged."""

    __tablename__ = "emergency_plans"
    __table_args__ = (
        CheckConstraint("level IN ('comprehensive','special','onsite')", name="level"),
        UniqueConstraint("unit_id", "code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # the unit's own reference, e.g. "XC-07"
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))
    drill_type_id: Mapped[int | None] = mapped_column(ForeignKey("drill_types.id"))  # the drills that exercise it
    issued_on: Mapped[date] = mapped_column(Date)
    revised_on: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # withdrawn, never deleted


class Drill(Base):
    """An emergency exercise: what it exercises and how, when and where (times in UTC, shown in
    Asia/Shanghai), who leads it, and where it stands: planned → ready → conducted → reviewed, or
    cancelled with a reason. Type, objectives and injects start from the drill type's defaults."""

    __tablename__ = "drills"
    __table_args__ = (
        CheckConstraint("status IN ('planned','ready','conducted','reviewed','cancelled')", name="status"),
        CheckConstraint("form IN ('tabletop','functional','full_scale')", name="form"),
        CheckConstraint("plan_level IN ('comprehensive','special','onsite')", name="plan_level"),
        CheckConstraint("ends_at > starts_at", name="time_order"),
        Index("ix_drills_time", "starts_at", "ends_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    drill_type_id: Mapped[int] = mapped_column(ForeignKey("drill_types.id"))
    emergency_plan_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_plans.id"))
    plan_level: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(String(16))
    unannounced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    title: Mapped[str] = mapped_column(Text)
    scenario: Mapped[str] = mapped_column(Text, default="", server_default="")
    objectives: Mapped[list[dict]] = mapped_column(JSON)  # as the drill type's, possibly edited
    injects: Mapped[list[dict]] = mapped_column(JSON)  # [{key, minute, text_zh, text_en}], the scenario timeline
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    location: Mapped[str] = mapped_column(Text, default="", server_default="")
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock: a stale move is refused
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: an import from the command line
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DrillUnit(Base):
    """A unit taking part in a drill; `attended` is recorded when the drill is conducted."""

    __tablename__ = "drill_units"
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True, index=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)


class DrillShift(Base):
    """A shift of a participating dispatch centre taking part in a drill; `attended` as for units."""

    __tablename__ = "drill_shifts"
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("unit_shifts.id"), primary_key=True, index=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)


class DrillPerson(Base):
    """A person with a role in a drill (the coordinator is on the drill itself); `attended` as above."""

    __tablename__ = "drill_people"
    __table_args__ = (
        CheckConstraint("role IN ('controller','evaluator','safety_officer','participant')", name="role"),
    )
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)


class DrillLogEntry(Base):
    """The drill's log, append-only (triggers refuse updates and deletes): planned, changed, moved,
    status changes, each inject released and each response during the drill, evaluations."""

    __tablename__ = "drill_log"
    __table_args__ = (Index("ix_drill_log_drill", "drill_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"))
    kind: Mapped[str] = mapped_column(String(16))  # planned / changed / moved / status / inject / response / …
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    data: Mapped[dict] = mapped_column(JSON)  # what changed: before and after, the inject's key …
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the command line
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)


# ── After the drill: evaluation per objective, the after-action report, corrective actions ─────────
#
# An evaluation and the report are current-state rows (each save is also appended to drill_log, with
# what it replaced). A corrective action is an obligation of its owner unit in a season: the season's
# checklist carries it as an item occurrence "A<action id>" of the system item for its criticality
# (drills.review.CORRECTIVE_TEMPLATE), so ticking it, its evidence, its log and its weight in readiness
# are those of any other item; it is closed when that occurrence is ticked done with evidence.

EVALUATION_RATINGS = ("P", "S", "M", "U")  # performed without / with some / with major challenges; unable
# Where a corrective action comes from: a drill's review, or a hazard found in a safety inspection (隐患).
FINDING_SOURCES = ("drill", "inspection")
# The hazard register's categories (隐患类别): what kind of hazard a finding is.
HAZARD_CATEGORIES = ("equipment", "fire", "flood_typhoon", "cable", "dispatch", "cyber", "personal_safety", "supply",
                     "other")


class DrillEvaluation(Base):
    """How one objective of a held drill was performed, as its evaluator rated it, with the strengths
    seen and the areas for improvement."""

    __tablename__ = "drill_evaluations"
    __table_args__ = (CheckConstraint("rating IN ('P','S','M','U')", name="rating"),)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), primary_key=True)
    objective_key: Mapped[str] = mapped_column(String(96), primary_key=True)
    rating: Mapped[str] = mapped_column(String(1))
    strengths: Mapped[str] = mapped_column(Text, default="", server_default="")
    improvements: Mapped[str] = mapped_column(Text, default="", server_default="")  # areas for improvement
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AfterActionReport(Base):
    """A held drill's after-action report: its summary, due within a set number of days of the drill
    (Settings.aar_due_days), a draft until it is issued; issuing it marks the drill reviewed. Its
    improvement plan is the drill's corrective actions."""

    __tablename__ = "after_action_reports"
    __table_args__ = (CheckConstraint("status IN ('draft','issued')", name="status"),)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), primary_key=True)
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    written_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CorrectiveAction(Base):
    """A finding turned into work for one unit: an area for improvement a drill showed, or a hazard found in
    a safety inspection (then without a drill). What to do, by when, its hazard category, the day it was
    found, and the directive or checklist item it concerns. Never deleted; its state is its checklist
    occurrence's. The hazard register (drills.findings) lists those still open."""

    __tablename__ = "corrective_actions"
    __table_args__ = (
        Index("ix_corrective_actions_owner", "campaign_id", "unit_id"),
        CheckConstraint("source IN ('drill','inspection')", name="source"),
        CheckConstraint("(source = 'drill' AND drill_id IS NOT NULL) OR (source <> 'drill' AND drill_id IS NULL)",
                        name="drill_source"),
        CheckConstraint("category IN ('equipment','fire','flood_typhoon','cable','dispatch','cyber',"
                        "'personal_safety','supply','other')", name="category"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16), default="drill")  # FINDING_SOURCES
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drills.id"), index=True)  # NULL: an inspection's
    objective_key: Mapped[str | None] = mapped_column(String(96))  # the evaluated objective it came from
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))  # the owner unit
    item_id: Mapped[int] = mapped_column(ForeignKey("template_items.id"))  # the system item of its criticality
    description: Mapped[str] = mapped_column(Text)
    directive_id: Mapped[str | None] = mapped_column(ForeignKey("directives.id"))
    concerns_item: Mapped[str | None] = mapped_column(String(96))  # a checklist item's key
    due_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # NULL: the command line
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    category: Mapped[str] = mapped_column(String(32), default="other")  # HAZARD_CATEGORIES
    found_on: Mapped[date] = mapped_column(Date)  # the local day it was found (a drill's: the day it ended)


# ── Seasonal readiness declarations (signed off in tiers) ─────────────────────────────────────────────


class Declaration(Base):
    """A unit's seasonal readiness declaration: its lead's sign-off (the company's: its executive's), with the
    figures and the open items of the unit's sub-tree frozen as they were when it was signed. Never updated or
    deleted (database triggers refuse both, see migration 0015); signing again adds a newer one. A unit with
    sub-units taking part may be signed only once each of them has been (`children`: their declarations)."""

    __tablename__ = "declarations"
    __table_args__ = (Index("ix_declarations_unit", "campaign_id", "unit_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    signed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    as_of: Mapped[date] = mapped_column(Date)  # the local day it was signed: its figures are that day's
    statement: Mapped[str] = mapped_column(Text, default="", server_default="")
    readiness: Mapped[float | None] = mapped_column(Float)
    done_weight: Mapped[int] = mapped_column(Integer)
    applicable_weight: Mapped[int] = mapped_column(Integer)
    critical_open: Mapped[int] = mapped_column(Integer)
    overdue: Mapped[int] = mapped_column(Integer)
    drills_missing: Mapped[int] = mapped_column(Integer)
    actions_open: Mapped[int] = mapped_column(Integer)
    # [{unit_id, item_id, occurrence, item_key, text_zh, text_en, criticality, due}] of the sub-tree's open pre-peak items
    open_items: Mapped[list[dict]] = mapped_column(JSON)
    children: Mapped[list[int]] = mapped_column(JSON)  # the sub-units' declarations it rests on
