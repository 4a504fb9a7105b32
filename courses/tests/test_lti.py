"""LTI 1.3 end to end against a platform on loopback: real RSA keys, signed JWTs and JWKS over HTTP."""

import urllib.parse
import urllib.request
from decimal import Decimal

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from community.models import Membership, Role, User
from community.tests.factories import UserFactory
from conftest import wait_for
from courses import lti_services, tasks
from courses.models import (
    AuditEntry,
    Enrolment,
    LtiAccount,
    LtiDeployment,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    Module,
)
from courses.services import record_results
from courses.tests.factories import published_module
from courses.tests.lti_platform import INSTRUCTOR, Platform, parse_form

TEST_KEY_ENCRYPTION_KEY = "test-only-key-encryption-secret-0123456789-abcdef"


@pytest.fixture(autouse=True)
def _key_encryption_key(monkeypatch, settings):
    monkeypatch.setenv("CREDENTIALS_KEY_ENCRYPTION_KEY", TEST_KEY_ENCRYPTION_KEY)
    monkeypatch.delenv("CREDENTIALS_KEY_ENCRYPTION_KEY_PREVIOUS", raising=False)
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = TEST_KEY_ENCRYPTION_KEY


@pytest.fixture
def platform(db):
    with Platform() as server:
        row = LtiPlatform.objects.create(
            name="Moodle of Kansai",
            issuer=server.issuer,
            client_id=server.client_id,
            auth_login_url=server.url + "/auth",
            auth_token_url=server.url + "/token",
            jwks_url=server.url + "/jwks",
        )
        LtiDeployment.objects.create(platform=row, deployment_id=server.deployment_id)
        server.row = row
        yield server


@pytest.fixture
def teacher(db):
    return UserFactory(roles=["faculty"], display_name="Dr. Jones")


@pytest.fixture
def module(teacher):
    return published_module(owners=[teacher], min_attendance_percent=80, min_grade=60)


def launch(client, platform, *, user: str, hint: str, **headers):
    """What a browser does: the platform's login initiation, its authorization answer, the form post."""
    response = client.get(
        reverse("courses:lti_login"),
        {"iss": platform.issuer, "login_hint": user, "target_link_uri": "x", "lti_message_hint": hint},
        **headers,
    )
    assert response.status_code == 302, response.content
    with urllib.request.urlopen(response["Location"], timeout=10) as answer:  # noqa: S310 - loopback
        action, fields = parse_form(answer.read().decode())
    assert action.endswith(reverse("courses:lti_launch"))
    response = client.post(urllib.parse.urlsplit(action).path, fields, **headers)
    response.lti_fields = fields
    return response


def counts():
    return (User.objects.count(), LtiAccount.objects.count(), Membership.objects.count(), Enrolment.objects.count())


# --- launches --------------------------------------------------------------------------------------


def test_learner_launch_creates_account_enrols_and_opens_module_group(client, platform, module):
    platform.add_user("aiko", email="Aiko@Partner.example.edu", locale="ja-JP")
    platform.add_launch("open", custom={"jige_module": module.slug})

    response = launch(client, platform, user="aiko", hint="open")

    assert response.status_code == 302
    assert response["Location"] == module.group.get_absolute_url()
    learner = User.objects.get(email="aiko@partner.example.edu")
    assert learner.display_name == "Aiko Tanaka"
    assert learner.language == "ja"
    assert learner.has_role(Role.STUDENT)
    assert EmailAddress.objects.get(user=learner).verified
    assert LtiAccount.objects.get(user=learner).subject == "sub-aiko"
    assert Membership.objects.filter(group=module.group, user=learner).exists()
    assert Enrolment.objects.get(module=module, learner=learner).status == Enrolment.Status.ENROLLED
    assert client.get(module.group.get_absolute_url()).status_code == 200  # signed in
    assert AuditEntry.objects.filter(event="courses.lti.account_created", subject=learner).exists()


