from django.urls import path

from cocreate.communities import views

app_name = "communities"
urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("communities/new/", views.create, name="create"),
    path("invite/<str:code>/", views.invitation, name="invitation"),
    path(
        "applications/<int:application_id>/withdraw/",
        views.withdraw_application,
        name="withdraw_application",
    ),
    path("c/<slug:slug>/", views.detail, name="detail"),
    path("c/<slug:slug>/edit/", views.edit, name="edit"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    path("c/<slug:slug>/apply/", views.apply, name="apply"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/charter/", views.charter_history, name="charter_history"),
    path("c/<slug:slug>/charter/edit/", views.charter_edit, name="charter_edit"),
    path("c/<slug:slug>/charter/<int:number>/", views.charter_version, name="charter_version"),
    path("c/<slug:slug>/circles/new/", views.circle_new, name="circle_new"),
    path("c/<slug:slug>/decide/", views.circle_decide, name="circle_decide"),
    path("c/<slug:slug>/admin/", views.admin, name="admin"),
    path(
        "c/<slug:slug>/admin/applications/<int:application_id>/",
        views.decide_application,
        name="decide_application",
    ),
    path("c/<slug:slug>/admin/members/<int:user_id>/role/", views.change_role, name="change_role"),
    path(
        "c/<slug:slug>/admin/members/<int:user_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("c/<slug:slug>/admin/invitations/", views.create_invitation, name="create_invitation"),
    path(
        "c/<slug:slug>/admin/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
]
