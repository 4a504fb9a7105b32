"""Secret stays secret in the admin too: faculty (who may view groups, memberships and users)
see a secret group only when they belong to it, member lists only where the portal shows them,
and nobody's e-mail address; they find co-owners by name and university. Staff see all."""

import pytest
from django.urls import reverse

from community import services
from community.tests.factories import CommunityGroupFactory, OrganizationFactory, UserFactory
from community.tests.pages import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_group(student):
    group = CommunityGroupFactory(name_en="Hidden Tea Circle", name_ja="秘密の茶会", visibility="secret")
    services.add_member(group=group, user=student, role="owner")
    return group


@pytest.fixture
def own_secret_group(faculty):
    group = CommunityGroupFactory(name_en="Faculty Back Room", name_ja="教員の控室", visibility="secret")
    services.add_member(group=group, user=faculty, role="owner")
    return group


@pytest.fixture
def open_group(other_student):
    group = CommunityGroupFactory(name_en="Open Hiking Club", name_ja="ハイキング部")
    services.add_member(group=group, user=other_student)
    return group


@pytest.fixture
def request_group(db):
    group = CommunityGroupFactory(name_en="Quiet Reading Room", name_ja="読書室", join_policy="request")
    services.add_member(group=group, user=UserFactory(display_name="Rin Reader", email="rin.reader@example.org"))
    return group


@pytest.fixture
def colleague(db):
    kansai = OrganizationFactory(name_en="Kansai University", name_ja="関西大学", slug="kansai", country="JP")
    return UserFactory(
        roles=["faculty"], display_name="Prof. Yamada", email="k.yamada@uni-a.example", organization=kansai
    )


def autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "moduleowner", "field_name": "user", "term": term},
    )
    assert response.status_code == 200
    return response


# --- secret groups --------------------------------------------------------------------------


def test_faculty_group_changelist_lists_public_groups_and_their_own_secret_ones(
    client, faculty, secret_group, own_secret_group, open_group
):
    client.force_login(faculty)
    html = page(client.get(reverse("admin:community_communitygroup_changelist")))
    assert "Open Hiking Club" in html or "ハイキング部" in html
    assert "教員の控室" in html or "Faculty Back Room" in html
    assert "Hidden Tea Circle" not in html and "秘密の茶会" not in html


def test_faculty_opening_a_secret_group_they_are_not_in_is_told_it_does_not_exist(client, faculty, secret_group):
    client.force_login(faculty)
    missing = 10**9
    for view in ("change", "history", "delete"):
        secret = client.get(reverse(f"admin:community_communitygroup_{view}", args=[secret_group.pk]))
        absent = client.get(reverse(f"admin:community_communitygroup_{view}", args=[missing]))
        # Exactly what an unknown number gets, so a secret group cannot be told from none:
        # "does not exist" back to the index, or 403 where viewing is allowed but deleting not.
        assert (secret.status_code, secret.get("Location")) == (absent.status_code, absent.get("Location"))
        assert (secret.status_code, secret.get("Location")) in {(302, reverse("admin:index")), (403, None)}
    shown = page(client.get(reverse("admin:community_communitygroup_change", args=[secret_group.pk]), follow=True))
    assert "Hidden Tea Circle" not in shown and "秘密の茶会" not in shown


def test_faculty_group_autocomplete_leaves_out_secret_groups(client, faculty, secret_group, open_group):
    client.force_login(faculty)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "community", "model_name": "membership", "field_name": "group", "term": ""},
    )
    texts = {result["text"] for result in response.json()["results"]}
    assert texts & {"Open Hiking Club", "ハイキング部"}
    assert not texts & {"Hidden Tea Circle", "秘密の茶会"}


def test_staff_see_every_secret_group_and_its_members(client, staff_member, secret_group, student):
    client.force_login(staff_member)
    html = page(client.get(reverse("admin:community_communitygroup_changelist")))
    assert "秘密の茶会" in html or "Hidden Tea Circle" in html
    change = client.get(reverse("admin:community_communitygroup_change", args=[secret_group.pk]))
    assert change.status_code == 200 and "memberships-TOTAL_FORMS" in page(change)
    assert "Mai Student" in page(client.get(reverse("admin:community_membership_changelist")))


# --- member lists ---------------------------------------------------------------------------


def test_faculty_membership_changelist_lists_members_only_where_the_portal_shows_them(
    client, faculty, secret_group, own_secret_group, open_group, request_group
):
    client.force_login(faculty)
    html = page(client.get(reverse("admin:community_membership_changelist")))
    assert "Lucas Other" in html  # an open, public group
    assert "Prof. Sato" in html  # their own secret group
    assert "Mai Student" not in html  # a secret group they are not in
    assert "Rin Reader" not in html  # a group whose members are for its members only


