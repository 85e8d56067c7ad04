from django.urls import URLPattern, URLResolver, path, re_path

from juries import pages, views

app_name = "juries"

urlpatterns: list[URLPattern | URLResolver] = [
    path("s/<str:code>/jury/draws/<int:draw_id>.json", views.draw_record, name="draw_record"),
    re_path(
        r"^s/(?P<code>[^/]+)/jury/draws/(?P<draw_id>\d+)/(?P<name>features|people)\.csv$",
        views.draw_input,
        name="draw_input",
    ),
    path("s/<str:code>/jury/", pages.volunteer, name="volunteer"),
    path("s/<str:code>/jury/seat", pages.seat, name="seat"),
    path("s/<str:code>/jury/organize", pages.organize, name="organize"),
    path("s/<str:code>/jury/status.json", pages.status, name="status"),
    path("s/<str:code>/jury/draws/<int:draw_id>/", pages.draw_result, name="draw_result"),
    path("s/<str:code>/jury/room/", pages.room, name="room"),
    path("s/<str:code>/jury/recommendations/", pages.recommendations, name="recommendations"),
    path(
        "s/<str:code>/jury/recommendations.json",
        pages.recommendations,
        {"fmt": "json"},
        name="recommendations_json",
    ),
    path(
        "s/<str:code>/jury/recommendations/<int:recommendation_id>/respond",
        pages.respond,
        name="respond",
    ),
    re_path(r"^s/(?P<code>[^/]+)/polls\.(?P<fmt>json|csv)$", views.polls_export, name="polls"),
]
