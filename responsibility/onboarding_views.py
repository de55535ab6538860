from django.http import HttpRequest, HttpResponse


def onboarding_import(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def onboarding_template(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
