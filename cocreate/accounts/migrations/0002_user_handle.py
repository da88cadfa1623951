import re
import secrets
import unicodedata

import django.db.models.functions.text
from django.db import migrations, models


def backfill(apps, schema_editor):
    # A frozen copy of accounts.handles.free_handle: migrations must not follow
    # later changes to app code.
    User = apps.get_model("accounts", "User")
    used = set()
    for user in User.objects.order_by("pk").only("pk", "display_name"):
        name = unicodedata.normalize("NFKD", user.display_name).encode("ascii", "ignore").decode()
        base = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()[:24]
        if len(base) < 3 or base in {"all", "everyone", "here", "staff", "admin", "moderators", "cocreate"}:
            base = "member"
        handle = base if base != "member" and base not in used else ""
        while not handle or handle in used:
            handle = f"{base}{secrets.randbelow(10**6):06d}"
        used.add(handle)
        User.objects.filter(pk=user.pk).update(handle=handle)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="handle",
            field=models.CharField(blank=True, max_length=30, verbose_name="handle"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("handle"),
                condition=models.Q(("handle", ""), _negated=True),
                name="user_handle_ci_unique",
            ),
        ),
    ]
