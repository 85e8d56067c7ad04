"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: the routing imports models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from sessions.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

from moderation.screening import screening_warm_up  # noqa: E402
from sessions.consumers import registered_socket_handlers  # noqa: E402
from townhall.runtime import tune_garbage_collector  # noqa: E402

# Before serving, and before the freeze so what they load is frozen too: each
# took a fraction of a second that the first message would otherwise stall on.
registered_socket_handlers()
screening_warm_up()
tune_garbage_collector()
