"""The notices' tests: a real SMTP server (tests/smtp.py) for every module here."""

from tests.smtp import smtp  # noqa: F401 - the fixture
