from modeltranslation.translator import TranslationOptions, register

from .models import Posting


@register(Posting)
class PostingTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)
