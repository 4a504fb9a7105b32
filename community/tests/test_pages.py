"""Every page answers for every role; pages for members send visitors to sign in."""

import pytest
from django.urls import reverse

from community.tests.factories import OrganizationFactory

PUBLIC = ["home", "community:organizations", "courses:index", "internships:index", "credentials:index"]
MEMBERS_ONLY = ["community:profile_edit"]


@pytest.fixture
def organization(db):
    return OrganizationFactory(slug="lakeside", name_en="Lakeside University")


def urls(organization, member):
    return {
        **{name: reverse(name) for name in PUBLIC},
        "community:organization": organization.get_absolute_url(),
        "account_login": reverse("account_login"),
        "account_signup": reverse("account_signup"),
    }, {
        **{name: reverse(name) for name in MEMBERS_ONLY},
        "community:profile": reverse("community:profile", args=[member.pk]),
        "account_email": reverse("account_email"),
        "account_change_password": reverse("account_change_password"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["student", "faculty", "staff", "company_contact"])
def test_every_page_answers_for_each_role(client, personas, organization, role):
    public, members_only = urls(organization, personas["student"])
    client.force_login(personas[role])
    for name, url in {**public, **members_only}.items():
        response = client.get(url, follow=name.startswith("account_"))
        assert response.status_code == 200, f"{role} {url}"


@pytest.mark.django_db
def test_anonymous_visitors_see_public_pages_and_are_sent_to_sign_in_for_the_rest(client, student, organization):
    public, members_only = urls(organization, student)
    for url in public.values():
        assert client.get(url).status_code == 200, url
    for url in members_only.values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("staff", 200), ("faculty", 200), ("student", 403), ("company_contact", 403)]
)
def test_admin_is_for_staff_and_faculty(client, personas, role, status):
    client.force_login(personas[role])
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == status


@pytest.mark.django_db
def test_staff_see_organizations_in_the_admin_and_faculty_cannot_change_them(
    client, staff_member, faculty, organization
):
    client.force_login(staff_member)
    assert client.get(reverse("admin:community_organization_change", args=[organization.pk])).status_code == 200
    client.force_login(faculty)
    response = client.get(reverse("admin:community_organization_change", args=[organization.pk]))
    assert response.status_code == 200  # view permission only
    assert 'name="_save"' not in response.content.decode()
    assert client.get(reverse("admin:community_outgoingemail_changelist")).status_code == 403


@pytest.mark.django_db
def test_base_page_is_accessible_markup(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert '<nav class="main-nav" aria-label="Main">' in html
    assert 'name="viewport"' in html
    assert "cdn" not in html.lower()
