"""Key derivation, key wrapping and record encryption. Pure: no I/O.

A random 256-bit data key encrypts every record with AES-256-GCM. The data key itself is
stored only wrapped (AES-256-GCM) under a key bound to both the practitioner's passphrase
(Argon2id) and a random device secret kept in the platform keystore (HKDF-SHA256 over the two),
so a copied data folder yields nothing even with the passphrase. Each record's
associated data binds its ciphertext to its type, record id and version id: a row moved onto
another record fails to decrypt.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mobile_app.errors import DecryptionFailed

NONCE_BYTES = 12
KEY_BYTES = 32
SALT_BYTES = 16
DEVICE_SECRET_BYTES = 32
_DEVICE_BOUND_CONTEXT = b"doorstep/device-bound-wrapping-key/v2"
_WRAP_CONTEXT = b"doorstep/data-key/v1"
_RECORD_CONTEXT = b"doorstep/record/v1"
_SETTING_CONTEXT = b"doorstep/setting/v1"


# 128 MiB, 3 passes, 4 lanes: about 250 ms on the 2-core reference machine (bench/device_bench.py
# unlock_ms), slow enough to make guessing costly, quick enough for a doorstep.
@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost settings, stored in clear beside the wrapped key (they are not secret)."""

    salt: bytes
    iterations: int = 3
    lanes: int = 4
    memory_kib: int = 128 * 1024


def new_kdf_params(iterations: int = 3, lanes: int = 4, memory_kib: int = 128 * 1024) -> KdfParams:
    """Return fresh KDF parameters with a random salt."""
    return KdfParams(os.urandom(SALT_BYTES), iterations, lanes, memory_kib)


def derive_wrapping_key(passphrase: str, params: KdfParams) -> bytes:
    """Derive the key that wraps the data key from a passphrase (Argon2id)."""
    kdf = Argon2id(
        salt=params.salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(passphrase.encode("utf-8"))


def new_device_secret() -> bytes:
    """Return a fresh random 32-byte device secret (kept in the keystore, never in the data)."""
    return os.urandom(DEVICE_SECRET_BYTES)


def bind_to_device(passphrase_key: bytes, device_secret: bytes) -> bytes:
    """Combine the Argon2id output with the device secret into the key that wraps the data key.

    Raises:
        ValueError: the device secret is not 32 bytes.
    """
    if len(device_secret) != DEVICE_SECRET_BYTES:
        raise ValueError("a device secret is 32 bytes")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_DEVICE_BOUND_CONTEXT)
    return hkdf.derive(passphrase_key + device_secret)


def new_data_key() -> bytes:
    """Return a fresh random 256-bit data key."""
    return AESGCM.generate_key(bit_length=256)


def wrap_data_key(wrapping_key: bytes, data_key: bytes, store_id: str) -> bytes:
    """Encrypt the data key under the wrapping key, bound to this store."""
    return AeadCipher(wrapping_key).encrypt(data_key, _WRAP_CONTEXT + b"|" + store_id.encode())


def unwrap_data_key(wrapping_key: bytes, wrapped: bytes, store_id: str) -> bytes:
    """Decrypt the data key; raises DecryptionFailed for a wrong key."""
    return AeadCipher(wrapping_key).decrypt(wrapped, _WRAP_CONTEXT + b"|" + store_id.encode())


def record_aad(record_type: str, record_id: str, version_id: str) -> bytes:
    """Associated data that binds a record ciphertext to its identity."""
    return b"|".join(
        (_RECORD_CONTEXT, record_type.encode(), record_id.encode(), version_id.encode())
    )


def setting_aad(name: str) -> bytes:
    """Associated data that binds an encrypted setting to its name."""
    return _SETTING_CONTEXT + b"|" + name.encode()


class AeadCipher:
    """AES-256-GCM under one key, with a fresh random nonce per message."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("an AES-256 key is 32 bytes")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """Encrypt with a fresh random nonce; returns nonce + ciphertext + tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def encrypt_many(self, messages: Sequence[tuple[bytes, bytes]]) -> list[bytes]:
        """Encrypt (plaintext, aad) pairs as encrypt does, each under its own random nonce.

        The nonces come from one os.urandom call: the same random bytes, drawn in one go (a
        pulled page seals a thousand versions, and each call can hand the lock to another
        thread).
        """
        nonces = os.urandom(NONCE_BYTES * len(messages))
        sealed = []
        for i, (plaintext, aad) in enumerate(messages):
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            sealed.append(nonce + self._aead.encrypt(nonce, plaintext, aad))
        return sealed

    def decrypt(self, sealed: bytes, aad: bytes) -> bytes:
        """Decrypt; raises DecryptionFailed if the data or its associated data changed."""
        if len(sealed) < NONCE_BYTES + 16:
            raise DecryptionFailed("ciphertext too short")
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise DecryptionFailed("authentication failed") from exc


def spki_sha256(der_certificate: bytes) -> bytes:
    """Return the SHA-256 of a DER certificate's SubjectPublicKeyInfo (what a TLS pin names).

    Raises:
        ValueError: the bytes are not a DER X.509 certificate.
    """
    public_key = x509.load_der_x509_certificate(der_certificate).public_key()
    spki = public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    return digest.finalize()
