from modeltranslation.translator import TranslationOptions, register

from .models import LearningOutcome, Module, Programme, Session


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "prerequisites")
    required_languages = ("en",)


@register(LearningOutcome)
class LearningOutcomeTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("label",)


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "city", "costs_note")
    required_languages = ("en",)
