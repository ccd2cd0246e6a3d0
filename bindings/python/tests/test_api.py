"""The package's API: keys, issuing, verifying, deciding, bundles and state,
images, errors with codes, naive datetimes refused, threads."""

import concurrent.futures
import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization

import qrcred
from conftest import ROOT, load

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
CREDENTIAL = {
    "subject": {"family_name": "王", "given_name": "小明", "birth_date": "1990-03-15"},
    "health_status": {"colour": "green"},
}
RULES = json.loads((ROOT / "examples/rules/city.json").read_text())


@pytest.fixture(scope="module")
def key():
    return qrcred.IssuerKey.generate()


@pytest.fixture(scope="module")
def issuer(key):
    return qrcred.Issuer(key, "CN-SN-XA")


def test_keys_round_trip_through_pem_and_cryptography(key):
    again = qrcred.IssuerKey.from_pem(key.to_pem())
    assert again.kid == key.kid and again.public_key == key.public_key
    private = serialization.load_pem_private_key(key.to_pem().encode(), password=None)
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw == key.public_key.to_bytes()
    public = qrcred.PublicKey.from_pem(key.public_key.to_pem())
    assert public == key.public_key and len(public.kid) == 16
    with pytest.raises(qrcred.Refused) as e:
        qrcred.PublicKey.from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    assert e.value.code.startswith("key.")


def test_issue_verify_decide(key, issuer):
    code = issuer.issue(CREDENTIAL, valid_for=timedelta(hours=24), now=NOW - timedelta(hours=1))
    assert code == issuer.issue(json.dumps(CREDENTIAL), valid_for=timedelta(hours=24), now=NOW - timedelta(hours=1))
    verifier = qrcred.Verifier(trust=[(key.public_key, "CN-SN-XA")], rules=RULES)
    v = verifier.verify(code, now=NOW)
    assert v.kind == "health_status" and v.issuer == "CN-SN-XA" and v.credential == CREDENTIAL
    assert v.expires_at == NOW + timedelta(hours=23) and v.warnings == [] and len(v.revocation_id) == 16
    decision = verifier.decide([code], now=NOW, site="XA-0001", lang="en")
    assert decision["verdict"] == "admit" and decision["code"] == "status.green"
    assert decision["revocation_ids"] == [v.revocation_id]
    # A bare PublicKey is named by its kid.
    assert qrcred.Verifier(trust=[key.public_key]).verify(code, now=NOW).issuer == key.kid


def test_refusals_carry_codes(key, issuer):
    verifier = qrcred.Verifier(trust=[(key.public_key, "CN-SN-XA")])
    code = issuer.issue(CREDENTIAL, valid_for=timedelta(hours=1), now=NOW - timedelta(hours=2))
    with pytest.raises(qrcred.Refused) as e:
        verifier.verify(code, now=NOW)
    assert e.value.code == "time.expired" and "expired" in e.value.message
    assert isinstance(e.value, qrcred.Error)
    with pytest.raises(qrcred.Refused) as e:
        verifier.verify("QC1:abc", now=NOW)
    assert e.value.code == "base45.invalid_char"
    with pytest.raises(qrcred.InvalidArgument) as e:
        verifier.decide([code], now=NOW)
    assert e.value.code == "options.invalid" and isinstance(e.value, ValueError)
    with pytest.raises(qrcred.InvalidArgument):
        issuer.issue({"subject": {}}, valid_for=timedelta(hours=1), now=NOW)
    with pytest.raises(qrcred.Refused) as e:
        issuer.issue({**CREDENTIAL, "subject": {**CREDENTIAL["subject"], "family_name": "a\u202eb"}}, valid_for=timedelta(hours=1), now=NOW)
    assert e.value.code == "claims.invisible_char"
    with pytest.raises(qrcred.InvalidArgument):
        qrcred.Issuer(qrcred.IssuerKey.generate(), "")
    with pytest.raises(qrcred.InvalidArgument):
        qrcred.Verifier(trust=["not a key"])


def test_naive_datetimes_are_refused(key, issuer):
    verifier = qrcred.Verifier(trust=[key.public_key])
    naive = datetime(2026, 11, 25, 9, 0)
    with pytest.raises(qrcred.InvalidArgument) as e:
        verifier.verify("QC1:", now=naive)
    assert "naive" in e.value.message
    with pytest.raises(qrcred.InvalidArgument):
        issuer.issue(CREDENTIAL, valid_for=timedelta(hours=1), now=naive)
    # Any aware datetime works, whatever its zone.
    beijing = timezone(timedelta(hours=8))
    code = issuer.issue(CREDENTIAL, valid_for=timedelta(hours=1), now=NOW.astimezone(beijing))
    assert verifier.verify(code, now=NOW.astimezone(beijing)).issued_at == NOW


def test_images_round_trip(issuer):
    code = issuer.issue(CREDENTIAL, valid_for=timedelta(hours=24), now=NOW)
    png = qrcred.render_png(code)
    assert png.startswith(b"\x89PNG") and qrcred.scan_image(png) == [code]
    assert qrcred.render_svg(code).startswith("<svg")
    with pytest.raises(qrcred.Refused) as e:
        qrcred.render_png("lower case")
    assert e.value.code == "render.not_alphanumeric"
    with pytest.raises(qrcred.Refused) as e:
        qrcred.scan_image(b"not an image")
    assert e.value.code == "scan.unsupported_format"


def test_bundle_state_survives_a_restart():
    cases = dict(load("bundle"))
    announced, next_signs = cases["bundle_rotation_announced"], cases["bundle_rotation_next_root_signs"]
    from test_vectors import pem_of

    root = pem_of(announced["state"]["roots"][0])
    first = qrcred.Verifier.from_bundle(bytes.fromhex(announced["bundle_hex"]), root, now=datetime.fromisoformat(announced["now"].replace("Z", "+00:00")))
    state = first.state()
    later = datetime.fromisoformat(next_signs["now"].replace("Z", "+00:00"))
    second = qrcred.Verifier.from_bundle(bytes.fromhex(next_signs["bundle_hex"]), root, state=state, now=later)
    assert second.bundle["sequence"] == 8
    with pytest.raises(qrcred.Refused) as e:
        qrcred.Verifier.from_bundle(bytes.fromhex(announced["bundle_hex"]), root, state=second.state(), now=later)
    assert e.value.code == "trust.unknown_root"
    with pytest.raises(qrcred.Refused) as e:
        qrcred.Verifier.from_bundle(bytes.fromhex(next_signs["bundle_hex"]), root, state=second.state(), now=later - timedelta(days=30))
    assert e.value.code == "time.clock_behind"
    with pytest.raises(qrcred.InvalidArgument):
        qrcred.Verifier(trust=[]).state()


def test_threads_share_one_verifier(key, issuer):
    verifier = qrcred.Verifier(trust=[(key.public_key, "CN-SN-XA")])
    codes = issuer.issue_many([CREDENTIAL] * 64, valid_for=timedelta(hours=24), now=NOW - timedelta(hours=1))
    assert len(codes) == 64

    def check(code):
        return verifier.verify(code, now=NOW).credential == CREDENTIAL

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(check, codes * 8))
