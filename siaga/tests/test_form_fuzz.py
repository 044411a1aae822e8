"""Fuzzing the pages' forms: every POST page of the access matrix, posted by a role
allowed to use it, with any mix of the field names our templates use and any values.
The names come from the templates and from every Django form of the project. Each
answer is a page, a redirect or a 4xx: never a 500."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.accounts.matrix import MATRIX, Open
from siaga.accounts.roles import Role
from siaga.tests.test_access_matrix import Clients, Fixtures, fixtures, is_api

TEMPLATES = Path(django_settings.BASE_DIR, "siaga")


def form_classes(
    cls: type[forms.BaseForm] = forms.BaseForm,
) -> set[type[forms.BaseForm]]:
    found = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("siaga."):
            found.add(sub)
        found |= form_classes(sub)
    return found


get_resolver().url_patterns  # noqa: B018 (imports every view, and so every form)
FIELD_NAMES = sorted(
    {
        name
        for template in TEMPLATES.rglob("*.html")
        for name in re.findall(r'name="([a-z_]+)"', template.read_text("utf-8"))
    }
    | {name for form in form_classes() for name in getattr(form, "base_fields", {})}
    - {"csrfmiddlewaretoken"}
)
VALUES = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "-1", "2026-13-45", "99:99", "DAMKAR", "x" * 5000]),
)
FORMS = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | st.text(min_size=1, max_size=10), VALUES, max_size=8
)
__all__ = ["fixtures"]  # the fixture, shared with the access matrix
POSTED = sorted(
    key
    for key, rule in MATRIX.items()
    if key.startswith("POST ")
    and not is_api(key.split(" ", 1)[1])
    and rule.needs not in (Open.PUBLIC, Open.SIGNED)
    and key != "POST /akun/keluar/"
)
# Who posts each form: the first role allowed, in this order.
POSTERS = [Role.SUPERVISOR, Role.ADMIN, Role.AGENCY_OPERATOR, Role.RESPONDER]


def test_the_templates_give_field_names() -> None:
    assert {"description", "priority", "code"} <= set(FIELD_NAMES)


@pytest.mark.parametrize("key", POSTED)
def test_no_form_post_ends_in_a_500(fixtures: Fixtures, key: str) -> None:
    role = next(role for role in POSTERS if MATRIX[key].allows(role))
    client = Clients.of(role).pages
    url = fixtures.url(key.split(" ", 1)[1])

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(form=FORMS)
    def post(form: dict[str, str]) -> None:
        with transaction.atomic():
            response = client.post(url, form)
            transaction.set_rollback(True)
        assert response.status_code < 500, (key, form)

    post()
