from django.urls import path

from . import views
from .views import groups, messaging

app_name = "community"

urlpatterns = [
    path("", groups.group_list, name="group_list"),
    path("members/<int:pk>/", views.profile_detail, name="profile"),
    path("members/<int:user_id>/message/", messaging.conversation_start, name="conversation_start"),
    path("members/<int:user_id>/block/", messaging.member_block, name="member_block"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("feed/", groups.feed, name="feed"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<slug:slug>/", groups.group_detail, name="group_detail"),
    path("groups/<slug:slug>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<slug:slug>/join/", groups.group_join, name="group_join"),
    path("groups/<slug:slug>/leave/", groups.group_leave, name="group_leave"),
    path("groups/<slug:slug>/notifications/", groups.group_notification_settings, name="group_notifications"),
    path("groups/<slug:slug>/members/", groups.group_members, name="group_members"),
    path("groups/<slug:slug>/members/invite/", groups.member_invite, name="member_invite"),
    path("groups/<slug:slug>/members/<int:user_id>/", groups.member_manage, name="member_manage"),
    path("groups/<slug:slug>/invitation/", groups.invitation_answer, name="invitation_answer"),
    path("groups/<slug:slug>/requests/", groups.group_requests, name="group_requests"),
    path("groups/<slug:slug>/requests/<int:pk>/", groups.request_decide, name="request_decide"),
    path("groups/<slug:slug>/posts/", groups.post_create, name="post_create"),
    path("groups/<slug:slug>/posts/<int:pk>/", groups.post_detail, name="post_detail"),
    path("groups/<slug:slug>/posts/<int:pk>/edit/", groups.post_edit, name="post_edit"),
    path("groups/<slug:slug>/posts/<int:pk>/delete/", groups.post_delete, name="post_delete"),
    path("groups/<slug:slug>/posts/<int:pk>/react/", groups.post_react, name="post_react"),
    path("groups/<slug:slug>/posts/<int:pk>/report/", groups.content_report, name="post_report"),
    path("groups/<slug:slug>/posts/<int:pk>/comments/", groups.comment_create, name="comment_create"),
    path(
        "groups/<slug:slug>/posts/<int:pk>/comments/<int:comment_pk>/delete/",
        groups.comment_delete,
        name="comment_delete",
    ),
    path("messages/", messaging.conversation_list, name="conversation_list"),
    path("messages/new/", messaging.conversation_start, name="conversation_new"),
    path("messages/<int:pk>/", messaging.conversation_detail, name="conversation"),
    path("messages/<int:pk>/send/", messaging.message_send, name="message_send"),
    path("messages/<int:pk>/poll/", messaging.conversation_poll, name="conversation_poll"),
    path("messages/<int:pk>/leave/", messaging.conversation_leave, name="conversation_leave"),
    path("messages/<int:pk>/report/<int:message_pk>/", messaging.message_report, name="message_report"),
    path("notifications/", messaging.notification_list, name="notification_list"),
    path("notifications/read/", messaging.notification_read, name="notification_read"),
    path("notifications/settings/", messaging.notification_settings, name="notification_settings"),
    path("moderation/", messaging.moderation_queue, name="moderation_queue"),
    path("moderation/<int:pk>/", messaging.moderation_decide, name="moderation_decide"),
]
