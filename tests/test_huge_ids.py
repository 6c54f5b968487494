"""Ids too large for the database are 'not found', never a server error (SQLite raises
OverflowError for integers beyond 64 bits)."""

import pytest

HUGE = "9" * 30


@pytest.mark.django_db
def test_huge_id_in_api_path_is_not_found(owner_client):
    response = owner_client.get(f"/api/v1/ideas/{HUGE}")
    assert response.status_code in {404, 422}


@pytest.mark.django_db
def test_huge_id_in_page_url_is_not_found(owner_client):
    response = owner_client.get(f"/ideas/casework/{HUGE}/")
    assert response.status_code == 404
