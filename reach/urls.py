from django.urls import URLPattern, URLResolver

app_name = "reach"

urlpatterns: list[URLPattern | URLResolver] = []
