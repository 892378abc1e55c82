"""Which keystore holds the device secret: the phone's own (Android Keystore, iOS Keychain, via
flet-secure-storage) in a built mobile app, else the file keystore outside the data folder.

flet-secure-storage answers only inside an app built with its extension, and its calls are
coroutines on the page's event loop; key work runs on worker threads, so each call is handed
to the loop and awaited from the worker.
"""

import asyncio
import base64
import binascii
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import flet as ft
from flet_secure_storage import SecureStorage  # type: ignore[import-untyped]

from mobile_app.crypto import DEVICE_SECRET_BYTES, new_device_secret
from mobile_app.errors import StoreError
from mobile_app.store import DeviceSecretStore
from mobile_app.store.device_secret import checked_store_id, file_secret_store

T = TypeVar("T")
KEYSTORE_TIMEOUT_S = 15.0
_MOBILE = (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)
_EMBEDDED = ("android", "ios")


class PlatformSecretStore:
    """Device secrets in the platform keystore, callable from any thread but the page's loop."""

    def __init__(self, storage: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._storage = storage
        self._loop = loop

    def _on_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _run(self, call: Coroutine[Any, Any, T]) -> T:
        if self._on_loop():
            call.close()
            raise RuntimeError("call the platform keystore from a worker thread, not the UI loop")
        try:
            return asyncio.run_coroutine_threadsafe(call, self._loop).result(KEYSTORE_TIMEOUT_S)
        except TimeoutError as exc:
            raise StoreError("The phone's keystore did not answer; try again.") from exc

    @staticmethod
    def _key(store_id: str) -> str:
        return f"doorstep.device-secret.{checked_store_id(store_id)}"

    def get(self, store_id: str) -> bytes | None:
        """Return the store's secret from the keystore, or None."""
        value = self._run(self._storage.get(self._key(store_id)))
        if value is None:
            return None
        try:
            secret = base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise StoreError("The phone's keystore holds a damaged key for this store.") from exc
        if len(secret) != DEVICE_SECRET_BYTES:
            raise StoreError("The phone's keystore holds a damaged key for this store.")
        return secret

    def create(self, store_id: str) -> bytes:
        """Make a fresh secret and keep it in the keystore; refuses to replace one."""
        if self.get(store_id) is not None:
            raise StoreError("This store already has a device secret.")
        secret = new_device_secret()
        self._run(self._storage.set(self._key(store_id), base64.b64encode(secret).decode()))
        return secret

    def destroy(self, store_id: str) -> None:
        """Remove the store's secret and its unlock count from the keystore."""
        self._run(self._storage.remove(self._counter_key(store_id)))
        self._run(self._storage.remove(self._key(store_id)))

    @staticmethod
    def _counter_key(store_id: str) -> str:
        return f"doorstep.unlock-attempts.{checked_store_id(store_id)}"

    def get_counter(self, store_id: str) -> bytes | None:
        """Return the store's sealed unlock count from the keystore, or None."""
        value = self._run(self._storage.get(self._counter_key(store_id)))
        return None if value is None else str(value).encode()

    def put_counter(self, store_id: str, sealed: bytes) -> None:
        """Keep the store's sealed unlock count in the keystore (it is JSON text)."""
        self._run(self._storage.set(self._counter_key(store_id), sealed.decode()))


def device_keystore(page: ft.Page, data_dir: Path) -> DeviceSecretStore:
    """Pick the phone's keystore when Python runs inside a built Android/iOS app (the runtime
    sets FLET_PLATFORM), else the file keystore. A browser or desktop client showing a phone
    does not count: its Python side has no platform keystore behind it."""
    if os.environ.get("FLET_PLATFORM") in _EMBEDDED and page.platform in _MOBILE:
        return PlatformSecretStore(SecureStorage(), page.loop)
    return file_secret_store(data_dir)
