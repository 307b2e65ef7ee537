"""The bridge's configuration file: the documented example loads, and each kind of mistake stops
with one line naming the file and the key."""

from pathlib import Path

import pytest

from hub.bridge.config import EXAMPLE, load
from hub.bridge.errors import ConfigError

HTTP_START = """\
adapter = "http"
base_url = "https://sp4n-lapor.example/api/v1"
token_file = "lapor.token"
"""
FIELDS = '[fields]\njudul = "title"\n'
SMS_HTTP = '[sms]\nadapter = "http"\nurl = "https://x.example"\n'
SMS_COMMAND = '[sms]\nadapter = "command"\n'


def write(folder: Path, text: str, token: str | None = "token-123\n") -> Path:
    if token is not None:
        (folder / "lapor.token").write_text(token, encoding="utf-8")
    path = folder / "bridge.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def test_the_example_loads(tmp_path):
    """The README's example loads as written, once its token file is next to it."""
    config = load(write(tmp_path, EXAMPLE, token="  rahasia-lapor  \n"))
    national = config.national
    assert national.adapter == "http" and national.token == "rahasia-lapor"
    assert national.base_url == "https://sp4n-lapor.example/api/v1" and national.folder is None
    assert national.forward_on_verify is False and national.poll_interval_s == 900 and national.timeout_s == 30
    assert national.fields["judul"] == "title" and national.fields["pelapor.nama"] == "name"
    assert national.status_map["Belum Diverifikasi"] == "received" and national.status_map["Selesai"] == "completed"
    sms = config.sms
    assert sms.adapter == "http" and sms.url == "https://sms-gateway.example/api/send" and sms.token is None
    assert (sms.to_field, sms.text_field, sms.max_attempts, sms.command) == ("to", "message", 5, ())
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"```toml\n{EXAMPLE}```" in readme  # the README shows the example as the code has it


def test_folder_adapter_and_defaults(tmp_path):
    """The folder adapter's folder is relative to the config file; unset keys take their defaults."""
    config = load(write(tmp_path, 'adapter = "folder"\nfolder = "lapor"\n', token=None))
    national = config.national
    assert national.folder == tmp_path / "lapor" and national.token is None and national.base_url is None
    assert national.fields == {} and national.status_map == {} and national.poll_interval_s == 900
    assert config.sms is None


def test_quoted_dotted_names_equal_nested_tables(tmp_path):
    """A quoted "pelapor.nama" and TOML's dotted pelapor.telepon both give dotted national names."""
    text = HTTP_START + '[fields]\n"pelapor.nama" = "name"\npelapor.telepon = "phone"\n'
    assert load(write(tmp_path, text)).national.fields == {"pelapor.nama": "name", "pelapor.telepon": "phone"}


def test_sms_only_with_a_command(tmp_path):
    """Without a top-level adapter there is no national bridge; a command gateway keeps its argv."""
    text = SMS_COMMAND + 'command = ["gammu-smsd-inject", "TEXT", "{to}", "-text", "{text}"]\n'
    config = load(write(tmp_path, text, token=None))
    assert config.national is None
    assert config.sms.command == ("gammu-smsd-inject", "TEXT", "{to}", "-text", "{text}") and config.sms.url is None


def test_loopback_http_is_allowed(tmp_path):
    """Plain http is accepted to loopback addresses (tests, a local proxy)."""
    for address in ("http://127.0.0.1:8080", "http://localhost/api", "http://[::1]:9000"):
        text = HTTP_START.replace("https://sp4n-lapor.example/api/v1", address) + FIELDS
        assert load(write(tmp_path, text)).national.base_url == address


