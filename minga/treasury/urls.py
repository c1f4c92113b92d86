from . import members_urls

app_name = "treasury"
urlpatterns = [*members_urls.urlpatterns]
