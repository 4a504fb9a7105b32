from modeltranslation.translator import TranslationOptions, register

from .models import Posting


@register(Posting)
class PostingTranslation(TranslationOptions):
    fields = ("title", "description", "location")
    required_languages = ("en",)
