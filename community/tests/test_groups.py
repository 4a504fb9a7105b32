"""Groups: the cross-app contract, joining by policy, requests and their decisions, owners."""

import pytest
from django.urls import reverse

from community import services
from community.models import AuditEvent, CommunityGroup, JoinRequest, Membership, Notification, OutgoingEmail
from community.tests.factories import CommunityGroupFactory, UserFactory


@pytest.mark.django_db
def test_create_group_is_idempotent_on_slug_and_makes_the_owner_a_member(student):
    group = services.create_group(
        name_en="Kansai Photo", name_ja="関西写真部", category="hobby", owner=student, slug="kansai-photo"
    )
    again = services.create_group(name_en="Other name", category="hobby", slug="kansai-photo")
    assert again.pk == group.pk
    assert again.name_en == "Kansai Photo"
    assert Membership.objects.get(group=group, user=student).role == Membership.Role.OWNER
    assert group.get_absolute_url() == reverse("community:group_detail", args=["kansai-photo"])
    assert CommunityGroup.Category.PROGRAMME == "programme"


@pytest.mark.django_db
def test_add_and_remove_member_are_idempotent_and_bypass_the_join_policy(student):
    group = CommunityGroupFactory(join_policy="invite", visibility="secret")
    first = services.add_member(group=group, user=student)
    second = services.add_member(group=group, user=student, role="admin")
    assert first.pk == second.pk and second.role == "member"
    services.remove_member(group=group, user=student)
    services.remove_member(group=group, user=student)
    assert not Membership.objects.filter(group=group, user=student).exists()
    assert AuditEvent.objects.filter(event="community.membership.removed").count() == 1


@pytest.mark.django_db
def test_member_joins_an_open_group_at_once(client, student):
    group = CommunityGroupFactory(join_policy="open")
    client.force_login(student)
    response = client.post(reverse("community:group_join", args=[group.slug]), follow=True)
    assert "Welcome to the group!" in response.content.decode()
    assert Membership.objects.filter(group=group, user=student).exists()


@pytest.mark.django_db
def test_invitation_only_group_cannot_be_joined_without_an_invitation(client, student, other_student):
    group = CommunityGroupFactory(join_policy="invite")
    services.add_member(group=group, user=other_student, role="owner")
    client.force_login(student)
    response = client.post(reverse("community:group_join", args=[group.slug]), follow=True)
    assert "This group is by invitation only." in response.content.decode()
    assert not Membership.objects.filter(group=group, user=student).exists()
    services.invite_member(group=group, user=student, by=other_student)
    assert Notification.objects.filter(recipient=student, event="community.invitation.created").exists()
    client.post(reverse("community:invitation_answer", args=[group.slug]), {"answer": "accept"})
    assert Membership.objects.filter(group=group, user=student).exists()


@pytest.fixture
def request_group(db, other_student):
    group = CommunityGroupFactory(join_policy="request", name_en="Tea ceremony circle")
    services.add_member(group=group, user=other_student, role="owner")
    return group


@pytest.mark.django_db
@pytest.mark.parametrize("approve", [True, False])
def test_request_is_approved_or_rejected_with_a_message_the_requester_sees(
    client, student, other_student, request_group, approve, django_capture_on_commit_callbacks
):
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("community:group_join", args=[request_group.slug]), {"message": "I love matcha"})
    join_request = JoinRequest.objects.get(group=request_group, user=student)
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Membership.objects.filter(group=request_group, user=student).exists()
    assert Notification.objects.filter(recipient=other_student, event="community.join_request.created").exists()
    assert OutgoingEmail.objects.filter(to=[other_student.email]).exists()
    page = client.get(request_group.get_absolute_url()).content.decode()
    assert "Your request to join is waiting for a group admin." in page

    client.force_login(other_student)
    requests_page = client.get(reverse("community:group_requests", args=[request_group.slug])).content.decode()
    assert "I love matcha" in requests_page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("community:request_decide", args=[request_group.slug, join_request.pk]),
            {
                "decision": "approve" if approve else "reject",
                "response": "See you on Friday" if approve else "Group is full",
            },
        )
    join_request.refresh_from_db()
    assert join_request.status == (JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REJECTED)
    assert join_request.decided_by == other_student
    assert Membership.objects.filter(group=request_group, user=student).exists() is approve
    event = "community.join_request.approved" if approve else "community.join_request.rejected"
    assert Notification.objects.filter(recipient=student, event=event).exists()
    assert AuditEvent.objects.filter(event=event, actor=other_student).exists()

    client.force_login(student)
    page = client.get(request_group.get_absolute_url()).content.decode()
    if not approve:
        assert "Your last request was declined." in page and "Group is full" in page
        # the history is kept: a new request is a new row
        client.post(reverse("community:group_join", args=[request_group.slug]), {"message": "Please?"})
        assert JoinRequest.objects.filter(group=request_group, user=student).count() == 2


@pytest.mark.django_db
def test_a_request_cannot_be_decided_twice(student, other_student, request_group):
    join_request = services.join_group(group=request_group, user=student, message="")
    services.decide_join_request(join_request=join_request, by=other_student, approve=False)
    with pytest.raises(Exception, match="already been decided"):
        services.decide_join_request(join_request=join_request, by=other_student, approve=True)
    assert not Membership.objects.filter(group=request_group, user=student).exists()


