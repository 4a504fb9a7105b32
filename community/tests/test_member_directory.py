"""The member directory: members who share their profile, filtered only by what they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import Profile
from community.tests.factories import CampusFactory, OrganizationFactory, UserFactory

URL = reverse("community:member_directory")


def member(name, *, organization=None, **profile_fields):
    user = UserFactory(display_name=name, organization=organization)
    profile = Profile.objects.get(user=user)
    for field, value in {"share_profile": True, **profile_fields}.items():
        setattr(profile, field, value)
    profile.save()
    return user


def names(response) -> list[str]:
    return [profile.user.display_name for profile in response.context["page"].object_list]


@pytest.fixture
def people(db):
    today = timezone.localdate()
    kansai = OrganizationFactory(name_en="Kansai University", name_ja="関西大学", slug="kansai")
    chiba = OrganizationFactory(name_en="Chiba University", name_ja="千葉大学", slug="chiba")
    senri = CampusFactory(organization=kansai, name_en="Senriyama", name_ja="千里山")
    return {
        "kansai": kansai,
        "chiba": chiba,
        "senri": senri,
        "aiko": member(
            "Aiko Tanaka",
            organization=kansai,
            other_script_name="田中 愛子",
            home_campus=senri,
            field_of_study="engineering",
            arrival_date=today + timedelta(days=30),
        ),
        "ben": member(
            "Ben Miller",
            organization=chiba,
            host_campus=senri,
            field_of_study="engineering",
            arrival_date=today - timedelta(days=10),
            departure_date=today + timedelta(days=100),
        ),
        # Shares the profile but hides every part of it.
        "chen": member(
            "Chen Wei",
            organization=kansai,
            home_campus=senri,
            field_of_study="engineering",
            arrival_date=today - timedelta(days=400),
            departure_date=today - timedelta(days=100),
            show_organization=False,
            show_campus=False,
            show_field=False,
            show_stay=False,
        ),
        # Does not share the profile at all.
        "dana": UserFactory(display_name="Dana Private", organization=kansai),
    }


@pytest.mark.django_db
def test_lists_only_members_who_share_their_profile(client, student, people):
    client.force_login(student)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Aiko Tanaka", "Ben Miller", "Chen Wei"]
    results = response.content.decode().split('id="directory-results"', 1)[1]
    assert "Dana Private" not in results and "Mai Student" not in results


@pytest.mark.django_db
def test_a_private_profile_never_appears(client, student, people):
    dana = people["dana"]
    Profile.objects.filter(user=dana).update(field_of_study="engineering")
    client.force_login(student)
    for params in ({}, {"q": "Dana"}, {"organization": people["kansai"].pk}, {"field": "engineering"}, {"page": 2}):
        response = client.get(URL, params)
        assert "Dana Private" not in response.content.decode(), params
    search = client.get(reverse("community:search"), {"q": "Dana"})
    assert "Dana Private" not in search.content.decode()
    # Sharing it, then taking it back.
    member_profile = Profile.objects.get(user=dana)
    member_profile.share_profile = True
    member_profile.save()
    assert "Dana Private" in client.get(URL, {"q": "dana"}).content.decode()
    member_profile.share_profile = False
    member_profile.save()
    assert "Dana Private" not in client.get(URL, {"q": "dana"}).content.decode()


@pytest.mark.django_db
def test_inactive_members_are_not_listed(client, student, people):
    people["ben"].is_active = False
    people["ben"].save()
    client.force_login(student)
    assert names(client.get(URL)) == ["Aiko Tanaka", "Chen Wei"]


@pytest.mark.django_db
def test_filters_find_only_members_who_show_that_part(client, student, people):
    client.force_login(student)
    assert names(client.get(URL, {"organization": people["kansai"].pk})) == ["Aiko Tanaka"]
    assert names(client.get(URL, {"organization": people["chiba"].pk})) == ["Ben Miller"]
    # Home or host campus.
    assert names(client.get(URL, {"campus": people["senri"].pk})) == ["Aiko Tanaka", "Ben Miller"]
    assert names(client.get(URL, {"field": "engineering"})) == ["Aiko Tanaka", "Ben Miller"]
    assert names(client.get(URL, {"phase": "before"})) == ["Aiko Tanaka"]
    assert names(client.get(URL, {"phase": "during"})) == ["Ben Miller"]
    assert names(client.get(URL, {"phase": "after"})) == []  # Chen is after the stay but hides it
    assert names(client.get(URL, {"organization": people["kansai"].pk, "phase": "before"})) == ["Aiko Tanaka"]


@pytest.mark.django_db
def test_hidden_parts_are_not_shown(client, student, people):
    client.force_login(student)
    results = client.get(URL, {"q": "chen"}).content.decode().split('id="directory-results"', 1)[1]
    assert "Chen Wei" in results
    assert "Kansai University" not in results and "Senriyama" not in results and "After the stay" not in results
    profile = client.get(people["chen"].get_absolute_url()).content.decode()
    assert "Kansai University" not in profile and "Senriyama" not in profile and "After the stay" not in profile
    # The member sees all of their own profile.
    client.force_login(people["chen"])
    own = client.get(people["chen"].get_absolute_url()).content.decode()
    assert "Kansai University" in own and "After the stay" in own


@pytest.mark.django_db
def test_a_profile_not_shared_shows_only_the_name(client, student, people):
    dana = people["dana"]
    Profile.objects.filter(user=dana).update(bio="I love karaoke", other_script_name="ダナ", country="US")
    client.force_login(student)
    html = client.get(dana.get_absolute_url()).content.decode()
    assert "Dana Private" in html and "This member does not share their profile." in html
    assert "karaoke" not in html and "ダナ" not in html and "Kansai University" not in html
    assert "United States" not in html
    client.force_login(dana)
    own = client.get(dana.get_absolute_url()).content.decode()
    assert "karaoke" in own and "ダナ" in own and "Kansai University" in own


@pytest.mark.django_db
def test_hidden_field_is_not_searchable(client, student, people):
    client.force_login(student)
    # Aiko and Ben show their field; Chen hides it, so the word finds only the first two.
    assert names(client.get(URL, {"q": "engineering"})) == ["Aiko Tanaka", "Ben Miller"]
    assert names(client.get(URL, {"q": "工学"})) == ["Aiko Tanaka", "Ben Miller"]


@pytest.mark.django_db
def test_names_in_both_scripts(client, student, people):
    client.force_login(student)
    response = client.get(URL, {"q": "田中"})
    assert names(response) == ["Aiko Tanaka"]
    html = response.content.decode()
    assert "Aiko Tanaka" in html and "田中 愛子" in html
    assert names(client.get(URL, {"q": "tanaka"})) == ["Aiko Tanaka"]
    # A new display name is found at once.
    people["aiko"].display_name = "Aiko Yamada"
    people["aiko"].save()
    assert names(client.get(URL, {"q": "yamada"})) == ["Aiko Yamada"]
    assert names(client.get(URL, {"q": "tanaka"})) == []


@pytest.mark.django_db
def test_japanese_page_and_organization_names(client, student, people):
    student.language = "ja"
    student.save()
    client.force_login(student)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja">' in html and "メンバー名簿" in html
    assert "関西大学" in html and "関西大学 – 千里山" in html
    short = client.get(URL, {"q": "x"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "2文字以上で入力してください" in short


@pytest.mark.django_db
def test_bad_filters_get_an_error_not_a_500(client, student, people):
    client.force_login(student)
    response = client.get(URL, {"organization": "not-a-number", "phase": "someday", "page": "x"})
    assert response.status_code == 200
    assert names(response) == []
    assert "Please correct the search above." in response.content.decode()


@pytest.mark.django_db
def test_empty_directory_says_so(client, student):
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert "No member matches." in html


@pytest.mark.django_db
def test_privacy_settings_are_saved_from_the_profile_form(client, student):
    client.force_login(student)
    form = client.get(reverse("community:profile_edit"))
    assert 'id="privacy"' in form.content.decode()
    response = client.post(
        reverse("community:profile_edit"),
        {
            "account-display_name": "Mai Student",
            "account-language": "en",
            "account-time_zone": "Asia/Tokyo",
            "profile-other_script_name": "学生 舞",
            "privacy-share_profile": "on",
            "privacy-show_organization": "on",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=student)
    assert profile.share_profile and profile.show_organization
    assert not profile.show_campus and not profile.show_field and not profile.show_stay
    assert names(client.get(URL, {"q": "学生"})) == ["Mai Student"]


@pytest.mark.django_db
def test_visitors_are_asked_to_sign_in(client):
    assert client.get(URL).status_code == 302


@pytest.mark.django_db
def test_query_count_is_the_same_for_3_and_30_members(client, student, django_assert_max_num_queries):
    organization = OrganizationFactory()
    campus = CampusFactory(organization=organization)
    client.force_login(student)
    counts = []
    for count in (3, 27):
        for n in range(count):
            member(
                f"Member {count}-{n}",
                organization=organization,
                home_campus=campus,
                host_campus=campus,
                field_of_study="engineering",
                arrival_date=timezone.localdate(),
            )
        client.get(URL)
        with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"field": "engineering"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.context["page"].paginator.count == 30
    assert counts[0] == counts[1]
