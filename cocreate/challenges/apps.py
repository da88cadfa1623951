from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "cocreate.challenges"
    label = "challenges"
    default_auto_field = "django.db.models.BigAutoField"
