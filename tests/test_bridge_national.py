"""The SP4N-LAPOR! adapters against a fake national side on loopback, the folder adapter on real
files, and the report's view and national body."""

import csv
import email.utils
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from factories import complaint, new_uuid
from fake_national import FakeNational

from hub.bridge.config import NationalConfig
from hub.bridge.errors import Refused, Retry, retry_after
from hub.bridge.national import FolderNational, HttpNational, News, open_national
from hub.bridge.report import VIEW_KEYS, mapped, view

TOKEN = "s3cret-token-for-tests"
STATUS_MAP = {
    "Belum Diverifikasi": "received",
    "Diteruskan": "forwarded",
    "Ditindaklanjuti": "followed_up",
    "Selesai": "completed",
}
REPORT = {"judul": "Jalan desa rusak", "isi": "Jalan utama desa berlubang sejak Juni.", "rahasia": False}


@pytest.fixture
def fake():
    with FakeNational(token=TOKEN) as server:
        yield server


@pytest.fixture
def national(fake):
    adapter = HttpNational(fake.url, TOKEN, STATUS_MAP, timeout_s=2)
    yield adapter
    adapter.close()


class OneAnswer:
    """A server that gives every request the same answer: what a broken or impostor national side says."""

    def __init__(self, status: int, body: bytes, content_type: str = "application/json"):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


def forward_to(status: int, body: bytes, content_type: str = "application/json") -> str | None:
    with OneAnswer(status, body, content_type) as server:
        adapter = HttpNational(server.url, TOKEN, STATUS_MAP, timeout_s=2)
        try:
            return adapter.forward(new_uuid(), REPORT)
        finally:
            adapter.close()


# The http adapter: hand-over


def test_forward_returns_the_new_tracking_number(fake, national):
    """A first hand-over answers 201 with a tracking number, and the national side holds the body."""
    uuid = new_uuid()
    tracking_id = national.forward(uuid, REPORT)
    assert tracking_id == fake.tracking_ids()[uuid]
    assert tracking_id.startswith("LAP-") and tracking_id.endswith("-0000001")
    assert fake.reports[uuid][1] == REPORT


def test_forward_again_gives_the_same_number_and_one_report(fake, national):
    """Handing the same uuid over twice returns the same number and stores one report."""
    uuid = new_uuid()
    first = national.forward(uuid, REPORT)
    assert national.forward(uuid, REPORT) == first
    assert len(fake.reports) == 1 and fake.posts == 2


def test_dropped_answer_after_store_then_retry_gives_one_report(fake, national):
    """A connection cut after the national side stored the report is a Retry; the retry gets the same number."""
    uuid = new_uuid()
    fake.fault("drop_after_store")
    with pytest.raises(Retry):
        national.forward(uuid, REPORT)
    assert len(fake.reports) == 1
    assert national.forward(uuid, REPORT) == fake.tracking_ids()[uuid]
    assert len(fake.reports) == 1


def test_server_error_is_a_retry(fake, national):
    """A 500 answer is a Retry without a wait asked for, and nothing is stored."""
    fake.fault("status_500")
    with pytest.raises(Retry) as caught:
        national.forward(new_uuid(), REPORT)
    assert "500" in caught.value.reason and caught.value.after_s is None
    assert fake.reports == {}


def test_too_many_requests_is_a_retry_after_the_seconds_asked(fake, national):
    """A 429 is a Retry whose after_s is the Retry-After in seconds."""
    fake.fault("status_429", retry_after="7")
    with pytest.raises(Retry) as caught:
        national.forward(new_uuid(), REPORT)
    assert caught.value.after_s == 7


def test_retry_after_as_an_http_date(fake, national):
    """A Retry-After given as an HTTP-date becomes the seconds until then."""
    fake.fault("status_429", retry_after=email.utils.formatdate(time.time() + 120, usegmt=True))
    with pytest.raises(Retry) as caught:
        national.forward(new_uuid(), REPORT)
    assert 110 <= caught.value.after_s <= 121


