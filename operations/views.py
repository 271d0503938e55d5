from django.http import HttpRequest, HttpResponseServerError
from django.template import loader

from operations.logs import current_request_id


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """The 500 page, with the request's id to quote to the portal's team (it is in the logs).

    Rendered without context processors: they may need the database that just failed."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": current_request_id()}))
