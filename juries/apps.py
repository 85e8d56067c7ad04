from django.apps import AppConfig


class JuriesConfig(AppConfig):
    """Citizen juries: fair sortition with quotas, the jury room, speaker queue, polls."""

    name = "juries"
    label = "juries"
    verbose_name = "Citizen juries"
    default_auto_field = "django.db.models.BigAutoField"
