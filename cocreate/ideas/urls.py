from django.urls import path

from cocreate.ideas import views

app_name = "ideas"
urlpatterns = [
    path("challenges/<int:challenge_id>/ideas/new/", views.idea_new, name="new"),
    path("c/<slug:slug>/stages/", views.community_stages, name="stages"),
    path("c/<slug:slug>/stages/<str:key>/delete/", views.remove_stage, name="remove_stage"),
    path("challenges/<int:challenge_id>/similar/", views.similar_panel, name="similar"),
    path("ideas/<int:idea_id>/", views.idea_detail, name="detail"),
    path("ideas/<int:idea_id>/edit/", views.idea_edit, name="edit"),
    path("ideas/<int:idea_id>/images/", views.idea_images, name="images"),
    path("idea-images/<int:image_id>/describe/", views.image_describe, name="image_describe"),
    path("idea-images/<int:image_id>/remove/", views.image_remove, name="image_remove"),
    path("ideas/<int:idea_id>/support/", views.idea_support, name="support"),
    path("ideas/<int:idea_id>/withdraw/", views.idea_withdraw, name="withdraw"),
    path("ideas/<int:idea_id>/stage/", views.idea_stage, name="stage"),
    path("ideas/<int:idea_id>/coauthors/", views.coauthor_invite, name="coauthor_invite"),
    path("ideas/<int:idea_id>/coauthors/answer/", views.coauthor_answer, name="coauthor_answer"),
    path("ideas/<int:idea_id>/merge/", views.idea_merge, name="merge"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("ideas/<int:idea_id>/versions/", views.idea_versions, name="versions"),
    path("ideas/<int:idea_id>/lineage/", views.idea_lineage, name="lineage"),
]
