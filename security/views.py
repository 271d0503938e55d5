import time

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from security.events import SEEN_AT


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """« Rester connecté »: a request is activity (SessionLifetimeMiddleware notes it); this
    one answers nothing else. The absolute lifetime still applies."""
    request.session[SEEN_AT] = time.time()
    return HttpResponse(status=204)
