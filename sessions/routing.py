from django.urls import re_path

from sessions.consumers import SessionConsumer

websocket_urlpatterns = [
    re_path(r"^ws/sessions/(?P<code>[A-Za-z0-9-]{1,32})/$", SessionConsumer.as_asgi()),
]
