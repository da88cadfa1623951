from cocreate.core.schedule import periodic
from cocreate.notifications import digests


@periodic("notifications.send_digests")
def send_digests() -> int:
    """Daily and weekly digests whose local time has come."""
    return digests.send_due()
