from django_tasks import task

from cocreate.core import consumers


@task()
def process_events() -> dict[str, int]:
    """Run every registered consumer over the events recorded since its cursor."""
    return consumers.run_all()
