from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from siaga.accounts.roles import ROLE_CAPABILITIES


def siaga(request: HttpRequest) -> dict[str, object]:
    """What every page's chrome needs: the city code and what the user may do."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    role = getattr(user, "role", "")
    return {
        "SIAGA_CITY_CODE": settings.SIAGA_CITY_CODE,
        "MAP": {
            "tiles": settings.SIAGA_MAP_TILES_URL,
            "attribution": settings.SIAGA_MAP_ATTRIBUTION,
            "stale_seconds": settings.SIAGA_AVL_STALE_SECONDS,
        },
        "user_capabilities": [c.value for c in ROLE_CAPABILITIES.get(role, ())]
        if signed_in
        else [],
    }
