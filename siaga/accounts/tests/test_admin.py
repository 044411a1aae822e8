"""The admin writes configuration through the actions, and never touches incidents."""

from __future__ import annotations

from siaga.accounts.models import User
from siaga.events.models import Event
from siaga.incidents.models import Category
from siaga.testing import page_client


def test_an_admin_edit_of_a_category_leaves_an_event(admin_user: User) -> None:
    category = Category.objects.get(code="hewan-liar")
    client = page_client(admin_user)

    response = client.post(
        f"/admin/incidents/category/{category.pk}/change/",
        {
            "code": category.code,
            "name": category.name,
            "name_en": category.name_en,
            "description": "",
            "default_priority": 2,
            "default_agencies": [a.pk for a in category.default_agencies.all()],
            "eido_code": category.eido_code,
            "sort_order": category.sort_order,
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content
    event = Event.objects.get(action="category.changed", target_id=str(category.pk))
    assert event.actor == admin_user
    assert event.before == {"default_priority": 3}
    assert event.after == {"default_priority": 2}


def test_the_admin_cannot_add_or_change_incidents(admin_user: User) -> None:
    client = page_client(admin_user)

    assert client.get("/admin/incidents/incident/add/").status_code == 403
    assert client.get("/admin/events/event/add/").status_code == 403
