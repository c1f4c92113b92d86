from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("africastalking/ussd", views.africastalking_ussd, name="africastalking-ussd"),
    path("africastalking/sms", views.africastalking_sms, name="africastalking-sms"),
    path("ussd/simulator/", views.ussd_simulator, name="ussd-simulator"),
]
