from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility_statement"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("collaborations.access.urls_accounts")),  # rate-limited login, HTML reset e-mail
    path("konto/", include("django.contrib.auth.urls")),
    path("rapporter/", include("reporting.urls")),
    path("", include("collaborations.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
