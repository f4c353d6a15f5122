from django.urls import path, re_path

from servq.cases import open311

app_name = "open311"
FMT = r"(?P<fmt>json|xml)"
urlpatterns = [
    path("openapi.json", open311.openapi, name="openapi"),
    re_path(rf"^services\.{FMT}$", open311.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]+)\.{FMT}$", open311.service_definition, name="service"),
    re_path(rf"^requests\.{FMT}$", open311.requests, name="requests"),
    re_path(rf"^requests/(?P<number>[^/]+)\.{FMT}$", open311.request_detail, name="request"),
]
