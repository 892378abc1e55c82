"""What the store needs from a cipher: sealed bytes out, the same bytes back, or an error."""

from collections.abc import Sequence
from typing import Protocol


class ContentCipher(Protocol):
    """Authenticated encryption bound to associated data (AES-GCM in the app)."""

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """Seal plaintext, bound to aad."""
        ...

    def encrypt_many(self, messages: Sequence[tuple[bytes, bytes]]) -> list[bytes]:
        """Seal each (plaintext, aad) pair as encrypt does."""
        ...

    def decrypt(self, sealed: bytes, aad: bytes) -> bytes:
        """Open sealed bytes; raise DecryptionFailed if they or aad changed."""
        ...
