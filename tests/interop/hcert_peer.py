#!/usr/bin/env python3
"""An independent HC1 (EU DCC) issuer for the interoperability tests
(tests/interop.rs, feature `hcert`).

It shares no code with qrcred: the key and the X.509 Document Signer
Certificate come from `cryptography`, COSE_Sign1 from pycose, CBOR from
cbor2, Base45 from the `base45` package and zlib from the standard library.

    hcert_peer.py issue --alg ES256|PS256 --iat N --exp N --cert-json FILE
                        --dsc-out PEM [--usage test|vaccination|recovery ...]
                        [--not-before N] [--not-after N] [--iss TEXT]
        Makes a fresh P-256 (ES256) or RSA-2048 (PS256) key and a
        self-signed DSC for it (valid from --not-before to --not-after,
        default iat - 1 day to iat + 2 years; with the HCERT extended key
        usage OIDs of each --usage), writes the DSC as PEM, and prints an
        HC1 code: the certificate of FILE (JSON) under claim -260 -> 1,
        iss / iat / exp, signed with the key, kid = SHA-256(DER)[:8] in the
        protected header.
"""

import argparse
import datetime
import hashlib
import json
import sys
import zlib

try:
    import base45
    import cbor2
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from cryptography.x509.oid import NameOID
    from pycose.algorithms import Es256, Ps256
    from pycose.headers import KID, Algorithm
    from pycose.keys import CoseKey
    from pycose.messages import Sign1Message
except ImportError as e:  # the Rust test reports exit 3 with install advice
    print(f"missing Python package: {e}", file=sys.stderr)
    sys.exit(3)

USAGE_OIDS = {
    "test": "1.3.6.1.4.1.1847.2021.1.1",
    "vaccination": "1.3.6.1.4.1.1847.2021.1.2",
    "recovery": "1.3.6.1.4.1.1847.2021.1.3",
}
ISS, EXP, IAT, HCERT = 1, 4, 6, -260


def when(seconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


def issue(args) -> None:
    if args.alg == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
        alg = Es256
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        alg = Ps256
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, args.iss or "XX"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Interop test DSC"),
        ]
    )
    not_before = args.not_before if args.not_before is not None else args.iat - 86400
    not_after = args.not_after if args.not_after is not None else args.iat + 2 * 365 * 86400
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(when(not_before))
        .not_valid_after(when(not_after))
    )
    if args.usage:
        oids = [x509.ObjectIdentifier(USAGE_OIDS[u]) for u in args.usage]
        builder = builder.add_extension(x509.ExtendedKeyUsage(oids), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    der = cert.public_bytes(Encoding.DER)
    with open(args.dsc_out, "wb") as f:
        f.write(cert.public_bytes(Encoding.PEM))

    with open(args.cert_json, encoding="utf-8") as f:
        certificate = json.load(f)
    claims = {IAT: args.iat, EXP: args.exp, HCERT: {1: certificate}}
    if args.iss is not None:
        claims[ISS] = args.iss
    msg = Sign1Message(
        phdr={Algorithm: alg, KID: hashlib.sha256(der).digest()[:8]},
        uhdr={},
        payload=cbor2.dumps(claims),
    )
    msg.key = CoseKey.from_pem_private_key(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode())
    payload = zlib.compress(msg.encode(tag=True), 9)
    print("HC1:" + base45.b45encode(payload).decode("ascii"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    i = sub.add_parser("issue", help="make a DSC and issue an HC1 code")
    i.add_argument("--alg", choices=["ES256", "PS256"], required=True)
    i.add_argument("--iat", type=int, required=True)
    i.add_argument("--exp", type=int, required=True)
    i.add_argument("--cert-json", required=True)
    i.add_argument("--dsc-out", required=True)
    i.add_argument("--usage", action="append", choices=sorted(USAGE_OIDS))
    i.add_argument("--not-before", type=int)
    i.add_argument("--not-after", type=int)
    i.add_argument("--iss")
    args = parser.parse_args()
    try:
        issue(args)
    except Exception as e:  # any failure is reported with its reason
        print(f"{args.command} failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
