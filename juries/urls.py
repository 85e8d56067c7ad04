from django.urls import URLPattern, URLResolver

app_name = "juries"

urlpatterns: list[URLPattern | URLResolver] = []
