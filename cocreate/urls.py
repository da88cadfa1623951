from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from cocreate.accounts import views as account_views
from cocreate.core.api import api

handler403 = "cocreate.core.views.permission_denied"
handler404 = "cocreate.core.views.page_not_found"
handler500 = "cocreate.core.views.server_error"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("language/", account_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("cocreate.accounts.urls")),
    path("", include("cocreate.communities.urls")),
    path("", include("cocreate.challenges.urls")),
    path("", include("cocreate.ideas.urls")),
    path("", include("cocreate.dialogue.urls")),
    path("", include("cocreate.notifications.urls")),
    path("", include("cocreate.webhooks.urls")),
    path("", include("cocreate.consensus.urls")),
    # Uploaded media (avatars, logos): re-encoded images under random names.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
