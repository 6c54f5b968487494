from django.urls import path

from framja.ideas.views import public as views

urlpatterns = [
    path("submit/", views.submit, name="ideas-submit"),
    path("submit/similar/", views.similar, name="ideas-similar"),
    path("submitted/", views.receipt, name="ideas-receipt"),
    path("<dbid:pk>/", views.public_detail, name="ideas-public-detail"),
    path("<dbid:pk>/support/", views.support, name="ideas-support"),
    path("status/<str:token>/", views.status, name="ideas-status"),
    path("status/<str:token>/information/", views.status_information, name="ideas-status-information"),
    path("status/<str:token>/withdraw/", views.status_withdraw, name="ideas-status-withdraw"),
    path("status/<str:token>/remove-personal-data/", views.status_anonymise, name="ideas-status-anonymise"),
]
