from django.apps import AppConfig


class LiveSessionsConfig(AppConfig):
    # The label must not be "sessions": that is django.contrib.sessions.
    name = "sessions"
    label = "live_sessions"
    verbose_name = "Live sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions import checks  # noqa: F401  (registers system checks)
