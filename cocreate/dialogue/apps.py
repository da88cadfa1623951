from django.apps import AppConfig


class DialogueConfig(AppConfig):
    name = "cocreate.dialogue"
    label = "dialogue"
    default_auto_field = "django.db.models.BigAutoField"
