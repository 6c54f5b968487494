"""The ideas API: submission side (public) and casework side, one router under /api/v1/ideas."""

from ninja import Router

from framja.ideas.api.casework import router as casework_router
from framja.ideas.api.submission import router as submission_router

router = Router(tags=["ideas"])
router.add_router("", submission_router)
router.add_router("", casework_router)
