from cocreate.core.schedule import periodic
from cocreate.ideas import actions


@periodic("ideas.expire_overdue")
def expire_overdue() -> int:
    """Ideas that missed their support-ladder deadline expire."""
    return actions.expire_overdue()


@periodic("ideas.open_due_reviews")
def open_due_reviews() -> int:
    """Ideas queued for a review window whose date has come move to review."""
    return actions.open_due_reviews()