def test_retry_after_is_capped_at_an_hour(fake, national):
    """A Retry-After of a day is taken as one hour."""
    fake.fault("status_429", retry_after="86400")
    with pytest.raises(Retry) as caught:
        national.forward(new_uuid(), REPORT)
    assert caught.value.after_s == 3600


def test_unreadable_retry_after_is_ignored():
    """Retry-After values that are neither seconds nor a date, or lie in the past, ask for no wait."""
    assert retry_after("soon") is None and retry_after(None) is None and retry_after("") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0


def test_slow_answer_is_a_retry(fake):
    """An answer slower than the timeout is a Retry."""
    adapter = HttpNational(fake.url, TOKEN, STATUS_MAP, timeout_s=0.2)
    fake.fault("slow", seconds=0.5)
    with pytest.raises(Retry):
        adapter.forward(new_uuid(), REPORT)
    adapter.close()


def test_unreachable_national_side_is_a_retry():
    """Nobody listening at the address is a Retry."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = HttpNational(f"http://127.0.0.1:{port}", TOKEN, STATUS_MAP, timeout_s=1)
    with pytest.raises(Retry):
        adapter.forward(new_uuid(), REPORT)


def test_bad_request_is_refused_with_the_message(fake, national):
    """A 400 is Refused, its reason holding the status and the national side's message."""
    fake.fault("status_400")
    with pytest.raises(Refused) as caught:
        national.forward(new_uuid(), REPORT)
    assert "400" in caught.value.reason and "laporan ditolak" in caught.value.reason


def test_wrong_token_is_refused_and_the_token_is_never_told(fake, caplog):
    """A 401 is Refused; neither the reason nor the logs carry the token."""
    caplog.set_level(logging.DEBUG)
    adapter = HttpNational(fake.url, "not-the-token", STATUS_MAP, timeout_s=2)
    with pytest.raises(Refused) as caught:
        adapter.forward(new_uuid(), REPORT)
    assert "401" in caught.value.reason
    assert "not-the-token" not in caught.value.reason + caplog.text


def test_long_error_messages_are_cut_short():
    """The national side's error message is kept to a bounded, single-line excerpt."""
    message = "baris satu\nbaris dua " + "x" * 5000
    with pytest.raises(Refused) as caught:
        forward_to(422, json.dumps({"message": message}).encode())
    assert len(caught.value.reason) < 300 and "\n" not in caught.value.reason
    assert "baris satu baris dua" in caught.value.reason


@pytest.mark.parametrize(
    "body",
    [b"{}", b'{"tracking_id": null}', b'{"tracking_id": 42}', json.dumps({"tracking_id": "L" * 65}).encode()],
    ids=["none", "null", "number", "too long"],
)
def test_success_without_a_tracking_number_is_refused(body):
    """A 2xx JSON answer without a usable tracking number is Refused."""
    with pytest.raises(Refused, match="without a tracking number"):
        forward_to(201, body)


def test_a_web_page_instead_of_json_is_a_retry():
    """A 200 web page (a captive portal) is not the national side's answer: Retry."""
    with pytest.raises(Retry):
        forward_to(200, b"<html><body>Sign in to Wi-Fi</body></html>", "text/html")


def test_redirects_are_not_followed():
    """A redirect (a portal, or a moved address) is a Retry, so the token goes nowhere else."""
    with pytest.raises(Retry, match="302"):
        forward_to(302, b"")


