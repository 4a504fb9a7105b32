from modeltranslation.translator import TranslationOptions, register

from .models import Achievement, EquivalenceClass


@register(Achievement)
class AchievementTranslation(TranslationOptions):
    fields = (
        "name",
        "description",
        "criteria",
        "learning_outcomes",
        "assessment_method",
        "quality_assurance",
        "prerequisites",
    )
    required_languages = ("en",)


@register(EquivalenceClass)
class EquivalenceClassTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
