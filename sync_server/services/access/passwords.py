"""Password hashing with Argon2id (PHC strings), from the `cryptography` package."""

import os

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id


class PasswordHasher:
    """Hash and verify passwords; the cost travels inside each PHC string."""

    def __init__(self, memory_kib: int, iterations: int) -> None:
        self._memory_kib = memory_kib
        self._iterations = iterations

    def hash(self, password: str) -> str:
        """Return a PHC-encoded Argon2id hash of password with a fresh salt."""
        kdf = Argon2id(
            salt=os.urandom(16),
            length=32,
            iterations=self._iterations,
            lanes=1,
            memory_cost=self._memory_kib,
        )
        return kdf.derive_phc_encoded(password.encode())

    @staticmethod
    def verify(password: str, phc: str) -> bool:
        """Return True when password matches the PHC-encoded hash."""
        try:
            Argon2id.verify_phc_encoded(password.encode(), phc)
        except (InvalidKey, ValueError):
            return False
        return True
