"""A small LTI 1.3 platform on loopback, for tests: what Moodle or Canvas does, with real keys.

It serves its JWKS, an OIDC authorization endpoint that answers with the signed id_token as an
auto-posting form, a token endpoint that checks the tool's signed client assertion against the
tool's JWKS, a line item's scores endpoint and a Deep Linking return endpoint that check and
record what they receive. Launches are described in `messages`, keyed by `lti_message_hint`.
"""

import html.parser
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


class FormParser(html.parser.HTMLParser):
    """The first form of a page: its action and its hidden fields."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action")
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")


def parse_form(page: str) -> tuple[str, dict]:
    parser = FormParser()
    parser.feed(page)
    return parser.action, parser.fields


class Platform:
    client_id = "jige-portal-tool"
    deployment_id = "deployment-1"
    kid = "platform-key-1"

    def __init__(self, *, host: str = "127.0.0.1"):
        # A browser journey names the platform "localhost", like the live server: over plain HTTP
        # only a same-site launch carries the portal's SameSite=Lax state cookie.
        self.host = host
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.users = {}
        self.messages = {}
        self.scores = []  # (line item path, score body)
        self.deep_link_responses = []  # verified claims
        self.token_requests = 0
        self.tool_jwks = None  # set by a test, or fetched from tool_jwks_url
        self.tool_jwks_url = None
        self._tokens = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.server.server_port}"

    issuer = url

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- what tests describe -----------------------------------------------------------------

    def add_user(self, key: str, *, email: str, name: str = "Aiko Tanaka", roles=(LEARNER,), locale: str = "en"):
        self.users[key] = {"sub": "sub-" + key, "email": email, "name": name, "roles": list(roles), "locale": locale}

    def add_launch(
        self, hint: str, *, resource_link_id: str = "link-1", custom=None, lineitem: str | None = None, **options
    ):
        claims = {
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "resource_link": {"id": resource_link_id, "title": "COIL week"},
            CLAIM + "context": {"id": "course-1", "title": "Global Studies 101"},
        }
        if custom:
            claims[CLAIM + "custom"] = custom
        if lineitem:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [SCORE_SCOPE],
                "lineitem": self.url + lineitem,
            }
        self.messages[hint] = {"claims": claims, **options}

    def add_deep_linking(self, hint: str, **options):
        self.messages[hint] = {
            "claims": {
                CLAIM + "message_type": "LtiDeepLinkingRequest",
                "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
                    "deep_link_return_url": self.url + "/deep-link-return",
                    "accept_types": ["ltiResourceLink"],
                    "accept_presentation_document_targets": ["window"],
                    "data": "platform-opaque-data",
                },
            },
            **options,
        }

    def id_token(self, *, user_key: str, hint: str, nonce: str) -> str:
        user = self.users[user_key]
        message = self.messages[hint]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": message.get("aud", self.client_id),
            "sub": user["sub"],
            "iat": now,
            "exp": now + message.get("lifetime", 300),
            "nonce": nonce,
            "email": user["email"],
            "name": user["name"],
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": message.get("deployment_id", self.deployment_id),
            CLAIM + "roles": user["roles"],
            CLAIM + "launch_presentation": {"locale": user["locale"], "document_target": "window"},
            **message["claims"],
        }
        key = message.get("sign_with", self.key)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    # --- the tool's keys ------------------------------------------------------------------------

    def _tool_key(self, token: str):
        keys = self.tool_jwks
        if keys is None:
            with urllib.request.urlopen(self.tool_jwks_url, timeout=10) as response:  # noqa: S310 - loopback
                keys = json.loads(response.read())
        kid = jwt.get_unverified_header(token)["kid"]
        jwk = next(item for item in keys["keys"] if item["kid"] == kid)
        return jwt.PyJWK(jwk).key

    # --- HTTP ------------------------------------------------------------------------------------

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, content_type="application/json"):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                if parts.path == "/jwks":
                    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(platform.key.public_key(), as_dict=True)
                    return self._send(200, json.dumps({"keys": [{**jwk, "kid": platform.kid, "alg": "RS256"}]}))
                if parts.path == "/auth":
                    query = dict(urllib.parse.parse_qsl(parts.query))
                    if query.get("client_id") != platform.client_id or query.get("response_mode") != "form_post":
                        return self._send(400, "bad request", "text/plain")
                    token = platform.id_token(
                        user_key=query["login_hint"], hint=query.get("lti_message_hint", ""), nonce=query["nonce"]
                    )
                    page = (
                        f'<form method="post" action="{query["redirect_uri"]}">'
                        f'<input type="hidden" name="id_token" value="{token}">'
                        f'<input type="hidden" name="state" value="{query["state"]}"></form>'
                        "<script>document.forms[0].submit()</script>"
                    )
                    return self._send(200, page, "text/html")
                return self._send(404, "{}")

            def do_POST(self):
                parts = urllib.parse.urlsplit(self.path)
                body = self._body()
                if parts.path == "/token":
                    form = dict(urllib.parse.parse_qsl(body.decode()))
                    assertion = form.get("client_assertion", "")
                    try:
                        claims = jwt.decode(
                            assertion,
                            platform._tool_key(assertion),
                            algorithms=["RS256"],
                            audience=platform.url + "/token",
                        )
                    except (jwt.PyJWTError, StopIteration, KeyError):
                        return self._send(401, json.dumps({"error": "invalid_client"}))
                    if claims["iss"] != platform.client_id or claims["sub"] != platform.client_id:
                        return self._send(401, json.dumps({"error": "invalid_client"}))
                    if form.get("grant_type") != "client_credentials" or SCORE_SCOPE not in form.get("scope", ""):
                        return self._send(400, json.dumps({"error": "invalid_request"}))
                    platform.token_requests += 1
                    token = secrets.token_urlsafe(24)
                    platform._tokens.add(token)
                    answer = {"access_token": token, "token_type": "bearer", "expires_in": 3600, "scope": SCORE_SCOPE}
                    return self._send(200, json.dumps(answer))
                if parts.path.startswith("/lineitems/") and parts.path.endswith("/scores"):
                    bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if bearer not in platform._tokens:
                        return self._send(401, "{}")
                    if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                        return self._send(415, "{}")
                    platform.scores.append((parts.path.removesuffix("/scores"), json.loads(body)))
                    return self._send(200, "{}")
                if parts.path == "/deep-link-return":
                    token = dict(urllib.parse.parse_qsl(body.decode())).get("JWT", "")
                    try:
                        claims = jwt.decode(
                            token, platform._tool_key(token), algorithms=["RS256"], audience=platform.issuer
                        )
                    except (jwt.PyJWTError, StopIteration, KeyError):
                        return self._send(400, "invalid response", "text/plain")
                    platform.deep_link_responses.append(claims)
                    return self._send(200, "<p>Placed.</p>", "text/html")
                return self._send(404, "{}")

        return Handler
