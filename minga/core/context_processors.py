from django.conf import settings


def site(request):
    return {
        "LANGUAGES": settings.LANGUAGES,
        "public_url": settings.MINGA_PUBLIC_URL,
    }
