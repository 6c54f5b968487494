"""The ideas API: public browsing, the submission side (public) and the casework side, one
router under /api/v1/ideas."""

from ninja import Router
from ninja.operation import PathView

from framja.ideas.api.browsing import router as browsing_router
from framja.ideas.api.casework import router as casework_router
from framja.ideas.api.sluices import router as sluices_router
from framja.ideas.api.submission import router as submission_router

router = Router(tags=["ideas"])


def _hoist_collection_operations(parent: Router, *children: Router) -> None:
    """Serve what the sub-routers declare on their root path ("") at /api/v1/ideas itself.

    ninja gives a sub-router mounted at "" the URL "ideas/" (with a slash), and two sub-routers
    declaring "" would yield two URL patterns of which only the first answers (GET /ideas from
    casework next to POST /ideas from submission would answer 405). Moving those operations into
    one path view of the parent gives one URL without a slash that dispatches on the method."""
    for child in children:
        view = child.path_operations.pop("", None)
        if view is None:
            continue
        target = parent.path_operations.setdefault("", PathView())
        target.operations.extend(view.operations)
        target.is_async = target.is_async or view.is_async


_hoist_collection_operations(router, submission_router, casework_router)
router.add_router("", browsing_router)
router.add_router("", submission_router)
router.add_router("", sluices_router)
router.add_router("", casework_router)
