"""Mentions: members found by name, Latin name or reading; stored by id, so renames keep them."""

import pytest
from django.urls import reverse

from community import services
from community.models import Comment, Notification, Post
from community.tests.factories import CommunityGroupFactory, UserFactory


@pytest.fixture
def yamamoto(db):
    user = UserFactory(display_name="山本 花子")
    user.profile.other_script_name = "Yamamoto Hanako"
    user.profile.name_reading = "やまもと はなこ"
    user.profile.save()
    return user


@pytest.fixture
def group(db, student, other_student, yamamoto):
    group = CommunityGroupFactory(name_en="Hiking club", name_ja="ハイキング部", slug="hiking")
    for user in (student, other_student, yamamoto):
        services.add_member(group=group, user=user)
    return group


def names(client, url, query):
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["やま", "ヤマ", "はな", "山本", "yama", "Hana", "花子"])
def test_group_members_are_found_by_name_latin_name_and_reading(client, student, group, yamamoto, query):
    client.force_login(student)
    assert names(client, reverse("community:group_mentions", args=["hiking"]), query) == ["山本 花子"]


@pytest.mark.django_db
def test_only_members_of_the_group_are_offered(client, student, group):
    outsider = UserFactory(display_name="山田 太郎")
    outsider.profile.name_reading = "やまだ たろう"
    outsider.profile.save()
    client.force_login(student)
    url = reverse("community:group_mentions", args=["hiking"])
    assert names(client, url, "やま") == ["山本 花子"]
    assert names(client, url, "") == ["Lucas Other", "山本 花子"]  # everyone but the one asking
    assert names(client, url, "ama") == []  # the start of a word, not any part of it


@pytest.mark.django_db
def test_non_members_get_no_member_list(client, group):
    client.force_login(UserFactory())
    assert client.get(reverse("community:group_mentions", args=["hiking"]), {"q": "や"}).status_code == 403
    secret = CommunityGroupFactory(slug="secret", visibility="secret", join_policy="invitation")
    assert client.get(reverse("community:group_mentions", args=[secret.slug])).status_code == 404


@pytest.mark.django_db
def test_conversation_offers_its_participants_only(client, student, other_student, yamamoto, group):
    conversation = services.start_conversation(sender=student, recipients=[yamamoto], body="こんにちは")
    client.force_login(student)
    url = reverse("community:conversation_mentions", args=[conversation.pk])
    assert names(client, url, "やま") == ["山本 花子"]
    assert names(client, url, "Lucas") == []
    client.force_login(other_student)
    assert client.get(url, {"q": "やま"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("members", [3, 30])
def test_mention_lookup_query_budget(client, student, group, django_assert_max_num_queries, members):
    for n in range(members):
        user = UserFactory(display_name=f"Yama {n}")
        services.add_member(group=group, user=user)
    client.force_login(student)
    url = reverse("community:group_mentions", args=["hiking"])
    with django_assert_max_num_queries(6):
        response = client.get(url, {"q": "yama"})
    assert len(response.json()["results"]) == min(members + 1, 8)  # and Yamamoto Hanako


@pytest.mark.django_db
def test_a_mention_shows_the_new_name_after_a_rename_and_told_the_right_person(
    client, student, other_student, yamamoto, group, django_capture_on_commit_callbacks
):
    namesake = UserFactory(display_name="山本")  # a prefix of the mentioned member's name
    services.add_member(group=group, user=namesake)
    with django_capture_on_commit_callbacks(execute=True):
        post = services.create_post(group=group, author=student, body="@山本 花子 さん、地図をお願いします。")
    assert post.body == f"@[{yamamoto.pk}] さん、地図をお願いします。"
    assert list(Notification.objects.filter(event="community.post.mentioned").values_list("recipient", flat=True)) == [
        yamamoto.pk
    ]
    comment = services.add_comment(post=post, author=other_student, body="@山本 花子 よろしく")

    client.force_login(yamamoto)
    response = client.post(
        reverse("community:profile_edit"),
        {
            "account-display_name": "田中 花子",
            "account-language": "ja",
            "account-time_zone": "Asia/Tokyo",
            "profile-other_script_name": "Tanaka Hanako",
            "profile-name_reading": "たなか はなこ",
            "privacy-show_organization": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    client.force_login(other_student)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "@田中 花子" in page and "@山本 花子" not in page
    assert Comment.objects.get(pk=comment.pk).body_html.count("@田中 花子") == 1
    edit = client.get(reverse("community:post_edit", args=["hiking", post.pk]))
    assert edit.status_code == 403  # not the author's; the author sees the names, not the ids:
    client.force_login(student)
    edit = client.get(reverse("community:post_edit", args=["hiking", post.pk])).content.decode()
    assert "@田中 花子 さん" in edit and "@[" not in edit


@pytest.mark.django_db
def test_a_typed_token_mentions_nobody(student, other_student, group):
    post = services.create_post(group=group, author=student, body=f"see @[{other_student.pk}]")
    assert "mention" not in Post.objects.get(pk=post.pk).body_html
    assert "@[" in post.body_html  # shown as typed


@pytest.mark.django_db
def test_the_reading_is_editable_on_the_profile(client, student):
    client.force_login(student)
    page = client.get(reverse("community:profile_edit")).content.decode()
    assert 'name="profile-name_reading"' in page


@pytest.mark.django_db
def test_a_message_mention_follows_renames_and_erasure(student, yamamoto, group):
    from django.utils import timezone

    conversation = services.start_conversation(sender=student, recipients=[yamamoto], body="@山本 花子 こんにちは")
    message = conversation.messages.get()
    assert message.body == f"@[{yamamoto.pk}] こんにちは"
    yamamoto.display_name = "Hanako T."
    yamamoto.save(update_fields=["display_name"])
    message.refresh_from_db()
    assert "@Hanako T." in message.body_html and "山本" not in message.body_html
    yamamoto.erased_at = timezone.now()
    yamamoto.save()
    message.refresh_from_db()
    assert "@Former member" in message.body_html and "Hanako" not in message.body_html
    assert services.refresh_mentions_of(user_id=yamamoto.pk) == 0  # run twice: nothing left to change
