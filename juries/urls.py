from django.urls import URLPattern, URLResolver, path, re_path

from juries import views

app_name = "juries"

urlpatterns: list[URLPattern | URLResolver] = [
    path("s/<str:code>/jury/draws/<int:draw_id>.json", views.draw_record, name="draw_record"),
    re_path(
        r"^s/(?P<code>[^/]+)/jury/draws/(?P<draw_id>\d+)/(?P<name>features|people)\.csv$",
        views.draw_input,
        name="draw_input",
    ),
    re_path(r"^s/(?P<code>[^/]+)/polls\.(?P<fmt>json|csv)$", views.polls_export, name="polls"),
]
