"""The group finder: filters, Japanese and English search, cards, suggestions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.tests.factories import (
    CampusFactory,
    CommunityGroupFactory,
    InterestFactory,
    OrganizationFactory,
    UserFactory,
)


def found(client, **params):
    response = client.get(reverse("community:group_list"), params)
    assert response.status_code == 200
    return {group.slug for group in response.context["page"].object_list}


@pytest.mark.django_db
def test_finder_filters_by_text_category_organization_language_and_phase(client, student):
    chiba = OrganizationFactory(slug="chiba", is_lead=True, country="JP")
    campus = CampusFactory(organization=chiba)
    CommunityGroupFactory(slug="tokyo-hike", name_en="Weekend hikes", name_ja="東京で山歩き", category="hobby")
    CommunityGroupFactory(slug="chiba-campus", name_en="Nishi-Chiba", category="campus", campus=campus)
    CommunityGroupFactory(slug="ja-only", name_en="Nihongo chat", category="activity", language="ja")
    CommunityGroupFactory(slug="arrivals", name_en="Arriving soon", category="year", phase="before")
    CommunityGroupFactory(slug="secret", name_en="Weekend secret", category="hobby", visibility="secret")
    client.force_login(student)
    assert found(client, q="東京") == {"tokyo-hike"}
    assert found(client, q="weekend") == {"tokyo-hike"}  # the secret group stays hidden
    assert found(client, category="campus") == {"chiba-campus"}
    assert found(client, organization=chiba.pk) == {"chiba-campus"}
    assert "ja-only" not in found(client, language="en")
    assert "ja-only" in found(client, language="ja")
    today = timezone.localdate()
    student.profile.arrival_date = today + timedelta(days=30)
    student.profile.save()
    mine = found(client, phase="mine")
    assert "arrivals" in mine and "tokyo-hike" in mine
    student.profile.arrival_date = today - timedelta(days=300)
    student.profile.departure_date = today - timedelta(days=10)
    student.profile.save()
    assert "arrivals" not in found(client, phase="mine")


@pytest.mark.django_db
def test_cards_show_member_count_membership_and_pending_request(client, student):
    open_group = CommunityGroupFactory(slug="open", name_en="Open one")
    asked = CommunityGroupFactory(slug="asked", name_en="Asked one", join_policy="request")
    services.add_member(group=open_group, user=student)
    services.add_member(group=open_group, user=UserFactory())
    services.join_group(group=asked, user=student, message="hi")
    client.force_login(student)
    html = client.get(reverse("community:group_list"), {"q": "one"}).content.decode()
    assert "2 members" in html and "You are a member" in html and "Request pending" in html


@pytest.mark.django_db
def test_suggestions_follow_the_profile(client, student):
    football = InterestFactory(slug="football", name_en="Football")
    suggested = CommunityGroupFactory(slug="football-fans", name_en="Football fans", interest=football)
    CommunityGroupFactory(slug="chess", name_en="Chess")
    joined = CommunityGroupFactory(slug="football-joined", name_en="Football joined", interest=football)
    services.add_member(group=joined, user=student)
    student.profile.interests.add(football)
    client.force_login(student)
    suggestions = client.get(reverse("community:group_list")).context["suggestions"]
    assert [group.slug for group in suggestions] == [suggested.slug]


@pytest.mark.django_db
def test_secret_group_card_counts_all_members_for_a_member(client, student):
    secret = CommunityGroupFactory(slug="secret-club", name_en="Secret club", visibility="secret")
    for user in (student, UserFactory(), UserFactory()):
        services.add_member(group=secret, user=user)
    client.force_login(student)
    html = client.get(reverse("community:group_list"), {"q": "secret"}).content.decode()
    assert "3 members" in html


@pytest.mark.django_db
def test_categories_added_by_staff_filter_the_finder(client, student):
    from community.models import GroupCategory

    category = GroupCategory.objects.create(name_en="Buddy programme", name_ja="バディ制度", slug="buddy")
    CommunityGroupFactory(slug="buddies", name_en="Kansai buddies", category="other", extra_category=category)
    CommunityGroupFactory(slug="plain-other", name_en="Other group", category="other")
    client.force_login(student)
    assert found(client, category="extra-buddy") == {"buddies"}
    assert "Buddy programme" in client.get(reverse("community:group_list")).content.decode()
