"""A complaint's voice recordings and photos, for the complaint page's players and pictures.

Only a role that may see the complaint's personal data gets the bytes, and only of files the
complaint names; each fetch is audited by the storage that reads it. The answer is whole, never
a byte range: the bytes are unsealed in memory for each request (Starlette serves ranges only of
plain files on disk, where they must never lie), and every range a player asks for would be
another audited view. Browsers play a whole answer as well; a voice note is small.
"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hub.console import rights
from hub.console.auth import SignedIn
from hub.console.pages import NOT_ALLOWED, NOT_FOUND
from hub.console.web import HEADERS, PREFIX, Refused, address, state
from hub.i18n import N_
from hub.storage.evidence import Evidence

# Opened on its own, a picture or a recording is shown in a page the browser makes around it,
# which styles it inline and loads the file again; nothing else is loaded there, no script runs.
MEDIA_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"
router = APIRouter()


@router.get(PREFIX + "/complaints/{uuid}/attachments/{sha256}")
def attachment(request: Request, staffer: SignedIn, uuid: str, sha256: str) -> Response:
    console = state(request)
    complaint = console.casework.complaint(uuid)
    if complaint is None:
        raise Refused(404, NOT_FOUND)
    if not rights.may_see_personal(staffer, complaint):
        raise Refused(403, NOT_ALLOWED)
    exhibit = Evidence(console.casework.storage).open(uuid, sha256, staffer.name, address(request))
    if exhibit is None:
        raise Refused(404, N_("This report has no such file, or the file is no longer at the hub."))
    headers = HEADERS | {"Content-Security-Policy": MEDIA_POLICY, "Content-Disposition": "inline"}
    return Response(exhibit.data, media_type=exhibit.mime, headers=headers)
