from django.contrib import admin
from django.urls import include, path

from servq.portal import health
from servq.portal import oidc as portal_oidc
from servq.portal import passkeys as portal_passkeys
from servq.portal import people as portal_people
from servq.portal import second_factor as portal_second_factor
from servq.portal import views as portal_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", portal_views.login, name="login"),
    path("accounts/logout/", portal_views.logout, name="logout"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        portal_views.set_password,
        name="password_reset_confirm",
    ),
    path("accounts/oidc/login/", portal_oidc.sign_in, name="oidc_authentication_init"),
    path("accounts/oidc/callback/", portal_oidc.callback, name="oidc_authentication_callback"),
    path("accounts/2fa/", portal_second_factor.set_up, name="second_factor"),
    path("accounts/2fa/verify/", portal_second_factor.verify, name="second_factor_verify"),
    path(
        "accounts/2fa/passkeys/new/options/",
        portal_passkeys.register_options,
        name="passkey_register_options",
    ),
    path("accounts/2fa/passkeys/new/", portal_passkeys.register, name="passkey_register"),
    path(
        "accounts/2fa/passkeys/sign-in/options/",
        portal_passkeys.sign_in_options,
        name="passkey_sign_in_options",
    ),
    path("accounts/2fa/passkeys/sign-in/", portal_passkeys.sign_in, name="passkey_sign_in"),
    path("accounts/invitation/<str:token>/", portal_people.accept_invitation, name="invitation"),
    path("accounts/set-password/done/", portal_views.password_set, name="password_reset_complete"),
    path("i18n/setlang/", portal_views.choose_language, name="set_language"),
    path("", include("servq.portal.urls")),
    path("agencies/", include("servq.portal.urls_agencies")),
    path("plans/", include("servq.plans.urls")),
    path("search/", include("servq.search.urls")),
    path("reporting/", include("servq.reporting.urls")),
    path("sites/", include("servq.webcheck.urls")),
    path("cases/", include("servq.cases.urls")),
    path("services/", include("servq.services.urls")),
    path("inspections/", include("servq.inspections.urls")),
    path("awards/", include("servq.awards.urls")),
    path("surveys/", include("servq.surveys.urls")),
    path("faq/", include("servq.faq.urls")),
    path("records/", include("servq.activities.urls")),
    path("service-points/", include("servq.activities.urls_public")),
    path("opendata/", include("servq.opendata.urls")),
    path("open311/v2/", include("servq.cases.urls_open311")),
]
