import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _start_in_the_default_language():
    """A request by a Japanese-speaking persona leaves Japanese active in the test thread (the
    locale middleware does not reset it); every test here starts, and ends, in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# A test-only key-encryption secret (never used anywhere else): the issuers' private keys that
# the tests create are encrypted with it, in this process and in a real worker subprocess.
TEST_KEY_ENCRYPTION_KEY = "test-only-key-encryption-secret-0123456789-abcdef"


@pytest.fixture(autouse=True)
def _key_encryption_key(monkeypatch, settings):
    monkeypatch.setenv("CREDENTIALS_KEY_ENCRYPTION_KEY", TEST_KEY_ENCRYPTION_KEY)
    monkeypatch.delenv("CREDENTIALS_KEY_ENCRYPTION_KEY_PREVIOUS", raising=False)
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = TEST_KEY_ENCRYPTION_KEY


@pytest.fixture
def worker_env(worker_env):
    """The root fixture's environment plus the test key-encryption secret for the real worker."""
    worker_env["CREDENTIALS_KEY_ENCRYPTION_KEY"] = TEST_KEY_ENCRYPTION_KEY
    return worker_env
