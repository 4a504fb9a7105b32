"""Sign-in with a home university's account, end to end against a real SAML IdP (pysaml2) and a
real OpenID Connect provider, both on loopback: the portal fetches their metadata, discovery
document and keys over HTTP and checks their signatures itself."""

import base64
import shutil
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from community.models import AuditEvent, IdentityProvider, Organization, Role, User
from community.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from community.tests.loopback_idps import XMLSEC1, OidcProvider, SamlIdP, form_fields

pytestmark = pytest.mark.skipif(
    shutil.which(XMLSEC1) is None, reason="xmlsec1 is missing (Debian package xmlsec1): the SAML IdP cannot sign"
)

STUDENT = {
    "eduPersonPrincipalName": "aiko.tanaka@kansai-u.ac.jp",
    "mail": "aiko.tanaka@st.kansai-u.ac.jp",
    "displayName": "Aiko Tanaka",
    "eduPersonAffiliation": ["student", "member"],
    "schacHomeOrganization": "kansai-u.ac.jp",
}


@pytest.fixture
def client():
    """A browser on the portal's loopback address: python3-saml refuses single-label host names
    such as the test client's "testserver" in the SP's own URLs."""
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def kansai(db):
    return OrganizationFactory(
        slug="kansai-u", name_en="Kansai University", name_ja="関西大学", country="JP", email_domains="kansai-u.ac.jp"
    )


@pytest.fixture
def saml_idp(tmp_path):
    idp = SamlIdP(tmp_path).start()
    yield idp
    idp.stop()


@pytest.fixture
def kansai_saml(kansai, saml_idp, client):
    provider = IdentityProvider.objects.create(
        organization=kansai,
        protocol=IdentityProvider.Protocol.SAML,
        slug="kansai-u",
        entity_id=saml_idp.entity_id,
        metadata_url=saml_idp.entity_id,
    )
    # The university registers the portal's SP metadata with its IdP (GakuNin does the same).
    response = client.get(reverse("saml_metadata", args=[provider.slug]))
    assert response.status_code == 200
    saml_idp.sp_metadata = response.content.decode()
    return provider


