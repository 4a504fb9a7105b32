"""Stored files go with their rows: deleting a post removes its image and attached file,
deleting a message (or its whole conversation) removes its files; only after the deletion
commits, so a rolled-back deletion keeps them."""

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from community import services
from community.models import GroupFile, Message, MessageAttachment, Post
from community.tests.factories import CommunityGroupFactory
from community.tests.pages import signed_in
from community.tests.test_group_files import pdf_file
from community.tests.test_profile import image_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(student, other_student):
    group = CommunityGroupFactory(name_en="Tea Ceremony", slug="tea-ceremony")
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    return group


@pytest.fixture
def post_with_files(club, student):
    response = signed_in(student).post(
        reverse("community:post_create", args=[club.slug]),
        {"body": "Syllabus and photo", "image": image_file("PNG"), "attachment": pdf_file()},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    names = [post.image.name, post.attachment.file.name]
    assert all(default_storage.exists(name) for name in names)
    return post, names


def test_deleting_a_post_deletes_its_image_and_file_after_commit(
    post_with_files, student, django_capture_on_commit_callbacks
):
    post, names = post_with_files
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = signed_in(student).post(reverse("community:post_delete", args=[post.group.slug, post.pk]))
    assert response.status_code == 302
    assert not Post.objects.exists() and not GroupFile.objects.exists()
    assert all(default_storage.exists(name) for name in names)  # not before the commit
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in names)


def test_a_rolled_back_deletion_keeps_the_files(post_with_files, django_capture_on_commit_callbacks):
    post, names = post_with_files
    pk = post.pk
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        post.delete()
        raise RuntimeError("the deletion fails later")
    assert Post.objects.filter(pk=pk).exists()
    assert all(default_storage.exists(name) for name in names)


@pytest.fixture
def message_files(student, other_student):
    conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hi")
    signed_in(student).post(
        reverse("community:message_send", args=[conversation.pk]),
        {"body": "Files", "files": [pdf_file(), image_file("JPEG", name="a.jpg")]},
    )
    names = list(MessageAttachment.objects.values_list("file", flat=True))
    assert len(names) == 2 and all(default_storage.exists(name) for name in names)
    return conversation, names


def test_deleting_a_message_deletes_its_files(message_files, django_capture_on_commit_callbacks):
    _conversation, names = message_files
    with django_capture_on_commit_callbacks(execute=True):
        Message.objects.get(body="Files").delete()
    assert not MessageAttachment.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_deleting_a_conversation_deletes_the_files_of_its_messages(message_files, django_capture_on_commit_callbacks):
    conversation, names = message_files
    with django_capture_on_commit_callbacks(execute=True):
        conversation.delete()
    assert not any(default_storage.exists(name) for name in names)


def test_an_image_shared_by_two_posts_stays_until_the_last_goes(club, student, django_capture_on_commit_callbacks):
    first = services.create_post(group=club, author=student, body="One", image=image_file("PNG"))
    second = services.create_post(group=club, author=student, body="Two")
    Post.objects.filter(pk=second.pk).update(image=first.image.name)  # as demo data may do
    name = first.image.name
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.get(pk=second.pk).delete()
    assert not default_storage.exists(name)
