from framja.ideas.urls_casework import urlpatterns as casework_urls
from framja.ideas.urls_public import urlpatterns as public_urls

urlpatterns = [*public_urls, *casework_urls]
