from django.urls import path

from framja.places import views

urlpatterns = [
    path("", views.municipality_list, name="places-municipality-list"),
    path("municipalities/options/", views.municipality_options, name="places-municipality-options"),
    path("sni/options/", views.sni_options, name="places-sni-options"),
]