def test_the_fake_needs_an_idempotency_key(fake):
    """The fake national side refuses a hand-over without Idempotency-Key, as the contract says."""
    answer = requests.post(f"{fake.url}/reports", json=REPORT, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert answer.status_code == 400 and fake.reports == {}


# The http adapter: news


def test_poll_maps_statuses_and_skips_unknown_reports(fake, national, caplog):
    """Poll maps national words through the status map, keeps unmapped ones as None, and skips unknown numbers."""
    first, second, third = new_uuid(), new_uuid(), new_uuid()
    ids = {uuid: national.forward(uuid, REPORT) for uuid in (first, second, third)}
    fake.set_status(ids[second], "Ditindaklanjuti", "Sudah diteruskan ke Dinas PU")
    fake.set_status(ids[third], "Menunggu Tanggapan")
    with caplog.at_level(logging.WARNING):
        news = national.poll([*ids.items(), (new_uuid(), "LAP-2026-9999999")])
    by_uuid = {one.uuid: one for one in news}
    assert set(by_uuid) == {first, second, third}
    assert by_uuid[first].status == "received" and by_uuid[first].tracking_id == ids[first]
    assert by_uuid[second].status == "followed_up" and by_uuid[second].note == "Sudah diteruskan ke Dinas PU"
    assert by_uuid[third].status is None and by_uuid[third].national_status == "Menunggu Tanggapan"
    assert all(one.updated_at for one in news)
    assert "LAP-2026-9999999" in caplog.text


def test_poll_stops_the_round_on_a_server_error(fake, national):
    """A 5xx while polling raises Retry for the whole round."""
    uuid = new_uuid()
    tracking_id = national.forward(uuid, REPORT)
    fake.fault("status_500", method="GET")
    with pytest.raises(Retry):
        national.poll([(uuid, tracking_id)])
    assert national.poll([(uuid, tracking_id)])[0].status == "received"


def test_poll_skips_a_malformed_answer():
    """A status answer of the wrong shape is skipped, not raised."""
    with OneAnswer(200, b'{"status": 5}') as server:
        adapter = HttpNational(server.url, TOKEN, STATUS_MAP, timeout_s=2)
        assert adapter.poll([(new_uuid(), "LAP-2026-0000001")]) == []


def test_open_national_builds_the_configured_adapter(tmp_path):
    """open_national gives the http or the folder adapter as the configuration says."""
    common = {"forward_on_verify": False, "poll_interval_s": 900, "timeout_s": 5, "status_map": STATUS_MAP}
    http = NationalConfig("http", "https://lapor.example", "t", None, fields={"judul": "title"}, **common)
    folder = NationalConfig("folder", None, None, tmp_path, fields={"judul": "title"}, **common)
    assert isinstance(open_national(http), HttpNational)
    adapter = open_national(folder)
    assert isinstance(adapter, FolderNational) and adapter.header == ["uuid", "judul"]


# The folder adapter


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def outgoing_csvs(folder):
    return sorted((folder / "outgoing").glob("reports-*.csv"))


def test_folder_writes_json_and_one_csv_line_per_report(tmp_path):
    """Each report gives one JSON file and one CSV line, once, however often it is forwarded."""
    adapter = FolderNational(tmp_path, STATUS_MAP, columns=("isi", "judul", "pelapor.nama", "rahasia"))
    first, second = new_uuid(), new_uuid()
    body = {**REPORT, "pelapor": {"nama": "Siti Aminah"}}
    assert adapter.forward(first, body) is None
    adapter.forward(first, body)
    adapter.forward(second, REPORT)
    stored = json.loads((tmp_path / "outgoing" / f"{first}.json").read_text(encoding="utf-8"))
    assert stored == {"uuid": first, **body}
    [path] = outgoing_csvs(tmp_path)
    assert read_csv(path) == [
        ["uuid", "isi", "judul", "pelapor.nama", "rahasia"],
        [first, REPORT["isi"], REPORT["judul"], "Siti Aminah", "false"],
        [second, REPORT["isi"], REPORT["judul"], "", "false"],
    ]


def test_folder_guards_cells_against_formulas(tmp_path):
    """Text cells starting with = + - @ get a leading ', numbers stay numbers."""
    adapter = FolderNational(tmp_path, STATUS_MAP, columns=("a", "b", "c", "d", "e", "lat"))
    body = {"a": '=HYPERLINK("http://x")', "b": "+6281234567", "c": "-1+1", "d": "@SUM(A1)", "e": "aman", "lat": -6.2}
    adapter.forward(new_uuid(), body)
    [path] = outgoing_csvs(tmp_path)
    assert read_csv(path)[1][1:] == ['\'=HYPERLINK("http://x")', "'+6281234567", "'-1+1", "'@SUM(A1)", "aman", "-6.2"]


def test_folder_after_a_crash_mid_write_adds_no_second_line(tmp_path):
    """A crash after the CSV line but before the JSON file was finished does not give a second line."""
    adapter = FolderNational(tmp_path, STATUS_MAP, columns=("judul",))
    uuid = new_uuid()
    adapter.forward(uuid, REPORT)
    final = tmp_path / "outgoing" / f"{uuid}.json"
    final.rename(tmp_path / "outgoing" / f".{uuid}.json.part")  # as a crash before the rename leaves it
    adapter.forward(uuid, REPORT)
    assert final.exists()
    [path] = outgoing_csvs(tmp_path)
    assert [row[0] for row in read_csv(path)] == ["uuid", uuid]


def test_folder_starts_a_new_csv_when_the_columns_change(tmp_path):
    """A changed mapping during the day writes to a second file, so each file has one header."""
    FolderNational(tmp_path, STATUS_MAP, columns=("judul",)).forward(new_uuid(), REPORT)
    FolderNational(tmp_path, STATUS_MAP, columns=("isi", "judul")).forward(new_uuid(), REPORT)
    second, first = outgoing_csvs(tmp_path)  # "-2.csv" sorts first
    assert second.name == first.name.replace(".csv", "-2.csv")
    assert read_csv(first)[0] == ["uuid", "judul"] and read_csv(second)[0] == ["uuid", "isi", "judul"]


def test_folder_reads_tracking_numbers_and_skips_bad_lines(tmp_path, caplog):
    """Incoming CSVs (comma or semicolon) give one News per good line; bad lines are named in a warning."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    first, second, third = new_uuid(), new_uuid(), new_uuid()
    (incoming / "nomor.csv").write_text(
        f"uuid,tracking_id,status,note\n{first},LAP-2026-0000011,Selesai,Jalan sudah diperbaiki\n"
        f"bukan-uuid,LAP-2026-0000012,,\n{second},,,\n,,,\n",
        encoding="utf-8",
    )
    (incoming / "excel.csv").write_text(
        f"\ufeffUUID;Tracking_ID;Status\n{third};LAP-2026-0000013;diteruskan\n", encoding="utf-8"
    )
    adapter = FolderNational(tmp_path, STATUS_MAP)
    with caplog.at_level(logging.WARNING):
        news = adapter.poll([])
    assert sorted(news, key=lambda one: one.tracking_id) == [
        News(first, "LAP-2026-0000011", "completed", "Selesai", "Jalan sudah diperbaiki", None),
        News(third, "LAP-2026-0000013", "forwarded", "diteruskan", None, None),
    ]
    assert "nomor.csv line 3" in caplog.text and "nomor.csv line 4" in caplog.text
    assert "line 5" not in caplog.text  # an empty row is no mistake


def test_folder_done_moves_read_files_aside(tmp_path):
    """After done, the files read are in incoming/read/ and poll finds nothing new."""
    incoming = tmp_path / "incoming"
    (incoming / "read").mkdir(parents=True)
    (incoming / "read" / "nomor.csv").write_text("uuid,tracking_id\n", encoding="utf-8")
    (incoming / "nomor.csv").write_text(f"uuid,tracking_id\n{new_uuid()},LAP-2026-0000021\n", encoding="utf-8")
    adapter = FolderNational(tmp_path, STATUS_MAP)
    news = adapter.poll([])
    assert len(news) == 1
    adapter.done(news)
    assert adapter.poll([]) == []
    assert sorted(path.name for path in (incoming / "read").iterdir()) == ["nomor-2.csv", "nomor.csv"]


def test_folder_leaves_a_file_without_the_needed_columns(tmp_path, caplog):
    """A file whose header lacks uuid or tracking_id is warned about and left for staff to fix."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "salah.csv").write_text("nomor,status\nLAP-1,Selesai\n", encoding="utf-8")
    adapter = FolderNational(tmp_path, STATUS_MAP)
    with caplog.at_level(logging.WARNING):
        assert adapter.poll([]) == []
    adapter.done([])
    assert (incoming / "salah.csv").exists() and "salah.csv" in caplog.text


# The report on its way out


def personal_complaint(**fields):
    return complaint(
        reporter={"name": "Siti Aminah", "phone": "+6281234567890", "email": "siti@example.id"},
        location={"province": "Jawa Barat", "village": "Sukamaju", "text": "Depan SD Negeri 1", "lat": -7.2},
        attachments=[
            {"sha256": "a" * 64, "mime": "image/jpeg", "size": 1234, "name": "foto.jpg", "role": "photo"},
            {"sha256": "b" * 64, "mime": "application/pdf", "size": 99, "name": "surat.pdf"},
        ],
        **fields,
    )


def test_view_carries_the_report_and_leaves_absent_values_out():
    """The view has our keys with the record's values; absent ones are left out, attachments carry no names."""
    record = personal_complaint()
    flat = view(record, "LPR-2026-0000001", "GARUT-01", "2026-08-17T03:00:00+00:00")
    assert set(flat) <= set(VIEW_KEYS)
    assert flat["name"] == "Siti Aminah" and flat["location_text"] == "Depan SD Negeri 1" and flat["lat"] == -7.2
    assert flat["hub_number"] == "LPR-2026-0000001" and flat["kiosk_code"] == "GARUT-01"
    assert "incident_date" not in flat and "regency" not in flat and "lon" not in flat
    assert flat["attachments"] == [
        {"sha256": "a" * 64, "mime": "image/jpeg", "size": 1234, "role": "photo"},
        {"sha256": "b" * 64, "mime": "application/pdf", "size": 99},
    ]


def test_anonymous_reports_carry_no_identity():
    """An anonymous report has no name, phone or email, even when the mapping asks for them."""
    flat = view(personal_complaint(anonymous=True), "LPR-2026-0000002", "GARUT-01", "2026-08-17T03:00:00+00:00")
    assert not {"name", "phone", "email"} & set(flat)
    body = mapped(flat, {"pelapor.nama": "name", "pelapor.telepon": "phone", "anonim": "anonymous"})
    assert body == {"anonim": True}


def test_confidential_is_always_flagged():
    """`confidential` is carried as a bool, true or false, so the national side can flag it."""
    received = "2026-08-17T03:00:00+00:00"
    assert view(personal_complaint(confidential=True), "H", "K", received)["confidential"] is True
    assert view(personal_complaint(), "H", "K", received)["confidential"] is False


def test_mapped_nests_dotted_names_and_never_sends_null():
    """Dotted national names build nested objects; values absent from the view are left out."""
    flat = view(personal_complaint(), "LPR-2026-0000003", "GARUT-01", "2026-08-17T03:00:00+00:00")
    fields = {
        "judul": "title",
        "tanggal_kejadian": "incident_date",
        "pelapor.nama": "name",
        "pelapor.email": "email",
        "lokasi.desa": "village",
        "lokasi.kecamatan": "district",
        "lokasi.kabupaten": "regency",
    }
    assert mapped(flat, fields) == {
        "judul": "Jalan desa rusak",
        "pelapor": {"nama": "Siti Aminah", "email": "siti@example.id"},
        "lokasi": {"desa": "Sukamaju"},
    }
