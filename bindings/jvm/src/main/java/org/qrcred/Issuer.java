package org.qrcred;

/** An issuer: a private key (PKCS#8 PEM) and the issuer id its trust entries name. */
public final class Issuer implements AutoCloseable {
    private final Handle handle;

    private Issuer(long handle) {
        this.handle = new Handle(handle, "issuer", Native::issuerFree);
    }

    /** The issuer of a PKCS#8 PEM private key. */
    public static Issuer fromPem(String pem, String issuerId) throws Refused {
        return new Issuer(Native.issuerFromPem(pem, issuerId));
    }

    /** Signs {@code credentialJson} (the library's credential JSON) valid for {@code validForSeconds} from {@code nowMs}: the code text. */
    public String issue(String credentialJson, long validForSeconds, long nowMs) throws Refused {
        return handle.with(h -> Native.issue(h, credentialJson, validForSeconds, nowMs));
    }

    /** Frees the native object, after the calls in progress end; later calls throw. Closing twice is allowed. */
    @Override
    public void close() {
        handle.close();
    }
}
