"""The OpenAPI document describes every operation the API serves."""

from __future__ import annotations

from django.test import Client

from siaga.api import api

EXPECTED = {
    ("get", "/api/v1/incidents"),
    ("post", "/api/v1/incidents"),
    ("get", "/api/v1/incidents/{number}"),
    ("patch", "/api/v1/incidents/{number}"),
    ("post", "/api/v1/incidents/{number}/status"),
    ("get", "/api/v1/incidents/{number}/events"),
    ("post", "/api/v1/incidents/{number}/dispatches"),
    ("post", "/api/v1/incidents/{number}/dispatches/{agency}/acknowledge"),
    ("get", "/api/v1/duplicates"),
    ("get", "/api/v1/categories"),
    ("get", "/api/v1/alerts"),
    ("post", "/api/v1/alerts"),
    ("get", "/api/v1/alerts/{identifier}.cap.xml"),
    ("get", "/api/v1/alerts/{identifier}"),
    ("post", "/api/v1/alerts/{identifier}/update"),
    ("post", "/api/v1/alerts/{identifier}/cancel"),
    ("get", "/api/v1/contacts"),
    ("post", "/api/v1/contacts"),
    ("get", "/api/v1/contacts/{contact_id}"),
    ("patch", "/api/v1/contacts/{contact_id}"),
    ("post", "/api/v1/reports"),
    ("get", "/api/v1/units"),
    ("post", "/api/v1/units/{call_sign}/positions"),
    ("get", "/api/v1/incidents/{number}/recommendations"),
    ("post", "/api/v1/units/{call_sign}/assign"),
    ("get", "/api/v1/incidents/{number}/eido"),
    ("post", "/api/v1/incidents/{number}/referrals"),
    ("get", "/api/v1/referrals"),
    ("post", "/api/v1/referrals/{referral_id}/accept"),
    ("post", "/api/v1/referrals/{referral_id}/decline"),
    ("post", "/api/v1/eido/requests"),
    ("post", "/api/v1/eido/responses"),
    ("post", "/hooks/telephony"),
    ("post", "/hooks/sms"),
    ("post", "/hooks/aml"),
    ("get", "/hooks/whatsapp"),
    ("post", "/hooks/whatsapp"),
    ("post", "/hooks/telegram"),
    ("get", "/hooks/meta"),
    ("post", "/hooks/meta"),
    ("get", "/hooks/x"),
    ("post", "/hooks/x"),
}
# Providers post without our token: AML rests on its optional HMAC, WhatsApp on its
# X-Hub-Signature-256, Telegram on its secret-token header, Messenger/Instagram and X on
# their signatures (each tested on its own).
PUBLIC = {
    ("get", "/api/v1/alerts/{identifier}.cap.xml"),  # alerts are for everyone
    ("post", "/hooks/aml"),
    ("get", "/hooks/whatsapp"),
    ("post", "/hooks/whatsapp"),
    ("post", "/hooks/telegram"),
    ("get", "/hooks/meta"),
    ("post", "/hooks/meta"),
    ("get", "/hooks/x"),
    ("post", "/hooks/x"),
}


def served_operations() -> set[tuple[str, str]]:
    served = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    served.add((method.lower(), prefix + path))
    return served


def test_the_document_is_public_json(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Siaga112 API"


def test_every_served_operation_is_described(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    described = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
    }

    assert served_operations() == EXPECTED
    assert described == EXPECTED


def test_every_operation_documents_its_errors_and_authentication(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method} {path}"
            assert operation.get("summary"), where
            if (method, path) in PUBLIC:
                assert "security" not in operation, where
                continue
            assert {"400", "401", "403"} <= set(operation["responses"]), where
            assert operation["security"], where
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]


def test_the_docs_page_uses_local_assets_not_a_cdn(db: None) -> None:
    page = Client().get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
