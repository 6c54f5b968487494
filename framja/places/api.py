"""API endpoints of this app (django-ninja router, mounted in framja/api.py)."""

from ninja import Router

router = Router()