def test_launch_links_an_existing_account_by_email_and_then_by_platform_id(client, platform, module, student):
    platform.add_user("stu", email=student.email.upper())
    platform.add_launch("open", custom={"jige_module": module.slug})
    before = User.objects.count()

    assert launch(client, platform, user="stu", hint="open").status_code == 302
    assert LtiAccount.objects.get().user == student
    client.logout()
    platform.users["stu"]["email"] = "changed@elsewhere.example"  # the link by platform id holds
    assert launch(client, platform, user="stu", hint="open").status_code == 302

    assert User.objects.count() == before
    assert LtiAccount.objects.count() == 1
    assert AuditEntry.objects.filter(event="courses.lti.account_linked", subject=student).count() == 1


def test_instructor_launch_creates_a_faculty_account(client, platform, module):
    platform.add_user("prof", email="prof@partner.example.edu", roles=[INSTRUCTOR])
    platform.add_launch("open", custom={"jige_module": module.slug})
    assert launch(client, platform, user="prof", hint="open")["Location"] == module.group.get_absolute_url()
    instructor = User.objects.get(email="prof@partner.example.edu")
    assert instructor.has_role(Role.FACULTY)
    assert Membership.objects.filter(group=module.group, user=instructor).exists()
    assert not Enrolment.objects.filter(learner=instructor).exists()  # no learner's seat taken


def test_launch_into_a_full_module_still_opens_its_group_and_says_why(client, platform, module, other_student):
    module.seats = 1
    module.save(update_fields=["seats"])
    lti_services.community_services.add_member(group=module.group, user=other_student)
    Enrolment.objects.create(module=module, learner=other_student, status=Enrolment.Status.ENROLLED)
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("open", custom={"jige_module": module.slug})

    response = launch(client, platform, user="aiko", hint="open")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")

    assert "This module is full" in page.content.decode()
    assert Membership.objects.filter(group=module.group, user__email="aiko@partner.example.edu").exists()


def test_staff_accounts_are_not_opened_from_a_platform(client, platform, module, staff_member):
    platform.add_user("boss", email=staff_member.email)
    platform.add_launch("open", custom={"jige_module": module.slug})
    before = counts()
    response = launch(client, platform, user="boss", hint="open")
    assert response.status_code == 403
    assert "Sign in to the portal directly" in response.content.decode()
    assert counts() == before


def test_jwks_endpoint_publishes_the_public_key_only(client, db):
    keys = client.get(reverse("courses:lti_jwks")).json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0] and "p" not in keys[0]
    assert keys[0]["kid"] == lti_services.tool_key()[0]


def test_a_rotated_tool_key_stays_published_beside_the_new_one(client, db):
    old_kid, _key = lti_services.tool_key()
    new_kid = lti_services.rotate_tool_key()
    assert new_kid != old_kid
    assert lti_services.tool_key()[0] == new_kid
    assert {key["kid"] for key in client.get(reverse("courses:lti_jwks")).json()["keys"]} == {old_kid, new_kid}


# --- refused launches: a clear, translated page and nothing written -------------------------------


