from django.conf import settings
from modeltranslation.translator import TranslationOptions, register

from .models import Campus, CommunityGroup, GroupCategory, Interest, Organization


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "short_name", "description")
    required_languages = ("en",)


@register(Campus)
class CampusTranslation(TranslationOptions):
    fields = ("name", "city")
    required_languages = ("en",)


@register(Interest)
class InterestTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(CommunityGroup)
class CommunityGroupTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(GroupCategory)
class GroupCategoryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


def translated(lookup: str) -> tuple[str, ...]:
    """A translated field and its column in each language, for `only()` across a relation
    (modeltranslation adds them itself only on its own models' querysets)."""
    return (lookup, *(f"{lookup}_{code}" for code, _name in settings.LANGUAGES))