@pytest.mark.django_db
def test_ordinary_member_cannot_decide_requests(client, student, request_group):
    outsider = UserFactory()
    services.add_member(group=request_group, user=outsider)
    join_request = services.join_group(group=request_group, user=student)
    client.force_login(outsider)
    response = client.post(
        reverse("community:request_decide", args=[request_group.slug, join_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert client.get(reverse("community:group_requests", args=[request_group.slug])).status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


@pytest.mark.django_db
def test_last_owner_cannot_leave_without_handing_over(client, student, other_student):
    group = services.create_group(name_en="Chiba runners", category="activity", owner=student)
    services.add_member(group=group, user=other_student)
    client.force_login(student)
    response = client.post(reverse("community:group_leave", args=[group.slug]), follow=True)
    assert "You are the last owner" in response.content.decode()
    assert Membership.objects.filter(group=group, user=student).exists()
    client.post(reverse("community:member_manage", args=[group.slug, other_student.pk]), {"role": "owner"})
    client.post(reverse("community:group_leave", args=[group.slug]))
    assert not Membership.objects.filter(group=group, user=student).exists()
    assert Membership.objects.get(group=group, user=other_student).role == "owner"


@pytest.mark.django_db
def test_member_can_leave_and_admin_removes_a_member(client, student, other_student):
    group = services.create_group(name_en="Sendai food", category="hobby", owner=other_student)
    services.add_member(group=group, user=student)
    client.force_login(other_student)
    client.post(reverse("community:member_manage", args=[group.slug, student.pk]), {"action": "remove"})
    assert not Membership.objects.filter(group=group, user=student).exists()
    assert AuditEvent.objects.filter(event="community.membership.removed", actor=other_student).exists()


@pytest.mark.django_db
def test_member_cannot_remove_others(client, student, other_student):
    group = services.create_group(name_en="Osaka", category="campus", owner=other_student)
    services.add_member(group=group, user=student)
    third = UserFactory()
    services.add_member(group=group, user=third)
    client.force_login(student)
    response = client.post(reverse("community:member_manage", args=[group.slug, third.pk]), {"action": "remove"})
    assert response.status_code == 403
    assert Membership.objects.filter(group=group, user=third).exists()


@pytest.mark.django_db
def test_member_creates_and_edits_a_bilingual_group(client, student):
    client.force_login(student)
    response = client.post(
        reverse("community:group_create"),
        {
            "name_en": "Board games",
            "name_ja": "ボードゲーム",
            "description_en": "Catan on Fridays",
            "category": "hobby",
            "join_policy": "open",
            "visibility": "public",
            "language": "",
        },
    )
    group = CommunityGroup.objects.get(name_en="Board games")
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    assert Membership.objects.get(group=group, user=student).role == "owner"
    client.cookies["jige_language"] = "ja"
    student.language = "ja"
    student.save()
    assert "ボードゲーム" in client.get(group.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_invitee_sees_a_secret_group_and_accepts(client, student, other_student):
    group = CommunityGroupFactory(join_policy="invite", visibility="secret", name_en="Quiet room")
    services.add_member(group=group, user=other_student, role="owner")
    client.force_login(student)
    assert client.get(group.get_absolute_url()).status_code == 404
    services.invite_member(group=group, user=student, by=other_student)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "You have been invited to this group." in page
    client.post(reverse("community:invitation_answer", args=[group.slug]), {"answer": "accept"})
    assert Membership.objects.filter(group=group, user=student).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["communitygroup", "membership", "joinrequest", "post", "comment", "report", "auditevent", "notification"]
)
def test_admin_pages_answer(client, model, staff_member):
    from community.tests.factories import PostFactory

    post = PostFactory()
    services.add_member(group=post.group, user=staff_member)
    staff_member.is_superuser = True
    staff_member.save()
    client.force_login(staff_member)
    assert client.get(reverse(f"admin:community_{model}_changelist"), {"q": "x"}).status_code == 200
    if model == "communitygroup":
        assert client.get(reverse("admin:community_communitygroup_change", args=[post.group.pk])).status_code == 200
        assert client.get(reverse("admin:community_communitygroup_add")).status_code == 200


@pytest.mark.django_db
def test_oversize_request_message_is_refused_with_a_clear_error(client, student, request_group):
    client.force_login(student)
    response = client.post(
        reverse("community:group_join", args=[request_group.slug]), {"message": "m" * 1001}, follow=True
    )
    assert "Ensure this value has at most 1000 characters" in response.content.decode()
    assert not JoinRequest.objects.exists()


@pytest.mark.django_db
def test_group_cover_is_validated_and_re_encoded(client, student):
    from community.tests.test_profile import image_file

    client.force_login(student)
    data = {"name_en": "Kyudo", "category": "activity", "join_policy": "open", "visibility": "public", "language": ""}
    response = client.post(reverse("community:group_create"), {**data, "cover": image_file("PNG", name="c.png")})
    group = CommunityGroup.objects.get(name_en="Kyudo")
    assert response.status_code == 302 and group.cover.name.endswith(".jpg")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("c.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(reverse("community:group_edit", args=[group.slug]), {**data, "cover": bad})
    assert response.status_code == 200
    assert "The file is not an image" in response.content.decode()
