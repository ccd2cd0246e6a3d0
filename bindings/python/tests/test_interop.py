"""Interoperability with the independent Python peer (tests/interop/peer.py:
pycose, cbor2, base45, zlib): it verifies codes the package issues, and the
package verifies codes it issues."""

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import qrcred
from conftest import ROOT

PEER = ROOT / "tests/interop/peer.py"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def test_the_peer_verifies_a_code_the_package_issues():
    key = qrcred.IssuerKey.generate()
    code = qrcred.Issuer(key, "CN-SN-XA").issue(
        {"subject": {"family_name": "王", "birth_date": "1990-03-15"}, "health_status": {"colour": "green"}},
        valid_for=timedelta(hours=24),
        now=NOW,
    )
    out = subprocess.run(
        [sys.executable, str(PEER), "verify", "--pub", key.public_key.to_bytes().hex(), code],
        capture_output=True, text=True, check=True,
    )
    claims = json.loads(out.stdout)
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["body"]["2"] == {"1": 0}  # health status green


def test_the_package_verifies_a_code_the_peer_issues(tmp_path):
    key = qrcred.IssuerKey.generate()
    seed_pem = key.to_pem()
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(seed_pem.encode(), password=None)
    seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"1": {"1": "王", "5": 7378}, "2": {"1": 0}}))
    iat = int(NOW.timestamp())
    out = subprocess.run(
        [sys.executable, str(PEER), "issue", "--seed", seed.hex(), "--iat", str(iat), "--exp", str(iat + 3600),
         "--body-json", str(body), "--compress"],
        capture_output=True, text=True, check=True,
    )
    v = qrcred.Verifier(trust=[(key.public_key, "CN-SN-XA")]).verify(out.stdout.strip(), now=NOW + timedelta(minutes=1))
    assert v.kind == "health_status" and v.credential["subject"]["family_name"] == "王"
