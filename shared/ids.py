"""Record and version ids, made on the device: UUIDv7, so they sort by creation time."""

import os
import re
import time
import uuid
from typing import Annotated

from pydantic import StringConstraints

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_UUID_RE = re.compile(UUID_PATTERN)

# Ids travel as lower-case canonical strings: parsing them into UUID objects on the ingest hot
# path costs more than the check is worth (docs/architecture.md, Performance).
RecordId = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]


def new_id() -> str:
    """Return a new UUIDv7 (RFC 9562) as a canonical lower-case string."""
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return str(uuid.UUID(int=value))


def is_id(value: str) -> bool:
    """Return True when value is a canonical lower-case UUID string."""
    return bool(_UUID_RE.match(value))
