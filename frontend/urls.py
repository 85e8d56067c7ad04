from django.urls import path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("organizer/", views.organizer, name="organizer"),
    path("s/<str:code>/", views.session_page, name="session"),
    path("s/<str:code>/join", views.join, name="join"),
    path("s/<str:code>/ask", views.ask, name="ask"),
    path("s/<str:code>/questions/<int:question_id>/vote", views.vote, name="vote"),
    path("s/<str:code>/moderate/", views.moderate, name="moderate"),
    path(
        "s/<str:code>/moderate/<int:question_id>",
        views.moderate_decide,
        name="moderate_decide",
    ),
    path("s/<str:code>/moderate/bulk", views.bulk_form, name="bulk"),
    path("s/<str:code>/moderate/stage/clear", views.stage_form, name="stage_clear"),
    path("s/<str:code>/moderate/<int:question_id>/stage", views.stage_form, name="stage_show"),
    path("s/<str:code>/moderate/<int:question_id>/merge", views.merge_form, name="merge"),
    path(
        "s/<str:code>/moderate/<int:question_id>/appeal",
        views.appeal_decide_form,
        name="appeal_decide",
    ),
    path(
        "s/<str:code>/questions/<int:question_id>/answered",
        views.mark_answered_form,
        name="mark_answered",
    ),
    path("s/<str:code>/questions/<int:question_id>/answer", views.answer_form, name="answer"),
    path("s/<str:code>/questions/<int:question_id>/edit", views.edit_form, name="edit"),
    path("s/<str:code>/questions/<int:question_id>/appeal", views.appeal_form, name="appeal"),
    path("s/<str:code>/official/", views.official, name="official"),
    path("s/<str:code>/stage/", views.stage, name="stage"),
    path("s/<str:code>/archive/", views.archive, name="archive"),
    path("s/<str:code>/transparency/", views.transparency, name="transparency"),
    path(
        "s/<str:code>/transparency.json",
        views.transparency,
        {"fmt": "json"},
        name="transparency_json",
    ),
    path("s/<str:code>/archive.<str:fmt>", views.archive_export, name="archive_export"),
]
