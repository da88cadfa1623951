from django.db import migrations
from django.utils import timezone


def create_idea_boxes(apps, schema_editor):
    """Communities created before challenges existed get their idea box."""
    Community = apps.get_model("communities", "Community")
    Challenge = apps.get_model("challenges", "Challenge")
    for community in Community.objects.filter(parent__isnull=True):
        if not Challenge.objects.filter(community=community, is_idea_box=True).exists():
            Challenge.objects.create(
                community=community, is_idea_box=True, title="Idea box", type="open_question",
                status="published", published_at=timezone.now(),
                brief="Any idea, any time: the idea box is always open.",
            )


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_initial"), ("communities", "0001_initial")]
    operations = [migrations.RunPython(create_idea_boxes, migrations.RunPython.noop)]
