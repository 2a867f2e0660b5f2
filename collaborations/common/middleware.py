"""The portal speaks bokmål by default."""


class NorwegianByDefaultMiddleware:
    """The portal speaks bokmål unless the user chose otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    council member with an English browser would get English. Here only an
    explicit choice (the language switch, stored in the language cookie)
    changes the language. Must come before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
