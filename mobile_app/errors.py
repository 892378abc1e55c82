"""Errors the field app raises, each with a message a practitioner can act on.

MobileError
 ├── ConfigError         flet.toml or the environment is wrong
 ├── StoreError          the local store cannot do what was asked
 │    ├── WrongPassphrase      the passphrase does not unlock this device
 │    ├── StoreLocked          the store must be unlocked first
 │    ├── NotInitialised       the device has no store yet
 │    ├── DeviceKeyMissing     the keystore holds no device secret for this store
 │    ├── UnlockDelayed        too many wrong passphrases: wait before the next try
 │    ├── DeviceWiped          the keys and data were destroyed (failed unlocks, revocation)
 │    └── RecordTampered       one record fails its integrity check
 ├── DecryptionFailed    wrong key, or ciphertext altered (crypto level)
 ├── NotSignedIn         the device has no server session
 └── SyncError           the server could not be used
      ├── ServerUnreachable    no connection, or it dropped
      ├── ServerNotTrusted     the server's key does not match the pinned one
      ├── DeviceRevoked        the organisation withdrew this device (401 device_revoked)
      ├── ServerRefused        the server answered 4xx with a reason
      └── ServerFault          the server answered 5xx or something unreadable
"""


class MobileError(Exception):
    """Something the practitioner needs to know about went wrong."""


class ConfigError(MobileError):
    """The app's settings are not valid."""


class StoreError(MobileError):
    """The encrypted store could not complete the request."""


class WrongPassphrase(StoreError):
    """That passphrase does not unlock this device. Nothing was changed."""


class StoreLocked(StoreError):
    """The store is locked: unlock it with your passphrase first."""


class NotInitialised(StoreError):
    """This device has not been set up yet: run init first."""


class DeviceKeyMissing(StoreError):
    """This device's key is missing from its keystore, so this data folder cannot be opened here."""


class UnlockDelayed(StoreError):
    """Too many wrong passphrases: the next try must wait."""

    def __init__(self, message: str, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


class DeviceWiped(StoreError):
    """This device's keys and data were destroyed; it must be set up and signed in again."""


class RecordTampered(StoreError):
    """A stored record cannot be opened (damaged or altered on this device); it is set aside."""

    def __init__(self, version_id: str, reason: str = "failed its integrity check") -> None:
        # Whether the server has a copy is not known here: the set-aside list says (see
        # mobile_app.services.sync.set_aside), so this message makes no claim about it.
        super().__init__(
            f"A record on this device {reason}: it may have been damaged or altered here. "
            "It has been set aside, kept as it was; your other records are unaffected."
        )
        self.version_id = version_id
        self.reason = reason


class DecryptionFailed(MobileError):
    """The key is wrong, or the ciphertext or its associated data was altered."""


class NotSignedIn(MobileError):
    """This device is not signed in to a server: sign in first."""


class SyncError(MobileError):
    """The server could not be used for this sync."""


class ServerUnreachable(SyncError):
    """The server could not be reached. Your records are kept and will sync later."""


class ServerNotTrusted(SyncError):
    """The server's certificate key is not the one this app is pinned to: nothing was sent."""


class DeviceRevoked(SyncError):
    """The organisation withdrew this device (or its user): its keys and data must go."""


class ServerRefused(SyncError):
    """The server refused the request and said why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class ServerFault(SyncError):
    """The server had a problem. Your records are kept and will sync later."""
