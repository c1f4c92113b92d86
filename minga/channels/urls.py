from django.urls import path

from . import views
from .payments import views as money

app_name = "channels"

urlpatterns = [
    path("africastalking/ussd", views.africastalking_ussd, name="africastalking-ussd"),
    path("africastalking/sms", views.africastalking_sms, name="africastalking-sms"),
    path("africastalking/delivery", views.africastalking_delivery, name="africastalking-delivery"),
    path("mpesa/c2b/validation", money.mpesa_c2b_validation, name="mpesa-c2b-validation"),
    path("mpesa/c2b/confirmation", money.mpesa_c2b_confirmation, name="mpesa-c2b-confirmation"),
    path("mpesa/stk/callback", money.mpesa_stk_callback, name="mpesa-stk-callback"),
    path("mpesa/b2c/result", money.mpesa_b2c_result, name="mpesa-b2c-result"),
    path("mpesa/b2c/timeout", money.mpesa_b2c_timeout, name="mpesa-b2c-timeout"),
    path("mpesa/status/result", money.mpesa_status_result, name="mpesa-status-result"),
    path("mpesa/status/timeout", money.mpesa_status_timeout, name="mpesa-status-timeout"),
    path(
        "momo/collection/callback", money.momo_collection_callback, name="momo-collection-callback"
    ),
    path(
        "momo/disbursement/callback",
        money.momo_disbursement_callback,
        name="momo-disbursement-callback",
    ),
    path("ussd/simulator/", views.ussd_simulator, name="ussd-simulator"),
    path("failed/", views.failed_deliveries, name="failed-deliveries"),
    path("failed/<int:pk>/retry", views.failed_delivery_retry, name="failed-delivery-retry"),
]
