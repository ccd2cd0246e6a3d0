"""Shared fixtures of the qrcred package's tests (pytest bindings/python/tests)."""

import json
import pathlib
from datetime import datetime, timezone

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTORS = ROOT / "test-vectors"


def load(directory):
    files = sorted((VECTORS / directory).glob("*.json"))
    assert files, f"no vectors in {directory}"
    return [(f.stem, json.loads(f.read_text(encoding="utf-8"))) for f in files]


def instant(text):
    """An RFC 3339 time of the vectors as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
