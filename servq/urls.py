from django.contrib import admin
from django.urls import include, path

from servq.core import views as core_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", core_views.login, name="login"),
    path("accounts/logout/", core_views.logout, name="logout"),
    path("i18n/setlang/", core_views.choose_language, name="set_language"),
    path("", include("servq.core.urls")),
    path("agencies/", include("servq.agencies.urls")),
    path("plans/", include("servq.plans.urls")),
    path("search/", include("servq.search.urls")),
    path("reporting/", include("servq.reporting.urls")),
    path("sites/", include("servq.webcheck.urls")),
    path("cases/", include("servq.cases.urls")),
    path("open311/v2/", include("servq.cases.urls_open311")),
]
