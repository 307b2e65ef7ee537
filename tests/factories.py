"""Valid records of each kind, with keyword overrides: the examples tests start from."""

import uuid

CREATED_AT = "2026-08-17T09:30:00+07:00"


def new_uuid() -> str:
    return str(uuid.uuid4())


def event(**fields) -> dict:
    return {
        "uuid": new_uuid(),
        "kind": "event",
        "schema": 1,
        "created_at": CREATED_AT,
        "name": "Sosialisasi LAPOR! Desa Sukamaju",
        "type": "socialization",
        "starts_on": "2026-08-17",
        "location": {"province": "Jawa Barat", "regency": "Garut", "village": "Sukamaju"},
        **fields,
    }


def attendance(event_uuid: str | None = None, **fields) -> dict:
    return {
        "uuid": new_uuid(),
        "kind": "attendance",
        "schema": 1,
        "created_at": CREATED_AT,
        "event_uuid": event_uuid or new_uuid(),
        "gender": "female",
        "age_band": "16-30",
        "consent": {"given": True, "text_version": "2026-08"},
        **fields,
    }


def complaint(**fields) -> dict:
    return {
        "uuid": new_uuid(),
        "kind": "complaint",
        "schema": 1,
        "created_at": CREATED_AT,
        "classification": "complaint",
        "title": "Jalan desa rusak",
        "body": "Jalan utama desa berlubang sejak Juni dan membahayakan anak sekolah.",
        "location": {"village": "Sukamaju", "district": "Cibatu"},
        "anonymous": False,
        "confidential": False,
        "language": "id",
        "attachments": [],
        "consent": {"given": True, "text_version": "2026-08"},
        **fields,
    }


def feedback(complaint_uuid: str | None = None, **fields) -> dict:
    return {
        "uuid": new_uuid(),
        "kind": "feedback",
        "schema": 2,
        "created_at": CREATED_AT,
        "complaint_uuid": complaint_uuid or new_uuid(),
        "rating": 3,
        "language": "id",
        **fields,
    }


def valid_mix(events=5, per_event=220, complaints=100) -> list[dict]:
    """1,205 records by default: events, their attendance, and complaints."""
    records = []
    for number in range(events):
        meeting = event(name=f"Sosialisasi LAPOR! #{number}")
        records.append(meeting)
        for person in range(per_event):
            band = ("0-15", "16-30", "31-45", "46-60", "61+", "unspecified")[person % 6]
            extra = {"wgss": {"seeing": 1 + person % 4, "walking": 1}} if person % 3 == 0 else {}
            records.append(
                attendance(
                    meeting["uuid"],
                    gender=("female", "male")[person % 2],
                    age_band=band,
                    name=f"Warga {person}",
                    **extra,
                )
            )
    for number in range(complaints):
        records.append(
            complaint(title=f"Pengaduan nomor {number}", anonymous=number % 2 == 0, event_uuid=records[0]["uuid"])
        )
    return records
