from django.urls import path

from . import company_views, views

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
    path("outcomes/summary.csv", views.outcomes_summary_csv, name="outcomes_summary_csv"),
    path("companies/register/", company_views.register, name="company_register"),
    path("companies/registration/", company_views.registration_status, name="company_registration"),
    path("companies/<slug:slug>/", company_views.profile, name="company_profile"),
    path("staff/companies/", company_views.staff_registrations, name="company_registrations"),
    path("staff/companies/<int:pk>/approve/", company_views.staff_approve, name="company_approve"),
    path("staff/companies/<int:pk>/decline/", company_views.staff_decline, name="company_decline"),
    path("company/colleagues/", company_views.colleagues, name="company_colleagues"),
    path(
        "company/colleagues/invitations/<int:pk>/withdraw/",
        company_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<uuid:token>/", company_views.invitation, name="invitation"),
    path("applications/<int:pk>/testimonial/", company_views.testimonial, name="testimonial"),
    path("company/", views.company_home, name="company_home"),
    path("company/postings/new/", views.posting_create, name="posting_create"),
    path("company/postings/<int:pk>/edit/", views.posting_edit, name="posting_edit"),
]
