"""Record encryption: round trips, and any change to key, data or identity is caught."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobile_app.crypto import (
    AeadCipher,
    bind_to_device,
    derive_wrapping_key,
    new_data_key,
    new_device_secret,
    new_kdf_params,
    record_aad,
    unwrap_data_key,
    wrap_data_key,
)
from mobile_app.errors import DecryptionFailed

KEY = new_data_key()


@given(plaintext=st.binary(max_size=4096), aad=st.binary(max_size=200))
def test_encrypt_then_decrypt_round_trips(plaintext: bytes, aad: bytes) -> None:
    cipher = AeadCipher(KEY)
    sealed = cipher.encrypt(plaintext, aad)
    assert len(sealed) == len(plaintext) + 12 + 16
    assert cipher.decrypt(sealed, aad) == plaintext


@given(plaintext=st.binary(min_size=1, max_size=512), flip=st.integers(min_value=0))
def test_any_flipped_bit_is_detected(plaintext: bytes, flip: int) -> None:
    cipher = AeadCipher(KEY)
    sealed = bytearray(cipher.encrypt(plaintext, b"aad"))
    bit = flip % (len(sealed) * 8)
    sealed[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(bytes(sealed), b"aad")


def test_nonces_are_fresh_so_equal_records_do_not_look_equal() -> None:
    cipher = AeadCipher(KEY)
    assert cipher.encrypt(b"same", b"a") != cipher.encrypt(b"same", b"a")


def test_ciphertext_moved_to_another_record_fails() -> None:
    cipher = AeadCipher(KEY)
    sealed = cipher.encrypt(b"{}", record_aad("visit", "r1", "v1"))
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(sealed, record_aad("visit", "r2", "v1"))
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(sealed, record_aad("chronology_entry", "r1", "v1"))


def test_data_key_unwraps_only_with_the_right_passphrase_and_store() -> None:
    params = new_kdf_params(iterations=1, lanes=1, memory_kib=1024)
    wrapped = wrap_data_key(derive_wrapping_key("right passphrase", params), KEY, "store-1")
    assert (
        unwrap_data_key(derive_wrapping_key("right passphrase", params), wrapped, "store-1") == KEY
    )
    with pytest.raises(DecryptionFailed):
        unwrap_data_key(derive_wrapping_key("wrong passphrase", params), wrapped, "store-1")
    with pytest.raises(DecryptionFailed):
        unwrap_data_key(derive_wrapping_key("right passphrase", params), wrapped, "store-2")


def test_default_kdf_is_argon2id_with_a_strong_cost() -> None:
    params = new_kdf_params()
    assert params.memory_kib >= 128 * 1024
    assert params.iterations >= 3
    assert len(params.salt) == 16
    assert new_kdf_params().salt != params.salt


def test_the_wrapping_key_needs_both_the_passphrase_and_the_device_secret() -> None:
    params = new_kdf_params(iterations=1, lanes=1, memory_kib=1024)
    from_passphrase = derive_wrapping_key("amber-kettle-orchard-7", params)
    secret, other = new_device_secret(), new_device_secret()
    bound = bind_to_device(from_passphrase, secret)
    assert len(bound) == 32
    assert bound == bind_to_device(from_passphrase, secret)
    assert bound != bind_to_device(from_passphrase, other)
    assert bound != from_passphrase
    with pytest.raises(ValueError, match="32 bytes"):
        bind_to_device(from_passphrase, secret[:16])
