"""The transfer bundle: a case's whole history, signed, for another authority's server.

A bundle file is two lines:

    <the body: canonical JSON (sorted keys, no spaces, ASCII)>
    <the Ed25519 signature of the body's bytes, standard base64>

The body names its signer (`from_authority`, with its `signing_key` line), the receiving
authority, the transfer pack and every stored version of every record of the case, each with
its ids, author, times, content hash and payload exactly as stored. A file is accepted only
when it is exactly this shape: the body must be canonical (so no byte can change without
the signature failing) and the signature must verify under the key the receiver's trust list
holds for the signer. Nothing in an unverified body is believed but the signer's name.
"""

import base64
import binascii
import hashlib
import json
from typing import Any, ClassVar, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.handover import TransferPack
from sync_server.errors import ServerError
from sync_server.services.handover.authority_keys import TrustList, public_key_line

_SIGNATURE_B64_CHARS = 88  # 64 bytes


class BundleRefused(ServerError):
    """The transfer bundle was refused; nothing from it was stored."""

    code: ClassVar[str] = "bundle_refused"
    status: ClassVar[int] = 400


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BundleAuthor(_Part):
    """A practitioner of the sending authority, as the receiving one shows them."""

    practitioner_id: str
    name: str
    role: str
    agency: str
    team: str


class BundleVersion(_Part):
    """One stored version: the sender's columns, and its payload JSON exactly as stored."""

    version_id: str
    record_id: str
    record_type: str
    replaces_version_id: str | None
    case_id: str
    author_id: str
    author_agency: str
    device_id: str | None
    device_time: str
    recorded_at: str
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    payload: str


class BundleRestriction(_Part):
    """A restriction row of a version: the owner agency and the roles that may read it."""

    record_id: str
    version_id: str
    owner_agency: str
    roles: list[str]


class BundleBody(_Part):
    """Everything a bundle carries, signed as one."""

    format: Literal["doorstep-transfer-bundle"] = "doorstep-transfer-bundle"
    format_version: Literal[1] = 1
    bundle_id: str
    case_id: str
    from_authority: str
    to_authority: str
    signing_key: str
    exported_at: str
    exported_by: BundleAuthor
    transfer_pack: TransferPack
    authors: list[BundleAuthor]
    versions: list[BundleVersion]
    restrictions: list[BundleRestriction]


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def content_hash(payload: str) -> str:
    """Return the hex SHA-256 of a stored payload (the versions table's content_hash)."""
    return hashlib.sha256(payload.encode()).hexdigest()


def seal(body: BundleBody, key: Ed25519PrivateKey) -> bytes:
    """Return the bundle file's bytes: the canonical body and its signature."""
    if body.signing_key != public_key_line(key.public_key()):
        raise ValueError("the body must name the key that signs it")
    data = _canonical(body.model_dump(mode="json"))
    signature = base64.b64encode(key.sign(data))
    return data + b"\n" + signature + b"\n"


def _split(raw: bytes) -> tuple[bytes, bytes]:
    if not raw.endswith(b"\n") or raw.count(b"\n") != 2:
        raise BundleRefused("This file is not a whole transfer bundle (cut short or altered).")
    data, signature_line, _ = raw.split(b"\n")
    if len(signature_line) != _SIGNATURE_B64_CHARS:
        raise BundleRefused("The bundle's signature is damaged.")
    try:
        signature = base64.b64decode(signature_line, validate=True)
    except (binascii.Error, ValueError):
        raise BundleRefused("The bundle's signature is damaged.") from None
    if base64.b64encode(signature) != signature_line:  # unused bits must be zero too
        raise BundleRefused("The bundle's signature is damaged.")
    return data, signature


def _signer(data: bytes) -> tuple[dict[str, Any], str]:
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleRefused("The bundle's contents are damaged (not readable JSON).") from None
    if not isinstance(parsed, dict) or _canonical(parsed) != data:
        raise BundleRefused("The bundle's contents were altered after it was made.")
    signer = parsed.get("from_authority")
    if not isinstance(signer, str) or not signer:
        raise BundleRefused("The bundle does not say which authority made it.")
    return parsed, signer


def open_bundle(raw: bytes, trusted: TrustList) -> BundleBody:
    """Verify a bundle file's shape and signature against the trust list; return its body.

    Raises:
        BundleRefused: the file is damaged, altered, signed by an authority not on the trust
            list or with another key than the one trusted for it, or not a bundle.
    """
    data, signature = _split(raw)
    parsed, signer = _signer(data)
    key = trusted.key_of(signer)
    if key is None:
        raise BundleRefused(
            f"{signer} is not on this server's list of trusted authorities: "
            "add their public key to the trust list first."
        )
    try:
        key.verify(signature, data)
    except InvalidSignature:
        raise BundleRefused(
            f"The bundle's signature does not match {signer}'s trusted key: it was altered "
            "or signed by someone else."
        ) from None
    if parsed.get("signing_key") != trusted.keys[signer]:
        raise BundleRefused(f"The bundle names a different key from {signer}'s trusted key.")
    try:
        return BundleBody.model_validate(parsed)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors(include_input=False)[0]["loc"])
        raise BundleRefused(f"The bundle is not in a format this server reads ({where}).") from None
