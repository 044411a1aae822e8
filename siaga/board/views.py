"""The supervisor's board and the theatre wallboard: one page, refreshed live."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from siaga.accounts.access import require
from siaga.accounts.roles import Can
from siaga.board.queries import build_board


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.VIEW_BOARD)
    return render(request, "board/board.html", {"board": build_board()})
