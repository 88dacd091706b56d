"""Language: Simplified Chinese unless the user chose another language with the switcher."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Like LocaleMiddleware, but ignores the browser's Accept-Language: the bureau works in Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
