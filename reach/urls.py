from django.urls import URLPattern, URLResolver, path

from reach import views

app_name = "reach"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sms/twilio/", views.twilio_inbound, name="sms_twilio"),
    path("sms/rapidpro/", views.rapidpro_inbound, name="sms_rapidpro"),
    path("s/<str:code>/verify/", views.verify, name="verify"),
    path("me/data", views.me_data, name="me_data"),
    path("me/delete", views.me_delete, name="me_delete"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/<str:language>/", views.privacy, name="privacy_in"),
    path("terms/", views.terms, name="terms"),
    path("terms/<str:language>/", views.terms, name="terms_in"),
]
