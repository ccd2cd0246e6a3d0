#!/usr/bin/env python3
"""An independent QC1 peer for the interoperability tests (tests/interop.rs).

It shares no code with qrcred: COSE_Sign1 comes from pycose, CBOR from cbor2,
Base45 from the `base45` package and zlib from the standard library.

    peer.py verify --pub HEX32 CODE
        Checks CODE against the Ed25519 public key and prints its claims as
        JSON (integer map keys as strings, byte strings as hex). Exit 0 when
        valid; exit 1 with the reason on stderr otherwise.

    peer.py issue --seed HEX32 --iat N --exp N --body-json FILE
                  [--nbf N] [--iss TEXT] [--cti HEX16] [--kid HEX16] [--compress]
        Signs a code whose credential body is FILE (the wire form in JSON,
        e.g. {"1": {"1": "王", "5": 7378}, "2": {"1": 0}}; keys that are
        integers in decimal become integers, {"hex": "..."} becomes bytes)
        and prints "QC1:" + Base45. Map keys keep their insertion order, so
        the output is valid but deliberately not deterministic CBOR. --kid
        overrides the key id (default sha256(public key)[:8]), to forge a
        code that names someone else's key.

    peer.py key-public (--private PEM | --public PEM)
        Reads a PKCS#8 private key or an SPKI public key file with
        `cryptography` and prints the raw 32-byte public key in hex.

    peer.py keygen --private PEM --public PEM
        Makes a fresh Ed25519 key with `cryptography` and writes it as PKCS#8
        (private) and SPKI (public) PEM.

Codes are signed over RFC 9052's Sig_structure with external_aad
"qrcred code v1" (SPEC.md §4.4).
"""

import argparse
import hashlib
import json
import sys
import zlib

try:
    import base45
    import cbor2
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
        load_pem_private_key,
        load_pem_public_key,
    )
    from pycose.algorithms import EdDSA
    from pycose.headers import KID, Algorithm
    from pycose.keys import OKPKey
    from pycose.messages import Sign1Message
except ImportError as e:  # the Rust test reports exit 3 with install advice
    print(f"missing Python package: {e}", file=sys.stderr)
    sys.exit(3)

PREFIX = "QC1:"
COSE_SIGN1_FIRST_BYTE = 0xD2
CREDENTIAL_CLAIM = -65537
ISS, EXP, NBF, IAT, CTI = 1, 4, 5, 6, 7
CODE_EXTERNAL_AAD = b"qrcred code v1"


def kid_of(public: bytes) -> bytes:
    return hashlib.sha256(public).digest()[:8]


def hex_arg(length: int):
    def parse(text: str) -> bytes:
        raw = bytes.fromhex(text)
        if len(raw) != length:
            raise argparse.ArgumentTypeError(f"expected {length} bytes of hex")
        return raw

    return parse


def to_json(value):
    """CBOR value -> JSON value: map keys as strings, bytes as hex."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def from_json(value):
    """JSON value -> CBOR value: decimal keys as integers, {"hex": ..} as bytes."""
    if isinstance(value, dict):
        if set(value) == {"hex"}:
            return bytes.fromhex(value["hex"])
        return {(int(k) if k.lstrip("-").isdigit() else k): from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def verify(args) -> None:
    code = args.code
    if not code.startswith(PREFIX):
        raise ValueError(f"missing {PREFIX} prefix")
    payload = base45.b45decode(code[len(PREFIX):])
    if payload[:1] != bytes([COSE_SIGN1_FIRST_BYTE]):
        payload = zlib.decompress(payload)
    msg = Sign1Message.decode(payload)
    msg.external_aad = CODE_EXTERNAL_AAD
    if msg.uhdr:
        raise ValueError(f"unprotected header not empty: {msg.uhdr}")
    alg = msg.get_attr(Algorithm)
    if alg is not EdDSA:
        raise ValueError(f"alg is {alg}, expected EdDSA")
    kid = msg.phdr.get(KID)
    if kid != kid_of(args.pub):
        raise ValueError(f"kid {kid!r} is not sha256(pub)[:8] = {kid_of(args.pub).hex()}")
    msg.key = OKPKey(crv="Ed25519", x=args.pub)
    if not msg.verify_signature():
        raise ValueError("signature does not verify")
    claims = cbor2.loads(msg.payload)
    if not isinstance(claims, dict):
        raise ValueError("claims are not a map")
    out = {
        "iat": claims[IAT],
        "exp": claims[EXP],
        "nbf": claims.get(NBF),
        "iss": claims.get(ISS),
        "cti": claims[CTI].hex() if CTI in claims else None,
        "body": to_json(claims[CREDENTIAL_CLAIM]),
    }
    print(json.dumps(out, ensure_ascii=False))


def issue(args) -> None:
    with open(args.body_json, encoding="utf-8") as f:
        body = from_json(json.load(f))
    # Not the deterministic order (4, 5, 6, 7, 1, -65537): iat first, body last.
    claims = {IAT: args.iat, EXP: args.exp}
    if args.nbf is not None:
        claims[NBF] = args.nbf
    if args.iss is not None:
        claims[ISS] = args.iss
    if args.cti is not None:
        claims[CTI] = args.cti
    claims[CREDENTIAL_CLAIM] = body

    public = (
        Ed25519PrivateKey.from_private_bytes(args.seed)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    kid = args.kid if args.kid is not None else kid_of(public)
    msg = Sign1Message(
        phdr={Algorithm: EdDSA, KID: kid},
        uhdr={},
        payload=cbor2.dumps(claims),
        external_aad=CODE_EXTERNAL_AAD,
    )
    msg.key = OKPKey(crv="Ed25519", d=args.seed, x=public)
    payload = msg.encode(tag=True)
    if args.compress:
        payload = zlib.compress(payload, 9)
    print(PREFIX + base45.b45encode(payload).decode("ascii"))


def key_public(args) -> None:
    if args.private is not None:
        with open(args.private, "rb") as f:
            key = load_pem_private_key(f.read(), password=None).public_key()
    else:
        with open(args.public, "rb") as f:
            key = load_pem_public_key(f.read())
    print(key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex())


def keygen(args) -> None:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    with open(args.private, "wb") as f:
        f.write(private)
    with open(args.public, "wb") as f:
        f.write(public)


COMMANDS = {"verify": verify, "issue": issue, "key-public": key_public, "keygen": keygen}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="verify a QC1 code and print its claims")
    v.add_argument("--pub", type=hex_arg(32), required=True)
    v.add_argument("code")
    i = sub.add_parser("issue", help="issue a QC1 code")
    i.add_argument("--seed", type=hex_arg(32), required=True)
    i.add_argument("--iat", type=int, required=True)
    i.add_argument("--exp", type=int, required=True)
    i.add_argument("--nbf", type=int)
    i.add_argument("--iss")
    i.add_argument("--body-json", required=True)
    i.add_argument("--cti", type=hex_arg(8))
    i.add_argument("--kid", type=hex_arg(8))
    i.add_argument("--compress", action="store_true")
    k = sub.add_parser("key-public", help="print the raw public key of a PEM key file")
    which = k.add_mutually_exclusive_group(required=True)
    which.add_argument("--private")
    which.add_argument("--public")
    g = sub.add_parser("keygen", help="write a fresh Ed25519 key as PEM files")
    g.add_argument("--private", required=True)
    g.add_argument("--public", required=True)
    args = parser.parse_args()
    try:
        COMMANDS[args.command](args)
    except Exception as e:  # any failure is a refusal, with its reason
        print(f"{args.command} failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
