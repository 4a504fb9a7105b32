from django.urls import path

from . import views, views_cohorts, views_lti, views_programmes

app_name = "courses"

urlpatterns = [
    path("", views.module_list, name="index"),
    path("my-learning/", views.my_learning, name="my_learning"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("programmes/<slug:slug>/withdraw/", views.programme_withdraw, name="programme_withdraw"),
    path(
        "programmes/<slug:slug>/applications/",
        views_programmes.programme_applications,
        name="programme_applications",
    ),
    path(
        "programmes/<slug:slug>/applications/<int:pk>/<str:action>/",
        views_programmes.programme_application_decide,
        name="programme_application_decide",
    ),
    path("cohorts/enrol/", views_cohorts.cohort_enrolment_new, name="cohort_enrolment_new"),
    path("cohorts/enrolments/<int:pk>/", views_cohorts.cohort_enrolment, name="cohort_enrolment"),
    path(
        "cohorts/enrolments/<int:pk>/progress/",
        views_cohorts.cohort_enrolment_progress,
        name="cohort_enrolment_progress",
    ),
    path("modules/<slug:slug>/", views.module_detail, name="module_detail"),
    path("modules/<slug:slug>/calendar.ics", views.module_calendar, name="module_calendar"),
    path("modules/<slug:slug>/enrol/", views.module_enrol, name="enrol"),
    path("modules/<slug:slug>/withdraw/", views.module_withdraw, name="withdraw"),
    path("modules/<slug:slug>/results/", views.module_results, name="results"),
    path("lti/login/", views_lti.lti_login, name="lti_login"),
    path("lti/launch/", views_lti.lti_launch, name="lti_launch"),
    path("lti/jwks/", views_lti.lti_jwks, name="lti_jwks"),
    path("lti/deep-link/", views_lti.lti_deep_link, name="lti_deep_link"),
]