def saml_sign_in(client, idp, slug="kansai-u", language="en"):
    """Press "Sign in with …", sign in at the IdP, and post its answer back as a browser would."""
    response = client.post(reverse("saml_login", args=[slug]), {"process": "login"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302 and response.url.startswith(idp.base + "/idp/sso?")
    answer = requests.get(response.url, timeout=10)
    assert answer.status_code == 200, answer.text
    action, fields = form_fields(answer.text)
    assert urlsplit(action).path == reverse("saml_acs", args=[slug])
    return fields, action


def post_saml_answer(client, action, fields, language="en"):
    response = client.post(urlsplit(action).path, fields, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    return client.get(response.url, HTTP_ACCEPT_LANGUAGE=language)


def test_sign_in_page_offers_each_configured_university(client, kansai_saml):
    other = OrganizationFactory(name_en="Chiba University")
    IdentityProvider.objects.create(
        organization=other,
        protocol="saml",
        slug="chiba",
        entity_id="https://idp.chiba",
        metadata_url="https://x",
        is_active=False,
    )
    response = client.get(reverse("account_login"))
    page = response.content.decode()
    assert "Sign in with Kansai University" in page
    assert f'action="{reverse("saml_login", args=["kansai-u"])}' in page
    assert "Chiba University" not in page  # inactive: not offered

    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "関西大学でログイン" in page


def test_first_saml_sign_in_creates_the_student_and_the_second_links_to_it(client, saml_idp, kansai_saml, kansai):
    saml_idp.person = STUDENT
    fields, action = saml_sign_in(client, saml_idp, language="ja")
    response = post_saml_answer(client, action, fields, language="ja")

    user = User.objects.get(email="aiko.tanaka@st.kansai-u.ac.jp")
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.display_name == "Aiko Tanaka"
    assert user.organization == kansai
    assert user.role_names == {Role.STUDENT}
    assert user.language == "ja"  # from the browser
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified  # the university vouched for its own address
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (saml_idp.entity_id, "aiko.tanaka@kansai-u.ac.jp")
    assert AuditEvent.objects.filter(event="community.member.federated_sign_up", actor=user).count() == 1

    # Another day, another browser: the same account.
    client.logout()
    saml_idp.person = {**STUDENT, "displayName": "Aiko T."}
    fields, action = saml_sign_in(client, saml_idp)
    response = post_saml_answer(client, action, fields)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1
    assert AuditEvent.objects.filter(event="community.member.federated_sign_up").count() == 1


def test_saml_faculty_and_other_affiliations(client, saml_idp, kansai_saml):
    saml_idp.person = {
        **STUDENT,
        "eduPersonPrincipalName": "sato@kansai-u.ac.jp",
        "mail": "sato@kansai-u.ac.jp",
        "eduPersonAffiliation": ["staff", "member"],
    }
    post_saml_answer(client, *reversed(saml_sign_in(client, saml_idp)))
    assert User.objects.get(email="sato@kansai-u.ac.jp").role_names == {Role.FACULTY}

    client.logout()
    saml_idp.person = {
        **STUDENT,
        "eduPersonPrincipalName": "alum@kansai-u.ac.jp",
        "mail": "alum@kansai-u.ac.jp",
        "eduPersonAffiliation": ["alum"],
    }
    post_saml_answer(client, *reversed(saml_sign_in(client, saml_idp)))
    assert User.objects.get(email="alum@kansai-u.ac.jp").role_names == {Role.GUEST}


def test_tampered_saml_answer_is_refused_with_a_translated_message(client, saml_idp, kansai_saml):
    saml_idp.person = STUDENT
    fields, action = saml_sign_in(client, saml_idp, language="ja")
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert "aiko.tanaka@st.kansai-u.ac.jp" in xml
    fields["SAMLResponse"] = base64.b64encode(xml.replace("aiko.tanaka@st", "dean@st").encode()).decode()
    response = post_saml_answer(client, action, fields, language="ja")

    assert response.status_code == 401
    page = response.content.decode()
    assert "大学からの応答を確認できなかったため、ログインしていません。アカウントも作成されていません。" in page
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_saml_answer_signed_with_a_key_not_in_the_metadata_is_refused(client, saml_idp, kansai_saml, tmp_path):
    from community.tests.loopback_idps import self_signed_certificate

    saml_idp.person = STUDENT
    saml_idp.forged_key = self_signed_certificate(tmp_path, "forger")
    response = post_saml_answer(client, *reversed(saml_sign_in(client, saml_idp)))
    assert response.status_code == 401
    assert "could not be verified, so you have not been signed in" in response.content.decode()
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_existing_verified_account_is_connected_not_duplicated(client, saml_idp, kansai_saml, kansai):
    member = UserFactory(email="aiko.tanaka@st.kansai-u.ac.jp", display_name="Aiko")
    member.groups.set(Group.objects.filter(name=Role.GUEST))
    EmailAddress.objects.update_or_create(user=member, email=member.email, defaults={"verified": True, "primary": True})
    member.organization = None
    member.save()

    saml_idp.person = STUDENT
    response = post_saml_answer(client, *reversed(saml_sign_in(client, saml_idp)))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user == member
    member = User.objects.get(pk=member.pk)
    assert member.organization == kansai and member.role_names == {Role.STUDENT}
    assert member.check_password(PASSWORD)  # a verified address: the password stays


def test_account_that_never_verified_the_address_loses_its_password(client, saml_idp, kansai_saml):
    """Someone registered the student's address without owning the mailbox: the university's
    answer locks them out rather than signing in beside them."""
    squatter = UserFactory(email="aiko.tanaka@st.kansai-u.ac.jp", verified=False)
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)
    saml_idp.person = STUDENT
    post_saml_answer(client, *reversed(saml_sign_in(client, saml_idp)))
    # allauth's rule: the account goes to whoever owns the mailbox. Its password is wiped at once,
    # and the member gets in only after confirming the address from the mail sent to it.
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(pk=squatter.pk).has_usable_password()
    assert SocialAccount.objects.get().user == squatter and User.objects.count() == 1
    other_browser = Client(HTTP_HOST="127.0.0.1")
    other_browser.post(reverse("account_login"), {"login": squatter.email, "password": PASSWORD})
    assert "_auth_user_id" not in other_browser.session


def test_another_universitys_address_is_not_trusted(client, saml_idp, kansai_saml):
    member = UserFactory(email="someone@chiba-u.jp")
    EmailAddress.objects.update_or_create(user=member, email=member.email, defaults={"verified": True, "primary": True})
    OrganizationFactory(slug="chiba-u", name_en="Chiba University", email_domains="chiba-u.jp")
    saml_idp.person = {**STUDENT, "mail": "someone@chiba-u.jp", "schacHomeOrganization": "chiba-u.jp"}
    post_saml_answer(client, *reversed(saml_sign_in(client, saml_idp)))
    # Kansai's IdP cannot sign anyone in to a Chiba account: no session for that member.
    assert client.session.get("_auth_user_id") != str(member.pk)
    assert not SocialAccount.objects.filter(user=member).exists()


def test_metadata_xml_pasted_instead_of_a_url(client, saml_idp, kansai):
    provider = IdentityProvider(
        organization=kansai, protocol="saml", slug="kansai-u", entity_id=saml_idp.entity_id, metadata_xml="<nope/>"
    )
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert "metadata_xml" in error.value.message_dict
    provider.metadata_xml = saml_idp.metadata()
    provider.full_clean()
    provider.save()
    saml_idp.sp_metadata = client.get(reverse("saml_metadata", args=["kansai-u"])).content.decode()
    saml_idp.person = STUDENT
    response = post_saml_answer(client, *reversed(saml_sign_in(client, saml_idp)))
    assert response.status_code == 302
    assert User.objects.get().organization == kansai


# --- OpenID Connect --------------------------------------------------------------------------


@pytest.fixture
def oidc_provider():
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def hub(db, oidc_provider):
    """An OpenID Connect hub that signs in people of several partner universities."""
    OrganizationFactory(
        slug="chiba-u", name_en="Chiba University", name_ja="千葉大学", country="JP", email_domains="chiba-u.jp"
    )
    hub_org = OrganizationFactory(
        slug="consortium-hub", name_en="Consortium Login", name_ja="コンソーシアム認証", kind=Organization.Kind.OTHER
    )
    return IdentityProvider.objects.create(
        organization=hub_org,
        protocol=IdentityProvider.Protocol.OIDC,
        slug="consortium-hub",
        serves_other_organizations=True,
        server_url=oidc_provider.base,
        client_id=oidc_provider.client_id,
        client_secret=oidc_provider.client_secret,
        scopes="openid email profile eduperson_scoped_affiliation",
    )


PROFESSOR = {
    "sub": "8d1c0e6f-prof",
    "email": "suzuki@chiba-u.jp",
    "email_verified": True,
    "name": "Prof. Suzuki",
    "eduperson_scoped_affiliation": ["faculty@chiba-u.jp", "member@chiba-u.jp"],
    "schac_home_organization": "chiba-u.jp",
}


def oidc_sign_in(client, provider, slug="consortium-hub", language="en"):
    response = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": slug}),
        {"process": "login"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302 and response.url.startswith(provider.base + "/authorize?")
    answer = requests.get(response.url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    assert callback.path == reverse("openid_connect_callback", kwargs={"provider_id": slug})
    return client.get(f"{callback.path}?{callback.query}", HTTP_ACCEPT_LANGUAGE=language)


def test_first_oidc_sign_in_creates_the_faculty_member_of_the_named_university(client, oidc_provider, hub):
    oidc_provider.person = PROFESSOR
    response = oidc_sign_in(client, oidc_provider)
    user = User.objects.get(email="suzuki@chiba-u.jp")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.organization.slug == "chiba-u"
    assert user.role_names == {Role.FACULTY}
    assert user.display_name == "Prof. Suzuki"
    assert SocialAccount.objects.get(user=user).provider == "consortium-hub"
    assert set(oidc_provider.scopes_asked) == {"openid", "email", "profile", "eduperson_scoped_affiliation"}

    client.logout()
    response = oidc_sign_in(client, oidc_provider)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1


@pytest.mark.parametrize("mode", ["forged", "wrong_audience"])
def test_oidc_id_token_with_a_bad_signature_or_audience_is_refused(client, oidc_provider, hub, mode):
    oidc_provider.person = PROFESSOR
    oidc_provider.mode = mode
    response = oidc_sign_in(client, oidc_provider, language="ja")
    assert response.status_code == 401
    assert "確認できなかったため、ログインしていません" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_oidc_provider_needs_issuer_and_client(db):
    provider = IdentityProvider(organization=OrganizationFactory(), protocol="oidc", slug="x")
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert {"server_url", "client_id", "client_secret"} <= set(error.value.message_dict)


def test_staff_configure_an_idp_in_the_admin_and_see_the_addresses_to_register(client, staff_member, kansai, faculty):
    client.force_login(staff_member)
    response = client.post(
        reverse("admin:community_identityprovider_add"),
        {
            "organization": kansai.pk,
            "protocol": "saml",
            "slug": "kansai-u",
            "is_active": "on",
            "entity_id": "https://idp.kansai-u.ac.jp/idp/shibboleth",
            "metadata_url": "https://metadata.example.org/gakunin-metadata.xml",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = IdentityProvider.objects.get()
    page = client.get(reverse("admin:community_identityprovider_change", args=[provider.pk])).content.decode()
    assert "/accounts/saml/kansai-u/metadata/" in page and "/accounts/saml/kansai-u/acs/" in page
    assert "SPメタデータ（エンティティID）" in page  # staff_member reads Japanese

    # Missing metadata: a translated form error, nothing saved.
    response = client.post(
        reverse("admin:community_identityprovider_add"),
        {"organization": kansai.pk, "protocol": "saml", "slug": "other", "entity_id": "https://idp.other"},
    )
    assert response.status_code == 200
    assert "メタデータのURLを入力するか、メタデータXMLを貼り付けてください。" in response.content.decode()
    assert IdentityProvider.objects.count() == 1

    # Faculty do not configure sign-in.
    client.force_login(faculty)
    assert client.get(reverse("admin:community_identityprovider_changelist")).status_code == 403


def test_unreachable_idps_get_a_translated_page_not_an_error(client, saml_idp, kansai_saml, oidc_provider, hub):
    saml_idp.stop()
    oidc_provider.stop()
    cache.clear()  # the SP metadata page read the IdP's metadata; a later sign-in must fetch it again
    for url in (
        reverse("saml_login", args=["kansai-u"]),
        reverse("openid_connect_login", kwargs={"provider_id": "consortium-hub"}),
    ):
        response = client.post(url, {"process": "login"}, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 503
        assert "大学のログインサービスに接続できなかったため、ログインしていません。" in response.content.decode()
    assert not User.objects.exists()


def _many_providers(rows):
    for n in range(rows):
        IdentityProvider.objects.create(
            organization=OrganizationFactory(name_en=f"University {n:02d}"),
            protocol="oidc",
            slug=f"idp-{n}",
            server_url="https://idp.example.org",
            client_id="portal",
            client_secret="secret",
        )


@pytest.mark.parametrize("rows", [3, 30])
def test_identity_providers_in_the_admin_hold_the_query_budget(
    client, staff_member, rows, django_assert_max_num_queries
):
    _many_providers(rows)
    client.force_login(staff_member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:community_identityprovider_changelist"))
    assert response.content.decode().count('href="/admin/community/identityprovider/') >= rows


@pytest.mark.parametrize("rows", [3, 30])
def test_sign_in_page_holds_the_query_budget_with_many_universities(db, client, rows, django_assert_max_num_queries):
    _many_providers(rows)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("account_login"))
    assert response.content.decode().count("Sign in with University") == rows


def test_encrypted_assertions_to_the_portals_own_certificate(client, saml_idp, kansai, settings, tmp_path):
    from community.tests.loopback_idps import self_signed_certificate

    key, certificate = self_signed_certificate(tmp_path, "portal-sp")
    settings.SAML_SP_CERTIFICATE_FILE, settings.SAML_SP_PRIVATE_KEY_FILE = str(certificate), str(key)
    IdentityProvider.objects.create(
        organization=kansai,
        protocol="saml",
        slug="kansai-u",
        entity_id=saml_idp.entity_id,
        metadata_url=saml_idp.entity_id,
    )
    metadata = client.get(reverse("saml_metadata", args=["kansai-u"])).content.decode()
    published = "".join(certificate.read_text().splitlines()[1:-1])
    assert published in metadata.replace("\n", "")  # the IdP reads the key to encrypt to here
    saml_idp.sp_metadata = metadata
    saml_idp.encrypt = True
    saml_idp.person = STUDENT
    fields, action = saml_sign_in(client, saml_idp)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert "EncryptedAssertion" in xml and "aiko.tanaka" not in xml
    response = post_saml_answer(client, action, fields)
    assert response.status_code == 302
    assert User.objects.get().email == "aiko.tanaka@st.kansai-u.ac.jp"
