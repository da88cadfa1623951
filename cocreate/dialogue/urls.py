from django.urls import path

from cocreate.dialogue import views

app_name = "dialogue"
urlpatterns = [
    path("ideas/<int:idea_id>/comments/", views.post_on_idea, name="post_idea"),
    path("challenges/<int:challenge_id>/comments/", views.post_on_challenge, name="post_challenge"),
    path("comments/<int:comment_id>/", views.permalink, name="permalink"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="delete"),
    path("comments/<int:comment_id>/history/", views.history, name="history"),
    path("comments/<int:comment_id>/react/", views.react, name="react"),
    path("comments/<int:comment_id>/accept/", views.accept, name="accept"),
]
