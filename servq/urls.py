from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("servq.core.urls")),
    path("agencies/", include("servq.agencies.urls")),
    path("plans/", include("servq.plans.urls")),
]
