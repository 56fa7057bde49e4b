"""Corrective actions on a unit's checklist: the system template that carries them, and the obligation
each one becomes.

A corrective action (drills.review) is work for one unit in one season. It becomes one occurrence
"A<action id>" of the system item for its criticality, so that ticking it, its evidence, its log and its
weight in readiness are those of any other item: it counts in the unit's pre-peak readiness from the day
it is raised until it is ticked done (with a file: the items require evidence) or, by a lead, marked not
applicable with a reason. The system template is created on first use; it is in no season's list of
templates and cannot be chosen for one.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checklists.occurrences import corrective_occurrence, end_of_day
from content.models import WEIGHTS
from store.schema import ChecklistStatus, Obligation, Template, TemplateItem, TemplateSection
from store.upsert import add_readiness_delta

CORRECTIVE_TEMPLATE = "corrective-actions"
SECTION_KEY = "actions"
SOURCES = ["S1.2b", "S2.1b"]  # drills and their review; every accident's measures actually taken
_TEXTS = {
    "name": ("演练整改措施", "Corrective actions from drills"),
    "section": ("演练发现问题的整改", "Corrective actions from drills"),
    "item": ("落实演练复盘提出的一项整改措施", "Carry out one corrective action from a drill review"),
    "evidence": ("整改完成的证明：现场照片、记录或修订后的预案、规程",
                 "Proof the action is done: site photos, records, or the revised plan or procedure"),
}


def item_key(criticality: str) -> str:
    return f"corrective-{criticality}"


def corrective_items(*, session: Session, now: datetime) -> dict[str, TemplateItem]:
    """The system items by criticality, created the first time they are needed (two writers racing to
    create them: the loser's savepoint rolls back and it reads the winner's)."""
    found = _items(session)
    if len(found) == len(WEIGHTS):
        return found
    try:
        with session.begin_nested():
            _create(session, now)
    except IntegrityError:
        pass
    return _items(session)


def _items(session: Session) -> dict[str, TemplateItem]:
    rows = session.scalars(select(TemplateItem).join(Template, Template.id == TemplateItem.template_id)
                           .where(Template.key == CORRECTIVE_TEMPLATE, Template.version == 1))
    return {i.criticality: i for i in rows}


def _create(session: Session, now: datetime) -> None:
    digest = hashlib.sha256(repr(sorted(_TEXTS.items())).encode()).hexdigest()
    template = Template(key=CORRECTIVE_TEMPLATE, version=1, name_zh=_TEXTS["name"][0], name_en=_TEXTS["name"][1],
                        content_hash=digest, loaded_at=now)
    session.add(template)
    session.flush()
    section = TemplateSection(template_id=template.id, key=SECTION_KEY, position=0,
                              title_zh=_TEXTS["section"][0], title_en=_TEXTS["section"][1])
    session.add(section)
    session.flush()
    for position, (criticality, weight) in enumerate(WEIGHTS.items()):
        session.add(TemplateItem(
            template_id=template.id, section_id=section.id, key=item_key(criticality), position=position,
            text_zh=_TEXTS["item"][0], text_en=_TEXTS["item"][1], sources=SOURCES, criticality=criticality,
            weight=weight, discipline="safety_supervision", due_days_before_peak=0,
            evidence_zh=_TEXTS["evidence"][0], evidence_en=_TEXTS["evidence"][1], requires_evidence=True))
    session.flush()


def add_obligation(campaign_id: int, unit_id: int, action_id: int, item: TemplateItem, *, due_on: date,
                   raised_on: date, session: Session) -> str:
    """Put the action on its owner's checklist as an open occurrence, due at the end of `due_on`, its weight
    counted in the unit's readiness from `raised_on`. Returns the occurrence key."""
    occurrence = corrective_occurrence(action_id)
    key = {"campaign_id": campaign_id, "unit_id": unit_id, "item_id": item.id, "occurrence": occurrence}
    session.execute(insert(Obligation), [{**key, "created_on": raised_on, "due_at": end_of_day(due_on)}])
    session.execute(insert(ChecklistStatus), [{**key, "status": "open", "version": 0}])
    add_readiness_delta(session, campaign_id, unit_id, raised_on, total=item.weight)
    return occurrence
