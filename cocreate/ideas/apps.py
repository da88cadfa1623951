from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "cocreate.ideas"
    label = "ideas"
    default_auto_field = "django.db.models.BigAutoField"
