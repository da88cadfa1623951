from django.urls import path

from cocreate.dialogue import moderation_views, update_views, views

app_name = "dialogue"
urlpatterns = [
    path("ideas/<int:idea_id>/comments/", views.post_on_idea, name="post_idea"),
    path("challenges/<int:challenge_id>/comments/", views.post_on_challenge, name="post_challenge"),
    path("updates/<int:update_id>/comments/", views.post_on_update, name="post_update"),
    path("ideas/<int:idea_id>/updates/", update_views.update_list, name="updates"),
    path("ideas/<int:idea_id>/updates/new/", update_views.new_update, name="new_update"),
    path("updates/<int:update_id>/", update_views.update_detail, name="update"),
    path("updates/<int:update_id>/edit/", update_views.edit_update, name="edit_update"),
    path("updates/<int:update_id>/delete/", update_views.delete_update, name="delete_update"),
    path("comments/<int:comment_id>/", views.permalink, name="permalink"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="delete"),
    path("comments/<int:comment_id>/history/", views.history, name="history"),
    path("comments/<int:comment_id>/react/", views.react, name="react"),
    path("comments/<int:comment_id>/accept/", views.accept, name="accept"),
    path("comments/<int:comment_id>/flag/", moderation_views.flag_comment, name="flag_comment"),
    path("ideas/<int:idea_id>/flag/", moderation_views.flag_idea, name="flag_idea"),
    path("c/<slug:slug>/moderation/", moderation_views.queue, name="queue"),
    path("c/<slug:slug>/moderation/log/", moderation_views.log, name="log"),
    path(
        "c/<slug:slug>/moderation/members/<int:user_id>/",
        moderation_views.member,
        name="member",
    ),
    path(
        "moderation/comments/<int:pk>/",
        moderation_views.decide,
        {"kind": "comment"},
        name="decide_comment",
    ),
    path(
        "moderation/ideas/<int:pk>/", moderation_views.decide, {"kind": "idea"}, name="decide_idea"
    ),
]