@pytest.mark.parametrize(
    ("options", "reason_ja"),
    [
        (
            {"sign_with": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
            "プラットフォームの鍵で署名されていない",
        ),
        ({"aud": "another-tool"}, "別のツール宛て"),
        ({"deployment_id": "unknown-deployment"}, "配置 ID"),
        ({"lifetime": -300}, "有効期限が切れています"),
    ],
    ids=["wrong-signature", "wrong-audience", "unknown-deployment", "expired"],
)
def test_refused_launch_shows_a_translated_reason_and_creates_nothing(client, platform, module, options, reason_ja):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("bad", custom={"jige_module": module.slug}, **options)
    before = counts()

    response = launch(client, platform, user="aiko", hint="bad", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 400
    page = response.content.decode()
    assert "コースからのリンクを開けませんでした" in page
    assert reason_ja in page
    assert counts() == before
    assert "_auth_user_id" not in client.session


def test_replayed_launch_is_refused(client, platform, module):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("open", custom={"jige_module": module.slug})
    first = launch(client, platform, user="aiko", hint="open")
    assert first.status_code == 302
    client.logout()
    state = first.lti_fields["state"]
    client.cookies["jige-lti-" + state[:16]] = state  # even with the state cookie put back

    again = client.post(reverse("courses:lti_launch"), first.lti_fields, HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 400
    assert "already been used" in again.content.decode()
    assert LtiAccount.objects.count() == 1


def test_id_token_with_another_logins_nonce_is_refused(client, platform, module):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("open", custom={"jige_module": module.slug})
    # A token the platform issued for an earlier login, posted with a new login's state.
    old = client.get(
        reverse("courses:lti_login"), {"iss": platform.issuer, "login_hint": "aiko", "lti_message_hint": "open"}
    )
    with urllib.request.urlopen(old["Location"], timeout=10) as answer:  # noqa: S310 - loopback
        _action, old_fields = parse_form(answer.read().decode())
    new = client.get(
        reverse("courses:lti_login"), {"iss": platform.issuer, "login_hint": "aiko", "lti_message_hint": "open"}
    )
    new_state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(new["Location"]).query))["state"]
    before = counts()

    response = client.post(
        reverse("courses:lti_launch"),
        {"id_token": old_fields["id_token"], "state": new_state},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "does not match the one the portal started" in response.content.decode()
    assert counts() == before


def test_launch_from_another_browser_is_refused(client, platform, module):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("open", custom={"jige_module": module.slug})
    start = client.get(
        reverse("courses:lti_login"), {"iss": platform.issuer, "login_hint": "aiko", "lti_message_hint": "open"}
    )
    with urllib.request.urlopen(start["Location"], timeout=10) as answer:  # noqa: S310 - loopback
        _action, fields = parse_form(answer.read().decode())
    client.cookies.clear()

    response = client.post(reverse("courses:lti_launch"), fields, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "started in another browser" in response.content.decode()
    assert not LtiAccount.objects.exists()


def test_login_from_an_unregistered_platform_is_refused(client, db):
    response = client.get(
        reverse("courses:lti_login"),
        {"iss": "https://unknown.example", "login_hint": "x"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    assert "ポータルに登録されていません" in response.content.decode()


def test_a_link_not_placed_yet_says_so(client, platform):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("open")
    before = counts()
    response = launch(client, platform, user="aiko", hint="open", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "does not lead to a module or a group yet" in response.content.decode()
    assert counts() == before


# --- Deep Linking -----------------------------------------------------------------------------------


def test_instructor_places_a_module_with_deep_linking_and_learners_then_land_in_it(client, platform, module):
    platform.add_user("prof", email="prof@partner.example.edu", roles=[INSTRUCTOR])
    platform.add_deep_linking("pick")

    response = launch(client, platform, user="prof", hint="pick")
    assert response["Location"] == reverse("courses:lti_deep_link")
    picker = client.get(reverse("courses:lti_deep_link"))
    assert module.title in picker.content.decode()
    answer = client.post(reverse("courses:lti_deep_link"), {"item": f"module:{module.pk}"})
    action, fields = parse_form(answer.content.decode().split("<main", 1)[-1])
    assert action == platform.url + "/deep-link-return"

    # The browser posts the signed response to the platform, which checks it with the tool's JWKS.
    platform.tool_jwks = client.get(reverse("courses:lti_jwks")).json()
    data = urllib.parse.urlencode({"JWT": fields["JWT"]}).encode()
    with urllib.request.urlopen(action, data=data, timeout=10) as placed:  # noqa: S310 - loopback
        assert placed.status == 200
    claims = platform.deep_link_responses[0]
    assert claims["iss"] == platform.client_id
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == platform.deployment_id
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-opaque-data"
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"jige_module": module.slug}
    assert item["lineItem"]["scoreMaximum"] == 100

    # The platform now launches learners with the item's custom parameters.
    client.logout()
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("placed", resource_link_id="placed-link", custom=item["custom"])
    assert launch(client, platform, user="aiko", hint="placed")["Location"] == module.group.get_absolute_url()
    assert LtiResourceLink.objects.get(resource_link_id="placed-link").module == module


def test_learners_cannot_deep_link(client, platform, module):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_deep_linking("pick")
    before = counts()
    response = launch(client, platform, user="aiko", hint="pick", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Only instructors" in response.content.decode()
    assert counts() == before


def test_deep_link_picker_needs_a_deep_linking_launch(client, faculty):
    client.force_login(faculty)
    response = client.get(reverse("courses:lti_deep_link"))
    assert response.status_code == 400
    assert (
        "このコンテンツの選択は有効期限が切れました" in response.content.decode()
    )  # the faculty persona reads Japanese


def test_deep_link_picker_refuses_an_empty_choice(client, platform, module):
    platform.add_user("prof", email="prof@partner.example.edu", roles=[INSTRUCTOR])
    platform.add_deep_linking("pick")
    launch(client, platform, user="prof", hint="pick")
    response = client.post(reverse("courses:lti_deep_link"), {"item": "module:999999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose a module or a group" in response.content.decode()


# --- Assignment and Grade Services --------------------------------------------------------------------


def _launched_learner(client, platform, module):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("open", custom={"jige_module": module.slug}, lineitem="/lineitems/7")
    assert launch(client, platform, user="aiko", hint="open").status_code == 302
    return User.objects.get(email="aiko@partner.example.edu")


def test_completion_is_sent_to_the_course_grade_column_once(
    client, platform, module, teacher, django_capture_on_commit_callbacks
):
    learner = _launched_learner(client, platform, module)
    lti_services.tool_key()
    platform.tool_jwks = lti_services.tool_jwks()
    enrolment = Enrolment.objects.get(module=module, learner=learner)

    with django_capture_on_commit_callbacks(execute=True):
        record_results(module=module, results=[(enrolment, Decimal(95), Decimal(88))], by=teacher)

    assert len(platform.scores) == 1
    path, body = platform.scores[0]
    assert path == "/lineitems/7"
    assert body["userId"] == "sub-aiko"
    assert body["scoreGiven"] == 88.0 and body["scoreMaximum"] == 100.0
    assert body["activityProgress"] == "Completed" and body["gradingProgress"] == "FullyGraded"
    score = LtiScore.objects.get()
    assert score.status == LtiScore.Status.SENT

    # Run twice: the second run finds it sent and posts nothing.
    assert tasks.send_lti_score.delay(score.pk).get() is False
    assert len(platform.scores) == 1
    assert AuditEntry.objects.filter(event="courses.lti.score_sent", subject=learner).count() == 1


def test_a_score_the_platform_could_not_take_stays_pending_and_the_sweep_sends_it(
    client, platform, module, teacher, django_capture_on_commit_callbacks
):
    learner = _launched_learner(client, platform, module)
    enrolment = Enrolment.objects.get(module=module, learner=learner)
    LtiPlatform.objects.filter(pk=platform.row.pk).update(auth_token_url="http://127.0.0.1:9/token")  # nothing listens

    with django_capture_on_commit_callbacks(execute=True):
        record_results(module=module, results=[(enrolment, Decimal(95), Decimal(70))], by=teacher)

    score = LtiScore.objects.get()
    assert score.status == LtiScore.Status.PENDING and score.last_error
    assert platform.scores == []

    LtiPlatform.objects.filter(pk=platform.row.pk).update(auth_token_url=platform.url + "/token")
    platform.tool_jwks = lti_services.tool_jwks()
    LtiScore.objects.filter(pk=score.pk).update(created_at=score.created_at.replace(year=2020))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_lti_scores.delay().get() == 1
    assert [body["scoreGiven"] for _path, body in platform.scores] == [70.0]
    assert LtiScore.objects.get().status == LtiScore.Status.SENT
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_lti_scores.delay().get() == 0  # run again: nothing left to send
    assert len(platform.scores) == 1


def test_an_unreachable_platform_key_set_is_a_temporary_error_page(client, platform, module):
    platform.add_user("aiko", email="aiko@partner.example.edu")
    platform.add_launch("open", custom={"jige_module": module.slug})
    LtiPlatform.objects.filter(pk=platform.row.pk).update(jwks_url="http://127.0.0.1:9/jwks")  # nothing listens
    before = counts()
    response = launch(client, platform, user="aiko", hint="open", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "could not reach your learning platform" in response.content.decode()
    assert counts() == before


def test_the_token_request_is_a_signed_client_assertion_the_platform_checks(platform, db):
    kid, key = lti_services.tool_key()
    platform.tool_jwks = lti_services.tool_jwks()
    from courses import lti

    assert lti.access_token(token_url=platform.url + "/token", client_id=platform.client_id, key=key, kid=kid)
    forged = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(lti.LtiError):
        lti.access_token(token_url=platform.url + "/token", client_id="other", key=forged, kid=kid)
    assert platform.token_requests == 1


@pytest.fixture
def worker_env(worker_env):
    worker_env["CREDENTIALS_KEY_ENCRYPTION_KEY"] = TEST_KEY_ENCRYPTION_KEY
    return worker_env


def test_a_real_worker_sends_the_completion(transactional_db, celery_worker_process, client, platform, module, teacher):
    learner = _launched_learner(client, platform, module)
    lti_services.tool_key()
    platform.tool_jwks = lti_services.tool_jwks()
    enrolment = Enrolment.objects.get(module=module, learner=learner)

    record_results(module=module, results=[(enrolment, Decimal(90), Decimal(77))], by=teacher)

    wait_for(lambda: LtiScore.objects.filter(status=LtiScore.Status.SENT).exists(), timeout=60)
    assert [body["scoreGiven"] for _path, body in platform.scores] == [77.0]


# --- admin ----------------------------------------------------------------------------------------


def test_staff_register_a_platform_in_the_admin_and_faculty_cannot(client, staff_member, faculty, db):
    client.force_login(staff_member)
    page = client.get(reverse("admin:courses_ltiplatform_add"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert reverse("courses:lti_login") in page.content.decode()
    response = client.post(
        reverse("admin:courses_ltiplatform_add"),
        {
            "name": "Canvas of Chiba",
            "is_active": "on",
            "issuer": "https://canvas.chiba.example",
            "client_id": "10000000000001",
            "auth_login_url": "https://sso.canvas.chiba.example/api/lti/authorize_redirect",
            "auth_token_url": "https://sso.canvas.chiba.example/login/oauth2/token",
            "jwks_url": "https://sso.canvas.chiba.example/api/lti/security/jwks",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-0-deployment_id": "42:abc",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LtiDeployment.objects.get().platform.name == "Canvas of Chiba"
    client.force_login(faculty)
    assert client.get(reverse("admin:courses_ltiplatform_changelist")).status_code == 403


def test_platform_list_in_the_admin_holds_its_query_budget(client, staff_member, django_assert_max_num_queries):
    client.force_login(staff_member)
    for count in (3, 30):
        LtiPlatform.objects.all().delete()
        for index in range(count):
            LtiPlatform.objects.create(
                name=f"LMS {index}",
                issuer=f"https://lms{index}.example",
                client_id="c",
                auth_login_url="https://lms.example/a",
                auth_token_url="https://lms.example/t",
                jwks_url="https://lms.example/k",
            )
        with django_assert_max_num_queries(12):
            assert client.get(reverse("admin:courses_ltiplatform_changelist")).status_code == 200


def test_decoding_refuses_a_token_for_two_audiences_without_azp(platform, db):
    from courses import lti

    token = jwt.encode(
        {
            "iss": platform.issuer,
            "aud": [platform.client_id, "other"],
            "sub": "s",
            "exp": 9999999999,
            "iat": 1,
            "nonce": "n",
        },
        platform.key,
        algorithm="RS256",
        headers={"kid": platform.kid},
    )
    with pytest.raises(lti.LtiError) as refused:
        lti.decode_id_token(
            token, issuer=platform.issuer, client_id=platform.client_id, jwks_url=platform.url + "/jwks", nonce="n"
        )
    assert refused.value.code == "audience"


def test_a_learner_who_completed_lands_in_the_alumni_group(client, platform, module, student):
    Enrolment.objects.create(module=module, learner=student, status=Enrolment.Status.COMPLETED)
    platform.add_user("stu", email=student.email)
    platform.add_launch("open", custom={"jige_module": module.slug})
    assert launch(client, platform, user="stu", hint="open")["Location"] == module.alumni_group.get_absolute_url()


def test_a_platform_switched_off_cannot_start_a_launch(client, platform, module):
    LtiPlatform.objects.filter(pk=platform.row.pk).update(is_active=False)
    response = client.get(
        reverse("courses:lti_login"), {"iss": platform.issuer, "login_hint": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "not registered with the portal" in response.content.decode()


def test_deep_link_picker_holds_its_query_budget(client, platform, teacher, django_assert_max_num_queries):
    platform.add_user("prof", email="prof@partner.example.edu", roles=[INSTRUCTOR])
    platform.add_deep_linking("pick")
    launch(client, platform, user="prof", hint="pick")
    for count in (3, 30):
        while Module.objects.published().count() < count:
            published_module(owners=[teacher])
        with django_assert_max_num_queries(10):
            page = client.get(reverse("courses:lti_deep_link"))
        assert page.content.decode().count('name="item"') >= count


def test_end_to_end_over_http_with_the_portal_on_a_live_server(live_server, settings, platform, teacher):
    """Browser, portal and platform each on their own loopback port; the platform reads the
    portal's key set from its public URL, as a real LMS does."""
    settings.SITE_URL = live_server.url
    platform.tool_jwks_url = live_server.url + reverse("courses:lti_jwks")
    module = published_module(owners=[teacher])
    platform.add_user("prof", email="prof@partner.example.edu", roles=[INSTRUCTOR])
    platform.add_deep_linking("pick")
    platform.add_user("aiko", email="aiko@partner.example.edu")
    browser = requests.Session()

    def open_from_course(user, hint):
        answer = browser.get(
            live_server.url + reverse("courses:lti_login"),
            params={"iss": platform.issuer, "login_hint": user, "lti_message_hint": hint, "target_link_uri": "x"},
            timeout=30,
        )
        action, fields = parse_form(answer.text)
        return browser.post(action, data=fields, timeout=30)

    picker = open_from_course("prof", "pick")
    assert picker.url == live_server.url + reverse("courses:lti_deep_link")
    chosen = browser.post(
        picker.url,
        data={"item": f"module:{module.pk}", "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": picker.url},
        timeout=30,
    )
    action, fields = parse_form(chosen.text.split("<main", 1)[-1])
    assert browser.post(action, data=fields, timeout=30).status_code == 200
    (item,) = platform.deep_link_responses[0]["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]

    browser.cookies.clear()
    platform.add_launch("placed", resource_link_id="placed", custom=item["custom"], lineitem="/lineitems/9")
    group_page = open_from_course("aiko", "placed")
    assert group_page.status_code == 200
    assert group_page.url == live_server.url + module.group.get_absolute_url()

    enrolment = Enrolment.objects.get(module=module, learner__email="aiko@partner.example.edu")
    record_results(module=module, results=[(enrolment, Decimal(100), Decimal(91))], by=teacher)
    assert [(path, body["scoreGiven"]) for path, body in platform.scores] == [("/lineitems/9", 91.0)]
