from django.apps import AppConfig


class ReachConfig(AppConfig):
    """Taking part without a smartphone (SMS) and trust: verification without
    surveillance, data protection tools."""

    name = "reach"
    label = "reach"
    verbose_name = "Reach and trust"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reach import checks, signals  # noqa: F401 - registers the check and the hook
