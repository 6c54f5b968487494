from django.urls import path

from framja.support import views

urlpatterns = [
    path("<slug:slug>/", views.clients, name="support-clients"),
    path("<slug:slug>/companies/<dbid:pk>/", views.company_detail, name="support-company-detail"),
    path("<slug:slug>/people/<dbid:pk>/", views.person_detail, name="support-person-detail"),
    path("<slug:slug>/efforts/new/", views.effort_create, name="support-effort-create"),
    path("<slug:slug>/referrals/", views.referrals, name="support-referrals"),
    path("<slug:slug>/referrals/<dbid:pk>/", views.referral_detail, name="support-referral-detail"),
]
