from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("members/<int:pk>/", views.profile_detail, name="profile"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
]
