"""The placeholder app reports the index it would serve."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app


def test_health_and_home_page(mini_settings) -> None:
    with TestClient(create_app(mini_settings)) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["chunks"] > 100
        page = client.get("/")
        assert page.status_code == 200 and health["version"] in page.text
