from modeltranslation.translator import TranslationOptions, register

from .models import Posting, Programme


@register(Posting)
class PostingTranslation(TranslationOptions):
    fields = ("title", "description", "location")
    required_languages = ("en",)


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
