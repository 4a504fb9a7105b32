"""Two real identity providers on loopback for the federated sign-in tests: a SAML 2.0 IdP built on
pysaml2 (its own metadata, the AuthnRequest parsed, a response whose assertion is signed by
xmlsec1), and an OpenID Connect provider (discovery, authorization code, token endpoint with
RS256-signed ID tokens from joserfc, userinfo and JWKS). Each serves HTTP in a thread of its own."""

import datetime
import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

XMLSEC1 = "/usr/bin/xmlsec1"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.owner.handle(self, "GET")

    def do_POST(self):
        self.server.owner.handle(self, "POST")


class _LoopbackServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.owner = self
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()

    @staticmethod
    def reply(handler, status, body=b"", content_type="text/plain", headers=None):
        if isinstance(body, str):
            body = body.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)


def self_signed_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """An RSA key and a self-signed certificate in PEM files, as an IdP's signing pair."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class SamlIdP(_LoopbackServer):
    """pysaml2 acting as the university's IdP. `person` is who is signed in at the IdP: its
    attributes by their friendly names (pysaml2 sends them under their urn:oid names)."""

    def __init__(self, directory: Path):
        super().__init__()
        self.directory = directory
        self.entity_id = f"{self.base}/idp/metadata"
        self.key_file, self.cert_file = self_signed_certificate(directory, "idp")
        self.person: dict = {}
        self.sp_metadata = ""
        self.requests = []
        self.encrypt = False

    def config(self, key_file=None, cert_file=None):
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT

        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(f"{self.base}/idp/sso", BINDING_HTTP_REDIRECT)]},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT],
                        "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                        "want_authn_requests_signed": False,
                    }
                },
                "key_file": str(key_file or self.key_file),
                "cert_file": str(cert_file or self.cert_file),
                "xmlsec_binary": XMLSEC1,
                "metadata": {"inline": [self.sp_metadata]} if self.sp_metadata else {},
            }
        )
        return config

    def metadata(self) -> str:
        from saml2.metadata import create_metadata_string

        return create_metadata_string(None, config=self.config()).decode()

    def handle(self, handler, method):
        url = urlsplit(handler.path)
        if url.path == "/idp/metadata":
            return self.reply(handler, 200, self.metadata(), "application/samlmetadata+xml")
        if url.path == "/idp/sso":
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            try:
                html = self.answer(query["SAMLRequest"], query.get("RelayState", ""))
            except Exception as error:  # noqa: BLE001 (any refusal is answered as an IdP would, with its reason)
                return self.reply(handler, 400, f"IdP refused the request: {error!r}")
            return self.reply(handler, 200, html, "text/html; charset=utf-8")
        return self.reply(handler, 404, "not found")

    def answer(self, saml_request: str, relay_state: str) -> str:
        """Parse the SP's AuthnRequest and answer it with a signed assertion about `person`."""
        from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
        from saml2.server import Server

        server = Server(config=self.config())
        request = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        self.requests.append(request.message)
        args = server.response_args(request.message, [BINDING_HTTP_POST])
        args.pop("binding", None)
        # A different signing key than the metadata's: what a forged answer looks like.
        signer = Server(config=self.config(*self.forged_key)) if getattr(self, "forged_key", None) else server
        identity = {name: value if isinstance(value, list) else [value] for name, value in self.person.items()}
        response = signer.create_authn_response(
            identity,
            userid=self.person["eduPersonPrincipalName"],
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_assertion=True,
            sign_response=False,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
            # As a Shibboleth IdP does for an SP with a certificate: to the SP's key in its metadata.
            encrypt_assertion=self.encrypt,
            # pysaml2's "self-contained" form re-declares namespaces inside the signed assertion,
            # which breaks its signature; Shibboleth encrypts the assertion as signed.
            encrypt_assertion_self_contained=False,
            **args,
        )
        binding = server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        return binding["data"]


def form_fields(html: str) -> tuple[str, dict]:
    """The action and hidden fields of the self-submitting form an IdP answers with."""
    action = re.search(r'<form[^>]*action="([^"]+)"', html).group(1)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    return action, fields


class OidcProvider(_LoopbackServer):
    """An OpenID Connect provider: `person` holds the claims of whoever signs in next; `mode` makes
    it misbehave ("forged" signs with a key not in its JWKS, "wrong_audience" names another client)."""

    def __init__(self, client_id="jige-portal", client_secret=None):
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "signing-1", "use": "sig", "alg": "RS256"})
        self.person: dict = {}
        self.mode = "honest"
        self.codes: dict = {}
        self.tokens: dict = {}

    def handle(self, handler, method):
        url = urlsplit(handler.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self.reply(handler, 200, json.dumps(self.discovery()), "application/json")
        if url.path == "/jwks":
            keys = KeySet([self.key]).as_dict(private=False)
            return self.reply(handler, 200, json.dumps(keys), "application/json")
        if url.path == "/authorize":
            return self.authorize(handler, query)
        if url.path == "/token" and method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            form = {name: values[0] for name, values in parse_qs(handler.rfile.read(length).decode()).items()}
            return self.token(handler, form)
        if url.path == "/userinfo":
            claims = self.tokens.get(handler.headers.get("Authorization", "").removeprefix("Bearer "))
            if claims is None:
                return self.reply(handler, 401, "unknown token")
            return self.reply(handler, 200, json.dumps(claims), "application/json")
        return self.reply(handler, 404, "not found")

    def discovery(self) -> dict:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def authorize(self, handler, query):
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return self.reply(handler, 400, "unknown client")
        self.scopes_asked = query.get("scope", "").split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"redirect_uri": query["redirect_uri"], "nonce": query.get("nonce"), "person": self.person}
        location = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
        return self.reply(handler, 302, headers={"Location": location})

    def token(self, handler, form):
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if "Authorization" in handler.headers:
            import base64

            client_id, _, client_secret = (
                base64.b64decode(handler.headers["Authorization"].removeprefix("Basic ")).decode().partition(":")
            )
        grant = self.codes.pop(form.get("code", ""), None)
        if client_id != self.client_id or client_secret != self.client_secret:
            return self.reply(handler, 401, json.dumps({"error": "invalid_client"}), "application/json")
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return self.reply(handler, 400, json.dumps({"error": "invalid_grant"}), "application/json")
        now = int(datetime.datetime.now(datetime.UTC).timestamp())
        claims = {
            "iss": self.base,
            "aud": "someone-else" if self.mode == "wrong_audience" else self.client_id,
            "iat": now,
            "exp": now + 300,
            **grant["person"],
        }
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        key = self.key
        if self.mode == "forged":
            key = RSAKey.generate_key(2048, parameters={"kid": "signing-1", "use": "sig", "alg": "RS256"})
        id_token = jwt.encode({"alg": "RS256", "kid": "signing-1"}, claims, key)
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant["person"]
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        return self.reply(handler, 200, json.dumps(body), "application/json")
