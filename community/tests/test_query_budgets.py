"""Every community list page costs the same number of queries for 3 and for 30 items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Comment, Conversation, Message, Notification, Reaction
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory

BUDGET = 11


def fill_groups(user, count):
    for n in range(count):
        group = CommunityGroupFactory(name_en=f"Hobby {n}", name_ja=f"趣味のグループ{n}")
        if n % 2:
            services.add_member(group=group, user=user)
        services.add_member(group=group, user=UserFactory())


def fill_group_posts(user, count):
    group = CommunityGroupFactory(join_policy="request")
    services.add_member(group=group, user=user)
    other = UserFactory()
    services.add_member(group=group, user=other)
    for n in range(count):
        post = PostFactory(group=group, author=other if n % 2 else user, body=f"**Post** {n}")
        Comment.objects.create(post=post, author=user, body="ok")
        Reaction.objects.create(post=post, user=other, kind="like")
    return group


def fill_conversations(user, count):
    for n in range(count):
        other = UserFactory(display_name=f"Friend {n}")
        services.start_conversation(sender=other, recipients=[user], body=f"Hello {n}")


def fill_messages(user, count):
    other = UserFactory()
    conversation = services.start_conversation(sender=user, recipients=[other], body="First")
    Message.objects.bulk_create(
        Message(conversation=conversation, sender=other if n % 2 else user, body=f"m{n}", body_html=f"<p>m{n}</p>")
        for n in range(count - 1)
    )
    return conversation


def fill_notifications(user, count):
    group = CommunityGroupFactory()
    Notification.objects.bulk_create(
        Notification(recipient=user, event="community.test", text=f"Note {n}", url="/x/", group=group, actor=user)
        for n in range(count)
    )


PAGES = {
    "group finder": (fill_groups, lambda ctx: reverse("community:group_list")),
    "group finder search": (fill_groups, lambda ctx: reverse("community:group_list") + "?q=趣味&phase=mine"),
    "group feed": (fill_group_posts, lambda group: group.get_absolute_url()),
    "my feed": (fill_group_posts, lambda ctx: reverse("community:feed")),
    "conversation list": (fill_conversations, lambda ctx: reverse("community:conversation_list")),
    "a conversation": (fill_messages, lambda conversation: conversation.get_absolute_url()),
    "notifications": (fill_notifications, lambda ctx: reverse("community:notification_list")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("count", [3, 30])
def test_list_page_query_budget(client, student, django_assert_max_num_queries, page, count):
    fill, url_of = PAGES[page]
    made = fill(student, count)
    url = url_of(made)
    client.force_login(student)
    client.get(url)  # warm the session and badge caches like any second page view
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    if "items" in response.context:
        assert len(response.context["items"]) == count
    elif hasattr(response.context["page"], "next_cursor"):  # keyset pages: a page, and a link to older rows
        page_rows = response.context["page"]
        assert len(page_rows.object_list) == min(count, 20)
        assert bool(page_rows.next_cursor) is (count > 20)
    else:
        shown = response.context["page"].paginator.count
        assert shown == count or (page.startswith("group finder") and shown >= count // 2), shown


@pytest.mark.django_db
def test_a_conversation_costs_the_same_queries_for_3_and_12_participants_who_read_it(client, student, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.SHARED_FRAGMENT_SECONDS = 0

    def queries_for(size):
        others = UserFactory.create_batch(size - 1)
        conversation = services.start_conversation(sender=student, recipients=others, body="Welcome, all")
        conversation.refresh_from_db()  # its last_message_at
        for other in others:
            services.mark_conversation_read(conversation=conversation, user=other)
        client.get(conversation.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(conversation.get_absolute_url())
        assert response.context["seen_by"] and len(response.context["seen_by"]) == size - 1
        return len(queries)

    client.force_login(student)
    assert queries_for(3) == queries_for(Conversation.MAX_PARTICIPANTS)
