"""EU DCC / WHO GDHCN health certificates (HC1:) through the Python package:
Document Signer Certificates given as PEM (`Verifier(dscs=...)`), the EU
test data's codes verified with the verdicts the Rust tests pin."""

import json
import textwrap
from datetime import datetime, timezone

import pytest

import qrcred
from conftest import VECTORS

DGC = VECTORS / "third-party" / "dgc-testdata"


def case(path):
    return json.loads((DGC / path).read_text(encoding="utf-8"))


def pem(case):
    lines = "\n".join(textwrap.wrap(case["TESTCTX"]["CERTIFICATE"], 64))
    return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"


def test_an_eu_vaccination_certificate_verifies_against_its_dsc():
    cz = case("CZ/2DCode/raw/1.json")
    verifier = qrcred.Verifier(dscs=[pem(cz)])
    verified = verifier.verify(cz["PREFIX"], datetime(2021, 6, 8, tzinfo=timezone.utc))
    assert verified.kind == "vaccination"
    assert verified.issuer == "CZ"
    assert verified.issuer_name == "CZ DSC 1"
    vaccination = verified.credential["vaccination"]
    assert (vaccination["product"], vaccination["dose"], vaccination["series_total"]) == ("Comirnaty", 2, 2)
    assert verified.credential["subject"]["family_name_icao"] == "DANHELKA"


def test_hc1_refusals_carry_the_rust_codes():
    cz = case("CZ/2DCode/raw/1.json")
    verifier = qrcred.Verifier(dscs=[pem(cz)])
    with pytest.raises(qrcred.Refused) as e:
        verifier.verify(cz["PREFIX"], datetime(2023, 1, 1, tzinfo=timezone.utc))
    assert e.value.code == "time.expired"
    with pytest.raises(qrcred.Refused) as e:
        qrcred.Verifier().verify(cz["PREFIX"], datetime(2021, 6, 8, tzinfo=timezone.utc))
    assert e.value.code == "key.unknown_kid"
    # CO6: a DSC for tests only signed a vaccination certificate.
    co6 = case("common/2DCode/raw/CO6.json")
    clock = datetime.fromisoformat(co6["TESTCTX"]["VALIDATIONCLOCK"].replace("Z", "+00:00"))
    with pytest.raises(qrcred.Refused) as e:
        qrcred.Verifier(dscs=[pem(co6)]).verify(co6["PREFIX"], clock)
    assert e.value.code == "key.kind_not_allowed"


def test_a_dsc_that_is_no_certificate_is_refused():
    with pytest.raises(qrcred.Error) as e:
        qrcred.Verifier(dscs=["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
    assert e.value.code == "hcert.certificate"
    with pytest.raises(qrcred.Error) as e:
        qrcred.Verifier(dscs=["not a PEM"])
    assert e.value.code == "hcert.certificate"
    with pytest.raises(TypeError):
        qrcred.Verifier(dscs="a str is not a list of PEMs")
