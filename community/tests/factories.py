import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from community.models import Campus, Interest, Organization, User

PASSWORD = "correct horse battery staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name_en = factory.Sequence(lambda n: f"Partner University {n}")
    name_ja = factory.Sequence(lambda n: f"パートナー大学{n}")
    slug = factory.Sequence(lambda n: f"partner-university-{n}")
    kind = Organization.Kind.UNIVERSITY
    country = "AU"


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus

    organization = factory.SubFactory(OrganizationFactory, is_lead=True, country="JP")
    name_en = factory.Sequence(lambda n: f"Campus {n}")
    name_ja = factory.Sequence(lambda n: f"キャンパス{n}")


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest
        django_get_or_create = ("slug",)

    kind = Interest.Kind.HOBBY
    slug = factory.Sequence(lambda n: f"interest-{n}")
    name_en = factory.Sequence(lambda n: f"Interest {n}")
    name_ja = factory.Sequence(lambda n: f"趣味{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A member whose e-mail address is verified, so that they can sign in."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.django.Password(PASSWORD)
    language = "en"

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create and extracted:
            from community.services import assign_role

            for role in extracted:
                Group.objects.get_or_create(name=role)
                assign_role(user=obj, role=role)


class CommunityGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.CommunityGroup"
        django_get_or_create = ("slug",)

    name_en = factory.Sequence(lambda n: f"Group {n}")
    name_ja = factory.Sequence(lambda n: f"グループ{n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    category = "hobby"
    join_policy = "open"
    visibility = "public"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.Membership"

    group = factory.SubFactory(CommunityGroupFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.Post"

    group = factory.SubFactory(CommunityGroupFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post number {n}")
