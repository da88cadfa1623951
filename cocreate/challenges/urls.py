from django.urls import path

from cocreate.challenges import views

app_name = "challenges"
urlpatterns = [
    path("c/<slug:slug>/challenges/", views.community_challenges, name="list"),
    path("c/<slug:slug>/challenges/new/", views.challenge_new, name="new"),
    path("challenges/<int:challenge_id>/", views.challenge_detail, name="detail"),
    path("challenges/<int:challenge_id>/edit/", views.challenge_edit, name="edit"),
    path("challenges/<int:challenge_id>/publish/", views.challenge_publish, name="publish"),
    path("challenges/<int:challenge_id>/decisions/", views.decision_log, name="decisions"),
]
