from django_tasks import task

from cocreate.consensus import compute
from cocreate.core.schedule import periodic


@task()
def recompute_conversation(conversation_id: int) -> int:
    """Recompute one conversation's groups and report (queued by votes, debounced)."""
    conversation = compute.recompute(conversation_id)
    return conversation.computed_version if conversation is not None else 0


@periodic("consensus.recompute_stale")
def recompute_stale() -> int:
    """Conversations whose queued recomputation was lost."""
    return compute.recompute_stale()
