from django_tasks import task

from cocreate.core import consumers, ratelimit, schedule


@task()
def process_events() -> dict[str, int]:
    """Run every registered consumer over the events recorded since its cursor."""
    return consumers.run_all()


@task()
def run_periodic() -> dict[str, object]:
    """Run every periodic job (expiring ideas, opening due reviews, housekeeping)."""
    return schedule.run_jobs()


@schedule.periodic("core.prune_rate_limits")
def prune_rate_limits() -> int:
    return ratelimit.prune()