BAD = {
    "unknown key": ('adaptor = "http"\n', "adaptor"),
    "unknown sms key": ('[sms]\nadapter = "http"\nurll = "https://x.example"\n', "sms.urll"),
    "unknown adapter": ('adapter = "ftp"\n', "adapter"),
    "flag as text": (HTTP_START + 'forward_on_verify = "yes"\n' + FIELDS, "forward_on_verify"),
    "interval too short": (HTTP_START + "poll_interval_s = 0.5\n" + FIELDS, "poll_interval_s"),
    "timeout as text": (HTTP_START + 'timeout_s = "30"\n' + FIELDS, "timeout_s"),
    "timeout zero": (HTTP_START + "timeout_s = 0\n" + FIELDS, "timeout_s"),
    "no fields for http": (HTTP_START, "fields"),
    "unknown view key": (HTTP_START + '[fields]\njudul = "titel"\n', "fields.judul"),
    "field not text": (HTTP_START + "[fields]\njudul = 1\n", "fields.judul"),
    "field value and object": (HTTP_START + '[fields]\npelapor = "name"\n"pelapor.nama" = "name"\n', "fields.pelapor"),
    "empty field name part": (HTTP_START + '[fields]\n"pelapor..nama" = "name"\n', "pelapor..nama"),
    "unknown status": (HTTP_START + FIELDS + '[status_map]\n"Belum Diverifikasi" = "new"\n', "Belum Diverifikasi"),
    "plain http elsewhere": (HTTP_START.replace("https://", "http://") + FIELDS, "base_url"),
    "not an address": (HTTP_START.replace("https://sp4n-lapor.example/api/v1", "sp4n-lapor") + FIELDS, "base_url"),
    "address with a query": (HTTP_START.replace("/v1", "/v1?key=1") + FIELDS, "base_url"),
    "no address": ('adapter = "http"\ntoken_file = "lapor.token"\n' + FIELDS, "base_url"),
    "folder for http": (HTTP_START + 'folder = "out"\n' + FIELDS, "folder"),
    "base_url for folder": ('adapter = "folder"\nfolder = "out"\nbase_url = "https://x.example"\n', "base_url"),
    "no folder": ('adapter = "folder"\n', "folder"),
    "national key without adapter": ('base_url = "https://x.example"\n', "base_url"),
    "sms not a table": ('sms = "yes"\n', "sms"),
    "sms without url": ('[sms]\nadapter = "http"\n', "sms.url"),
    "sms url for command": (SMS_COMMAND + 'command = ["x", "{to}", "{text}"]\nurl = "https://x.example"\n', "sms.url"),
    "sms command without text": (SMS_COMMAND + 'command = ["gammu-smsd-inject", "{to}"]\n', "sms.command"),
    "sms command empty": (SMS_COMMAND + "command = []\n", "sms.command"),
    "sms attempts zero": (SMS_HTTP + "max_attempts = 0\n", "sms.max_attempts"),
    "sms attempts too many": (SMS_HTTP + "max_attempts = 51\n", "sms.max_attempts"),
    "sms attempts bool": (SMS_HTTP + "max_attempts = true\n", "sms.max_attempts"),
}


@pytest.mark.parametrize("text, key", BAD.values(), ids=BAD.keys())
def test_bad_configs_name_the_key(tmp_path, text, key):
    """Each kind of mistake gives a ConfigError naming the key at fault."""
    assert key in refusal(write(tmp_path, text))


def test_missing_file(tmp_path):
    """A missing file is a ConfigError starting with its name."""
    assert "cannot read" in refusal(tmp_path / "bridge.toml")


def test_invalid_toml_says_the_line(tmp_path):
    """Invalid TOML is a ConfigError that says the line."""
    assert "line 2" in refusal(write(tmp_path, 'adapter = "http"\nbase_url = \n'))


@pytest.mark.parametrize("token", [None, "", "  \n", "two words\n"], ids=["missing", "empty", "blank", "spaces"])
def test_unusable_token_file(tmp_path, token):
    """A missing, empty or malformed token file is a ConfigError naming token_file."""
    assert "token_file" in refusal(write(tmp_path, HTTP_START + FIELDS, token=token))


def test_unreadable_sms_token_file(tmp_path):
    """An [sms] token_file that cannot be read is a ConfigError naming sms.token_file."""
    text = SMS_HTTP + 'token_file = "sms.token"\n'
    assert "sms.token_file" in refusal(write(tmp_path, text, token=None))
