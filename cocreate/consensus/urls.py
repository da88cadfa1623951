from django.urls import path

from cocreate.consensus import views

app_name = "consensus"
urlpatterns = [
    path("c/<slug:slug>/conversations/", views.conversation_list, name="list"),
    path("c/<slug:slug>/conversations/new/", views.new_conversation, name="new"),
    path("c/<slug:slug>/conversations/import/", views.import_conversation, name="import"),
    path("conversations/<int:conversation_id>/", views.conversation_detail, name="detail"),
    path("conversations/<int:conversation_id>/vote/", views.vote, name="vote"),
    path("conversations/<int:conversation_id>/statements/", views.add_statement, name="add"),
    path("conversations/<int:conversation_id>/report/", views.report, name="report"),
    path("conversations/<int:conversation_id>/manage/", views.manage, name="manage"),
    path("conversations/<int:conversation_id>/export/", views.export, name="export"),
    path("statements/<int:statement_id>/moderate/", views.moderate, name="moderate"),
    path("challenges/<int:challenge_id>/conversation/", views.from_ideas, name="from_ideas"),
]
