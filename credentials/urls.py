from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.index, name="index"),
    path("achievements/<slug:slug>/", views.achievement_detail, name="achievement_detail"),
    path("wallet/", views.wallet, name="wallet"),
    path("awards/<uuid:public_id>/", views.award_detail, name="award_detail"),
    path("awards/<uuid:public_id>/badge.png", views.award_image, name="award_image"),
    path("awards/<uuid:public_id>/credential.json", views.award_credential, name="award_credential"),
    path("wallet/learner-record.json", views.learner_record, name="learner_record"),
    path("status/<uuid:public_id>/", views.status_list, name="status_list"),
    path("verify/", views.verify, name="verify"),
    path("verify/api/", views.verify_api, name="verify_api"),
    path("awards/<uuid:public_id>/visibility/", views.award_visibility, name="award_visibility"),
    path("credit-bank/", views.credit_bank, name="credit_bank"),
    path("credit-bank/recognition/", views.recognition_request_create, name="recognition_request_create"),
    path("staff/", views.staff_index, name="staff_index"),
    path("staff/award/", views.staff_award, name="staff_award"),
    path("staff/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("staff/batches/<int:pk>/progress.json", views.batch_progress, name="batch_progress"),
    path("staff/achievements/<slug:slug>/holders/", views.holder_list, name="holder_list"),
    path("staff/awards/<uuid:public_id>/revoke/", views.award_revoke, name="award_revoke"),
    path("staff/recognition/", views.recognition_queue, name="recognition_queue"),
    path("staff/recognition/<int:pk>/", views.recognition_decide, name="recognition_decide"),
]
