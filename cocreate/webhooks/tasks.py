from django_tasks import task

from cocreate.core.schedule import periodic
from cocreate.webhooks import delivery


@task()
def deliver_webhooks() -> int:
    """Send the deliveries that are due (new ones right after their event)."""
    return delivery.send_due()


@periodic("webhooks.deliver")
def deliver_due() -> int:
    """Retries whose backoff has passed."""
    return delivery.send_due()
