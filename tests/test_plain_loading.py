"""Instances loaded without `Model.__init__` (jige_portal/loading.py) are those Django's `from_db` makes."""

import pytest
from django.apps import apps
from django.db.models.signals import post_init, pre_init
from django.utils import translation

from community.models import CommunityGroup, Post, User
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory
from credentials.models import Award
from credentials.tests.factories import AchievementFactory, AwardFactory
from jige_portal import loading

APPS = ("community", "courses", "credentials", "internships")


def _state(instance):
    """What a user of the instance can observe: its values and cached relations, recursively."""
    values = {key: value for key, value in vars(instance).items() if key != "_state"}
    related = {name: _state(value) for name, value in instance._state.fields_cache.items() if value is not None}
    return values, related, instance._state.adding, instance._state.db


def _loaded_both_ways(monkeypatch, queryset):
    ours = list(queryset.all())
    with monkeypatch.context() as patch:
        patch.setattr(loading, "_concrete_attnames", lambda model: None)  # every model by Django's
        djangos = list(queryset.all())
    return ours, djangos


def test_every_model_of_the_portal_loads_plainly_and_uses_it():
    models = [model for label in APPS for model in apps.get_app_config(label).get_models()]
    assert len(models) > 40
    for model in models:
        assert loading.loads_plainly(model), model.__name__
        if model is not User:  # which calls loading.from_db from its own from_db
            assert model.from_db.__func__ is loading.from_db, model.__name__


@pytest.fixture
def rows(db):
    author = UserFactory(display_name="Aiko Tanaka", avatar="avatars/2026/01/aiko.png")
    group = CommunityGroupFactory(name_en="Kyoto hikers", name_ja="京都ハイキング部")
    PostFactory(group=group, author=author, body="Trail on Sunday")
    achievement = AchievementFactory(name_en="Intercultural Teamwork", name_ja="異文化チームワーク")
    AwardFactory(recipient=author, achievement=achievement)
    return author


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: User.objects.all(),
        lambda: User.objects.only("display_name", "avatar", "erased_at"),
        lambda: CommunityGroup.objects.all(),
        lambda: Post.objects.select_related("author", "group").defer("body"),
        lambda: Award.objects.all().for_cards(),
        lambda: Award.objects.select_related("achievement__issuer", "recipient"),
    ],
    ids=["users", "users-only", "groups", "posts-related-deferred", "award-cards", "awards-related"],
)
def test_the_same_instances_as_djangos_from_db(monkeypatch, rows, queryset):
    ours, djangos = _loaded_both_ways(monkeypatch, queryset())
    assert ours and len(ours) == len(djangos)
    for mine, theirs in zip(ours, djangos, strict=True):
        assert type(mine) is type(theirs)
        assert _state(mine) == _state(theirs)
        assert mine == theirs and not mine._state.adding


def test_deferred_fields_translated_fields_and_names_read_as_loaded(rows, django_assert_num_queries):
    post = Post.objects.select_related("group", "author").defer("body").get()
    with django_assert_num_queries(1):
        assert post.body == "Trail on Sunday"  # deferred: loaded on first access
    with translation.override("ja"):
        assert post.group.name == "京都ハイキング部"
    with translation.override("en"):
        assert post.group.name == "Kyoto hikers"
    assert post.author.display_name == "Aiko Tanaka"
    assert post.author.avatar.name == "avatars/2026/01/aiko.png"
    assert not post.author.byline_changed()
    post.author.display_name = "Aiko T."
    assert post.author.byline_changed()


def test_an_instance_loaded_plainly_saves_and_reloads(rows):
    user = User.objects.only("display_name").get(pk=rows.pk)
    user.display_name = "Aiko Tanaka-Smith"
    user.save(update_fields=["display_name"])
    assert User.objects.get(pk=rows.pk).display_name == "Aiko Tanaka-Smith"


def test_post_init_receivers_still_hear_of_each_instance(rows):
    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append((sender, instance.pk, "display_name" in vars(instance)))

    post_init.connect(receiver, sender=User)
    try:
        users = list(User.objects.all())
    finally:
        post_init.disconnect(receiver, sender=User)
    assert heard == [(User, user.pk, True) for user in users]


def test_a_pre_init_receiver_gets_djangos_from_db_with_the_values_it_passes(rows):
    heard = []

    def receiver(sender, args, kwargs, **rest):
        heard.append(len(args))

    pre_init.connect(receiver, sender=CommunityGroup)
    try:
        group = CommunityGroup.objects.only("slug").get()
    finally:
        pre_init.disconnect(receiver, sender=CommunityGroup)
    assert heard == [len(CommunityGroup._meta.concrete_fields)]
    assert group.slug and "description" not in vars(group)
