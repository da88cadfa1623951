from django.apps import AppConfig


class ConsensusConfig(AppConfig):
    name = "cocreate.consensus"
    label = "consensus"
    default_auto_field = "django.db.models.BigAutoField"
