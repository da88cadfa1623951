from django.urls import path

from cocreate.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("c/<slug:slug>/webhooks/", views.endpoint_list, name="list"),
    path("webhooks/<int:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("webhooks/<int:endpoint_id>/test/", views.send_test, name="test"),
    path("webhooks/<int:endpoint_id>/rotate/", views.rotate, name="rotate"),
    path("webhooks/<int:endpoint_id>/delete/", views.delete, name="delete"),
    path("webhook-deliveries/<uuid:delivery_id>/redeliver/", views.redeliver, name="redeliver"),
]
