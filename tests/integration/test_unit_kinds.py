"""Units are of realistic kinds: dispatch centres are units of their own, and a department says what it does."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from content.models import UnitSpec
from core.errors import InvalidInput
from org.queries import all_units
from org.units import create_unit, import_units
from store.db import snapshot, transaction
from store.schema import OrgUnit
from tests.conftest import NOW, REAL_SEEDS


def test_a_department_without_its_function_is_refused_when_the_file_is_read():
    with pytest.raises(ValidationError, match="department needs its function"):
        UnitSpec(code="P-MKT", name_zh="营销部", name_en="Marketing", kind="department")


def test_an_imported_department_keeps_its_function_and_a_reimport_can_change_it(world):
    with transaction(world.engine) as s:
        import_units([UnitSpec(code="P-MKT", name_zh="营销部", name_en="Marketing", kind="department",
                               function="marketing")], parent_code="P", session=s, now=NOW)
    with transaction(world.engine) as s:
        import_units([UnitSpec(code="P-MKT", name_zh="营销部", name_en="Marketing", kind="department",
                               function="rural_power")], parent_code="P", session=s, now=NOW)
    with snapshot(world.engine) as s:
        unit = next(u for u in all_units(session=s) if u.code == "P-MKT")
    assert (unit.kind, unit.function) == ("department", "rural_power")


def test_dispatch_centres_are_units_of_their_own_kind(world):
    with transaction(world.engine) as s:
        import_units([UnitSpec(code="P-DISP", name_zh="省调控中心", name_en="Provincial dispatch centre",
                               kind="prov_dispatch"),
                      UnitSpec(code="C1-DISP", name_zh="甲市调控中心", name_en="City dispatch centre",
                               kind="city_dispatch")], parent_code="P", session=s, now=NOW)
    with snapshot(world.engine) as s:
        kinds = dict(s.execute(select(OrgUnit.code, OrgUnit.kind).where(OrgUnit.code.like("%DISP"))).all())
    assert kinds == {"P-DISP": "prov_dispatch", "C1-DISP": "city_dispatch"}


@pytest.mark.parametrize(("kind", "function", "code"), [
    ("department", None, "error.department_function"),
    ("department", "astrology", "error.unit_function"),
    ("bakery", None, "error.unit_kind"),
])
def test_the_admin_cannot_create_a_unit_of_an_unknown_kind_or_a_department_without_a_known_function(
        world, kind, function, code):
    with pytest.raises(InvalidInput) as refused, transaction(world.engine) as s:
        create_unit("P-NEW", "新部门", "New department", kind, "P", session=s, actor=world.admin, now=NOW,
                    function=function)
    assert refused.value.code == code
    with snapshot(world.engine) as s:
        assert s.scalar(select(OrgUnit).where(OrgUnit.code == "P-NEW")) is None


def test_the_demo_province_has_dispatch_centres_and_every_department_names_its_function():
    from content.units import load_unit_specs

    def walk(specs):
        for spec in specs:
            yield spec
            yield from walk(spec.children)

    units = list(walk(load_unit_specs(REAL_SEEDS / "demo_org.yaml")))
    kinds = {u.kind for u in units}
    assert {"prov_dispatch", "city_dispatch", "county", "station", "plant", "department"} <= kinds
    assert all(u.function for u in units if u.kind == "department")
    assert not [u.code for u in units if u.kind == "department" and u.code.endswith("-DISP")]
