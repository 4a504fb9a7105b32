from django.urls import path

from . import views

app_name = "internships"

urlpatterns = [
    path("", views.index, name="index"),
    path("postings/<int:pk>/", views.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/apply/", views.apply, name="apply"),
    path("postings/<int:pk>/publish/", views.posting_publish, name="posting_publish"),
    path("postings/<int:pk>/send-back/", views.posting_return, name="posting_return"),
    path("searches/", views.saved_searches, name="saved_searches"),
    path("searches/new/", views.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/status/", views.application_transition, name="application_transition"),
    path("applications/<int:pk>/cv/", views.application_cv, name="application_cv"),
    path("applications/<int:pk>/evaluations/<slug:stage>/", views.evaluation_create, name="evaluation_create"),
    path("surveys/<uuid:token>/", views.survey, name="survey"),
    path("staff/queue/", views.staff_queue, name="staff_queue"),
    path("staff/queue/approve/", views.staff_bulk_approve, name="staff_bulk_approve"),
    path("staff/students/<int:user_pk>/eligibility/", views.eligibility_edit, name="eligibility_edit"),
    path("staff/outcomes/", views.outcomes_dashboard, name="outcomes"),
    path("staff/outcomes.csv", views.outcomes_csv, name="outcomes_csv"),
    path("company/", views.company_home, name="company_home"),
    path("company/postings/new/", views.posting_create, name="posting_create"),
    path("company/postings/<int:pk>/edit/", views.posting_edit, name="posting_edit"),
]
