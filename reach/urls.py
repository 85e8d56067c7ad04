from django.urls import path

app_name = "reach"

urlpatterns: list = []  # type: ignore[type-arg]
