"""LTI 1.3 as a tool, on PyJWT: checking a platform's id_token, signing the tool's own JWTs
(deep-linking responses, client assertions) and talking to a platform's token and score endpoints.

Nothing here touches the database: `courses.lti_services` stores what this module needs and
passes it in. The claims follow IMS LTI 1.3 Core, Deep Linking 2.0 and Assignment and Grade
Services 2.0; the security rules (state, nonce, iss/aud/azp/exp) follow the IMS Security Framework.
"""

import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LAUNCH = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
ALGORITHM = "RS256"
JWKS_CACHE_SECONDS = 600
HTTP_TIMEOUT = 10
LEEWAY_SECONDS = 60
INSTRUCTOR_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
}


class LtiError(Exception):
    """A launch or a platform call that must be refused; `code` names the reason for the error page."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code


# --- the tool's keys ----------------------------------------------------------------------------


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_to_bytes(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def private_key_from_bytes(data: bytes) -> rsa.RSAPrivateKey:
    return serialization.load_der_private_key(data, password=None)


def public_jwk(key, *, kid: str) -> dict:
    public = key.public_key() if hasattr(key, "public_key") else key
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
    return {**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def sign(claims: dict, *, key, kid: str) -> str:
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid, "typ": "JWT"})


# --- HTTP to the platform --------------------------------------------------------------------------


def _request(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310 - admin-entered https URLs
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise LtiError("unreachable", f"{url}: {error}") from None


def fetch_jwks(url: str, *, refresh: bool = False) -> dict:
    """The platform's key set, cached for JWKS_CACHE_SECONDS (refresh: a kid we have not seen)."""
    key = "courses:lti:jwks:" + url
    keys = None if refresh else cache.get(key)
    if keys is None:
        status, body = _request(url, headers={"Accept": "application/json"})
        if status != 200:
            raise LtiError("jwks", f"{url} answered {status}")
        try:
            keys = {item["kid"]: item for item in json.loads(body)["keys"] if "kid" in item}
        except (ValueError, KeyError, TypeError):
            raise LtiError("jwks", f"{url} is not a key set") from None
        cache.set(key, keys, JWKS_CACHE_SECONDS)
    return keys


def _platform_key(jwks_url: str, token: str):
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise LtiError("signature", "not a JWT") from None
    keys = fetch_jwks(jwks_url)
    if kid not in keys:
        keys = fetch_jwks(jwks_url, refresh=True)  # the platform may have rotated its key
    if kid not in keys:
        raise LtiError("signature", f"no key {kid!r} in the platform's key set")
    return jwt.PyJWK(keys[kid], algorithm=ALGORITHM).key


def unverified_issuer(token: str) -> str:
    try:
        return str(jwt.decode(token, options={"verify_signature": False}).get("iss", ""))
    except jwt.PyJWTError:
        raise LtiError("signature", "not a JWT") from None


def decode_id_token(token: str, *, issuer: str, client_id: str, jwks_url: str, nonce: str) -> dict:
    """Check an id_token's signature (platform JWKS), iss, aud, azp, exp, iat and nonce; the claims."""
    key = _platform_key(jwks_url, token)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=client_id,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
        )
    except jwt.InvalidSignatureError:
        raise LtiError("signature") from None
    except jwt.InvalidAudienceError:
        raise LtiError("audience") from None
    except jwt.ExpiredSignatureError:
        raise LtiError("expired") from None
    except jwt.PyJWTError as error:
        raise LtiError("claims", str(error)) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # With several audiences the authorized party must be this tool (OIDC Core 3.1.3.7).
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise LtiError("audience", "azp is not this tool")
    if not secrets.compare_digest(str(claims["nonce"]), nonce):
        raise LtiError("nonce")
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LtiError("claims", "not LTI 1.3.0")
    if claims.get(CLAIM + "message_type") not in (LAUNCH, DEEP_LINKING):
        raise LtiError("claims", "unknown message type")
    if not claims.get(CLAIM + "deployment_id"):
        raise LtiError("claims", "no deployment id")
    return claims


def is_instructor(claims: dict) -> bool:
    return bool(INSTRUCTOR_ROLES & set(claims.get(CLAIM + "roles") or []))


def deep_linking_response(
    *, settings_claim: dict, items: list[dict], client_id: str, issuer: str, deployment_id: str, key, kid: str
) -> str:
    """The signed LtiDeepLinkingResponse JWT that the browser posts back to the platform."""
    now = int(time.time())
    claims = {
        "iss": client_id,
        "aud": issuer,
        "iat": now,
        "exp": now + 600,
        "nonce": secrets.token_urlsafe(16),
        CLAIM + "message_type": "LtiDeepLinkingResponse",
        CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": deployment_id,
        DL_CLAIM + "content_items": items,
    }
    if settings_claim.get("data"):
        claims[DL_CLAIM + "data"] = settings_claim["data"]
    return sign(claims, key=key, kid=kid)


def access_token(*, token_url: str, client_id: str, key, kid: str, scope: str = SCORE_SCOPE) -> str:
    """A bearer token from the platform's token endpoint (client credentials with a signed JWT
    assertion, as the IMS Security Framework asks); kept in the cache until shortly before it expires."""
    cache_key = f"courses:lti:token:{token_url}:{client_id}:{scope}"
    token = cache.get(cache_key)
    if token:
        return token
    now = int(time.time())
    assertion = sign(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(16),
        },
        key=key,
        kid=kid,
    )
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        }
    ).encode()
    status, body = _request(
        token_url,
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        answer = json.loads(body)
        token = answer["access_token"]
    except (ValueError, KeyError, TypeError):
        raise LtiError("token", f"{token_url} answered {status}") from None
    if status != 200:
        raise LtiError("token", f"{token_url} answered {status}")
    lifetime = int(answer.get("expires_in") or 3600)
    cache.set(cache_key, token, max(lifetime - 60, 1))
    return token


def scores_url(lineitem_url: str) -> str:
    """AGS: the scores service is the line item URL with /scores added to its path (query kept)."""
    parts = urllib.parse.urlsplit(lineitem_url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def post_score(*, lineitem_url: str, token: str, score: dict) -> int:
    """POST one score; the HTTP status (LtiError when the platform cannot be reached)."""
    status, _body = _request(
        scores_url(lineitem_url),
        data=json.dumps(score).encode(),
        headers={"Content-Type": "application/vnd.ims.lis.v1.score+json", "Authorization": "Bearer " + token},
        method="POST",
    )
    return status
