"""A password has at least 10 characters, is not (and does not contain) the user name, and is not common."""

from __future__ import annotations

import pytest

from admin.demo import DEMO_PASSWORD
from core.errors import InvalidInput
from core.i18n import STRINGS
from org.accounts import MIN_PASSWORD, check_password_policy, common_passwords

REFUSED = [
    # password, username, why
    ("", "lead", "error.short_password"),
    ("nine-char", "lead", "error.short_password"),
    ("coordinator", "coordinator", "error.password_has_username"),
    ("COORDINATOR", "coordinator", "error.password_has_username"),
    ("Coordinator!", "coordinator", "error.password_has_username"),
    ("rotanidrooc", "coordinator", "error.password_has_username"),
    ("the-lead-2027", "lead", "error.password_has_username"),
    ("Wang.Lei.2027x", "wanglei", "error.password_has_username"),
    ("admin-2027-summer", "Admin", "error.password_has_username"),
    ("1234567890", "lead", "error.common_password"),
    ("QWERTYUIOP", "lead", "error.common_password"),
    ("1q2w3e4r5t", "lead", "error.common_password"),
]

ACCEPTED = [
    ("correct-horse", "lead"),
    (DEMO_PASSWORD, "admin"),
    ("grid-summer-2027", "coordinator"),
    ("li-is-short-enough", "li"),  # a name under four characters may appear inside a longer password
    ("ten-chars!", "executive"),
]


@pytest.mark.parametrize(("password", "username", "code"), REFUSED)
def test_a_weak_password_is_refused_with_the_reason(password, username, code):
    with pytest.raises(InvalidInput) as refused:
        check_password_policy(password, username)
    assert refused.value.code == code
    assert code in STRINGS


@pytest.mark.parametrize(("password", "username"), ACCEPTED)
def test_a_good_password_is_accepted(password, username):
    check_password_policy(password, username)


def test_too_short_says_how_long_a_password_must_be():
    with pytest.raises(InvalidInput) as refused:
        check_password_policy("short", "lead")
    assert refused.value.params == {"min": MIN_PASSWORD} and MIN_PASSWORD == 10


def test_the_common_list_is_loaded_in_lower_case_without_its_comments():
    listed = common_passwords()
    assert len(listed) > 1000
    assert all(p == p.lower() and not p.startswith("#") for p in listed)
    assert {"1234567890", "qwertyuiop"} <= listed
