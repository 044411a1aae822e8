"""Sign-in throttling against password guessing, shared by both servers (rows, not a
per-process cache): 5 wrong passwords for one account from one address in 15
minutes, or 50 from one address for any accounts (a control room's consoles may share
one address), and that door closes until the window has passed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from siaga.accounts.models import SignInFailure

WINDOW = timedelta(minutes=15)
PER_ACCOUNT_AND_ADDRESS = 5
PER_ADDRESS = 50
KEPT = timedelta(days=1)


def minutes_locked(username: str, address: str | None) -> int:
    """0 if a sign-in may be tried now, else the minutes until it may."""
    since = timezone.now() - WINDOW
    recent = SignInFailure.objects.filter(at__gte=since, address=address)
    mine = recent.filter(username__iexact=username)
    for failures, limit in ((mine, PER_ACCOUNT_AND_ADDRESS), (recent, PER_ADDRESS)):
        moments = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(moments) >= limit:
            opens = moments[-1] + WINDOW
            return max(1, int((opens - timezone.now()).total_seconds() // 60) + 1)
    return 0


def note_failure(username: str, address: str | None) -> None:
    now = timezone.now()
    SignInFailure.objects.filter(at__lt=now - KEPT).delete()
    SignInFailure.objects.create(username=username[:150], address=address, at=now)


def forget_failures(username: str, address: str | None) -> None:
    SignInFailure.objects.filter(username__iexact=username, address=address).delete()
