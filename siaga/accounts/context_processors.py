from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from siaga.accounts.roles import Can


def siaga(request: HttpRequest) -> dict[str, object]:
    """What every page's chrome needs: the city code and the capability names."""
    return {"SIAGA_CITY_CODE": settings.SIAGA_CITY_CODE, "Can": Can}
