"""qrcred: offline-verifiable signed credentials in QR codes.

Issue codes (``IssuerKey``, ``Issuer``, ``render_png``, ``render_svg``),
verify them offline against trusted keys or a signed trust bundle
(``Verifier``), decide at the door (``Verifier.decide``) and read them from
images (``scan_image``). The core is the Rust library: the same verdicts and
error codes as every other binding.

Every failure raises a ``qrcred.Error`` with a stable ``code`` (SPEC.md §9):
``qrcred.Refused`` when the library refuses a code, bundle, key, credential
or image; ``qrcred.InvalidArgument`` (also a ``ValueError``) for arguments
it cannot read, naive datetimes among them.
"""


class Error(Exception):
    """A qrcred failure, with its stable ``code`` and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def __reduce__(self):
        return (type(self), (self.code, self.message))


class Refused(Error):
    """The library refused the input: a code, a trust bundle, a key, a credential, an image."""


class InvalidArgument(Error, ValueError):
    """An argument the library cannot read (code ``options.invalid``)."""


from ._qrcred import (  # noqa: E402  (the exceptions above must exist first)
    MAX_CODES_PER_PERSON,
    Issuer,
    IssuerKey,
    PublicKey,
    Verified,
    Verifier,
    __version__,
    render_png,
    render_svg,
    scan_image,
)

__all__ = [
    "Error",
    "Refused",
    "InvalidArgument",
    "IssuerKey",
    "PublicKey",
    "Issuer",
    "Verifier",
    "Verified",
    "render_png",
    "render_svg",
    "scan_image",
    "MAX_CODES_PER_PERSON",
    "__version__",
]
