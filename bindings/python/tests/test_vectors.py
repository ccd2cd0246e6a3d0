"""Every file of test-vectors/ (valid, invalid, bundle, rules) through the
Python package: the verdicts and error codes the Rust tests expect."""

from datetime import timedelta

import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import qrcred
from conftest import instant, load

CODE_CASES = load("valid") + load("invalid")
BUNDLE_CASES = load("bundle")
RULES_CASES = load("rules")


def ids(value):
    return value if isinstance(value, str) else ""


def rfc3339(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def verifier_of(case):
    skew = timedelta(seconds=case["skew_seconds"]) if "skew_seconds" in case else None
    return qrcred.Verifier(trust=case["trust"], clock_skew=skew, limits=case.get("limits"))


def verify(verifier, case, now):
    if "text" in case:
        return verifier.verify(case["text"], now=now)
    return verifier.verify_payload(bytes.fromhex(case["payload_hex"]), now=now)


def valid_part(v):
    return {
        "valid": True,
        "kind": v.kind,
        "issuer": v.issuer,
        "kid": v.kid,
        "issued_at": rfc3339(v.issued_at),
        "valid_from": rfc3339(v.valid_from),
        "expires_at": rfc3339(v.expires_at),
        "cti": v.cti,
        "credential": v.credential,
    }


@pytest.mark.parametrize("name,case", CODE_CASES, ids=ids)
def test_code_vectors(name, case):
    verifier = verifier_of(case)
    now = instant(case["now"])
    expected = case["expected"]
    if expected["valid"]:
        assert valid_part(verify(verifier, case, now)) == expected
    else:
        with pytest.raises(qrcred.Refused) as refused:
            verify(verifier, case, now)
        assert refused.value.code == expected["error"]


def test_batch_gives_the_same_results_as_one_by_one():
    texts = [c["text"] for _, c in CODE_CASES if "text" in c]
    first = CODE_CASES[0][1]
    verifier = qrcred.Verifier(trust=first["trust"])
    now = instant(first["now"])
    batch = verifier.verify_batch(texts, now=now)
    assert len(batch) == len(texts)
    for text, result in zip(texts, batch):
        try:
            single = verifier.verify(text, now=now)
        except qrcred.Refused as e:
            assert isinstance(result, qrcred.Refused) and result.code == e.code
        else:
            assert isinstance(result, qrcred.Verified) and result.credential == single.credential


def state_bytes(state):
    """The persisted state of SPEC.md §12.5, written with cbor2 (canonical: shortest forms, sorted keys)."""
    m = {1: [bytes.fromhex(r) for r in state["roots"]]}
    if state["sequence"] is not None:
        m[2] = state["sequence"]
    if state["newest_seen"] is not None:
        m[3] = int(instant(state["newest_seen"]).timestamp())
    if state.get("bundle_digest") is not None:
        m[4] = bytes.fromhex(state["bundle_digest"])
    return cbor2.dumps(m, canonical=True)


def pem_of(hex_key):
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_key))
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize("name,case", BUNDLE_CASES, ids=ids)
def test_bundle_vectors(name, case):
    step = case.get("verify") or {}
    policy = step.get("stale_policy")
    options = dict(
        state=state_bytes(case["state"]),
        now=instant(case["now"]),
        clock_skew=timedelta(seconds=case["skew_seconds"]) if "skew_seconds" in case else None,
        limits=case.get("limits"),
        stale_grace=timedelta(seconds=policy["grace_seconds"]) if policy else None,
        stale_refuse=bool(policy and policy["refuse"]),
    )
    # The state holds the roots: the pinned root given here is one of them.
    root = pem_of(case["state"]["roots"][0])
    bundle = bytes.fromhex(case["bundle_hex"])
    expected = case["expected"]
    if not expected["ok"]:
        with pytest.raises(qrcred.Error) as refused:
            qrcred.Verifier.from_bundle(bundle, root, **options)
        assert refused.value.code == expected["error"]
        return
    v = qrcred.Verifier.from_bundle(bundle, root, **options)
    info = v.bundle
    assert [info[k] for k in ("sequence", "issued_at", "expires_at", "signed_by", "keys", "revoked")] == [
        expected[k] for k in ("sequence", "issued_at", "expires_at", "signed_by", "keys", "revoked")
    ]
    after = cbor2.loads(v.state())
    want = expected["state_after"]
    assert sorted(r.hex() for r in after[1]) == sorted(want["roots"])
    assert after.get(2) == want["sequence"]
    assert after.get(4, b"").hex() == (want.get("bundle_digest") or "")
    if step:
        if step["expected"]["valid"]:
            got = v.verify(step["text"], now=instant(step["now"]))
            assert {**valid_part(got), "issuer_name": got.issuer_name, "warnings": got.warnings} == step["expected"]
        else:
            with pytest.raises(qrcred.Refused) as refused:
                v.verify(step["text"], now=instant(step["now"]))
            assert refused.value.code == step["expected"]["error"]


@pytest.mark.parametrize("name,case", RULES_CASES, ids=ids)
def test_rules_vectors(name, case):
    if "codes" not in case:
        if "rules_json" in case:
            with pytest.raises(qrcred.Error) as refused:
                qrcred.Verifier(trust=[], rules=case["rules_json"])
        else:
            b = case["bundle"]
            with pytest.raises(qrcred.Error) as refused:
                qrcred.Verifier.from_bundle(bytes.fromhex(b["bundle_hex"]), pem_of(b["roots"][0]["public_key"]), now=instant(b["now"]))
        assert refused.value.code == case["expected"]["error"]
        return
    verifier = qrcred.Verifier(trust=case["trust"], rules=case["rules"])
    texts = [c["text"] for c in case["codes"]]
    now = instant(case["gate"]["now"])
    site = case["gate"].get("site")
    en = verifier.decide(texts, now=now, site=site, lang="en")
    zh = verifier.decide(texts, now=now, site=site, lang="zh")
    want = {k: v for k, v in case["expected"].items() if k != "id_numbers"}
    got = {
        "verdict": en["verdict"],
        "reason": en["code"],
        "rule": en["rule"],
        "rule_set": en["rule_set"],
        "colour": en.get("colour"),
        "name": en.get("name"),
        "text_en": en["text"],
        "text_zh": zh["text"],
    }
    assert got == want
