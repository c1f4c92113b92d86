from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("africastalking/ussd", views.africastalking_ussd, name="africastalking-ussd"),
    path("africastalking/sms", views.africastalking_sms, name="africastalking-sms"),
    path("africastalking/delivery", views.africastalking_delivery, name="africastalking-delivery"),
    path("ussd/simulator/", views.ussd_simulator, name="ussd-simulator"),
    path("failed/", views.failed_deliveries, name="failed-deliveries"),
    path("failed/<int:pk>/retry", views.failed_delivery_retry, name="failed-delivery-retry"),
]