def test_faculty_group_page_shows_no_member_list_of_a_group_they_are_not_in(client, faculty, request_group, open_group):
    client.force_login(faculty)
    private = page(client.get(reverse("admin:community_communitygroup_change", args=[request_group.pk])))
    assert "読書室" in private or "Quiet Reading Room" in private
    assert "memberships-TOTAL_FORMS" not in private and "Rin Reader" not in private
    public = page(client.get(reverse("admin:community_communitygroup_change", args=[open_group.pk])))
    assert "memberships-TOTAL_FORMS" in public and "Lucas Other" in public


def test_faculty_cannot_search_memberships_by_email_address(client, faculty, open_group):
    client.force_login(faculty)
    url = reverse("admin:community_membership_changelist")
    assert "Lucas Other" in page(client.get(url, {"q": "Lucas"}))
    assert "Lucas Other" not in page(client.get(url, {"q": "lucas.other@"}))


# --- e-mail addresses -----------------------------------------------------------------------


def test_faculty_user_changelist_shows_no_email_addresses(client, faculty, student, other_student, colleague):
    client.force_login(faculty)
    html = page(client.get(reverse("admin:community_user_changelist")))
    assert "Mai Student" in html and "Prof. Yamada" in html
    assert "@example.org" not in html and "@uni-a.example" not in html


def test_faculty_cannot_find_members_by_email_address(client, faculty, student):
    client.force_login(faculty)
    url = reverse("admin:community_user_changelist")
    assert "Mai Student" in page(client.get(url, {"q": "Mai"}))
    for term in ("mai.student", "mai.student@example.org", "example.org"):
        assert "Mai Student" not in page(client.get(url, {"q": term}))
    # Nor with a changelist filter typed into the address bar.
    assert client.get(url, {"email__startswith": "mai"}).status_code == 400
    assert client.get(url, {"email__icontains": "example"}).status_code == 400


def test_faculty_user_change_form_shows_no_email_address(client, faculty, student):
    client.force_login(faculty)
    response = client.get(reverse("admin:community_user_change", args=[student.pk]))
    assert response.status_code == 200
    html = page(response)
    assert "Mai Student" in html
    assert student.email not in html and student.password not in html and "pbkdf2" not in html


def test_staff_see_and_search_email_addresses(client, staff_member, student):
    client.force_login(staff_member)
    url = reverse("admin:community_user_changelist")
    assert student.email in page(client.get(url))
    assert "Mai Student" in page(client.get(url, {"q": "mai.student@"}))
    assert student.email in page(client.get(reverse("admin:community_user_change", args=[student.pk])))


# --- the co-owner autocomplete --------------------------------------------------------------


def test_co_owner_autocomplete_names_people_by_name_and_university(client, faculty, colleague):
    client.force_login(faculty)  # the faculty persona reads the admin in Japanese
    response = autocomplete(client, "Yamada")
    assert response.json()["results"] == [{"id": str(colleague.pk), "text": "Prof. Yamada — 関西大学"}]
    assert b"@" not in response.content
    assert [r["id"] for r in autocomplete(client, "Kansai").json()["results"]] == [str(colleague.pk)]


def test_co_owner_autocomplete_does_not_find_people_by_email_address(client, faculty, colleague):
    client.force_login(faculty)
    for term in ("k.yamada", "k.yamada@uni-a.example", "uni-a.example", "@"):
        assert autocomplete(client, term).json()["results"] == []


def test_staff_autocomplete_finds_by_address_but_shows_names(client, staff_member, colleague):
    client.force_login(staff_member)
    response = autocomplete(client, "k.yamada@")
    assert response.json()["results"] == [{"id": str(colleague.pk), "text": "Prof. Yamada — 関西大学"}]
    assert b"uni-a.example" not in response.content


@pytest.mark.parametrize("count", [3, 30])
def test_co_owner_autocomplete_query_budget(client, faculty, django_assert_max_num_queries, count):
    university = OrganizationFactory(name_en="Chiba University", name_ja="千葉大学", slug="chiba", country="JP")
    for n in range(count):
        UserFactory(display_name=f"Prof. Colleague {n}", organization=university)
    client.force_login(faculty)
    autocomplete(client, "")  # the session and the roles are read and cached once
    with django_assert_max_num_queries(6):
        results = autocomplete(client, "Colleague").json()["results"]
    assert len(results) == min(count, 20)
    assert all(result["text"].endswith("— 千葉大学") for result in results)
