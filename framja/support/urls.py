from django.urls import path

from framja.support import views

urlpatterns = [
    path("<slug:slug>/", views.clients, name="support-clients"),
    path("<slug:slug>/companies/new/", views.company_create, name="support-company-create"),
    path("<slug:slug>/companies/<dbid:pk>/", views.company_detail, name="support-company-detail"),
    path("<slug:slug>/companies/<dbid:pk>/edit/", views.company_edit, name="support-company-edit"),
    path("<slug:slug>/companies/<dbid:pk>/merge/", views.company_merge, name="support-company-merge"),
    path("<slug:slug>/people/new/", views.person_create, name="support-person-create"),
    path("<slug:slug>/people/<dbid:pk>/", views.person_detail, name="support-person-detail"),
    path("<slug:slug>/people/<dbid:pk>/edit/", views.person_edit, name="support-person-edit"),
    path("<slug:slug>/people/<dbid:pk>/demographics/", views.person_demographics, name="support-person-demographics"),
    path(
        "<slug:slug>/people/<dbid:pk>/consent/withdraw/",
        views.person_consent_withdraw,
        name="support-person-consent-withdraw",
    ),
    path(
        "<slug:slug>/contact-requests/<dbid:pk>/",
        views.contact_request_register,
        name="support-contact-request-register",
    ),
    path("<slug:slug>/people/<dbid:pk>/export/", views.person_export, name="support-person-export"),
    path("<slug:slug>/people/<dbid:pk>/erase/", views.person_erase, name="support-person-erase"),
    path("<slug:slug>/efforts/new/", views.effort_create, name="support-effort-create"),
    path("<slug:slug>/follow-up/", views.follow_up, name="support-follow-up"),
    path("<slug:slug>/referrals/", views.referrals, name="support-referrals"),
    path("<slug:slug>/referrals/new/", views.referral_create, name="support-referral-create"),
    path("<slug:slug>/referrals/<dbid:pk>/", views.referral_detail, name="support-referral-detail"),
]
