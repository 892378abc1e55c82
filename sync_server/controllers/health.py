"""GET /health: is the server up?"""

from litestar import get


@get("/health", tags=["health"])
async def health() -> dict[str, str]:
    """Say the server is up."""
    return {"status": "ok"}
