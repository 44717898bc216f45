"""The demo accounts' shared password and TOTP secret: generated per installation, kept in var/, never in git."""

import json
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value

TOTP_PERIOD_SECONDS = 30


@dataclass(frozen=True)
class DemoCredentials:
    password: str
    totp_secret: str

    @classmethod
    def generate(cls) -> "DemoCredentials":
        return cls(password=f"demo-{secrets.token_urlsafe(12)}", totp_secret=generate_totp_secret())

    @classmethod
    def load_or_create(cls, path: Path) -> tuple["DemoCredentials", bool]:
        """Read the installation's demo credentials, creating them on first use. Returns (creds, created)."""
        if path.exists():
            return cls(**json.loads(path.read_text())), False
        credentials = cls.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(credentials)))
        path.chmod(0o600)
        return credentials, True

    def current_code(self, at: float | None = None) -> str:
        """The six-digit code an authenticator app would show now for the demo secret."""
        counter = int(time.time() if at is None else at) // TOTP_PERIOD_SECONDS
        return format_hotp_value(hotp_value(self.totp_secret, counter))

    def otpauth_uri(self) -> str:
        return f"otpauth://totp/Keten%20demo?secret={self.totp_secret}&issuer=Keten"
