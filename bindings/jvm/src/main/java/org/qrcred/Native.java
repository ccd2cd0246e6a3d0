package org.qrcred;

/** The JNI functions of the native library {@code qrcred_jni} (bindings/jvm/rust). */
final class Native {
    static {
        System.loadLibrary("qrcred_jni");
    }

    private Native() {}

    static native long scannerOpen(String optionsJson, byte[] bundle, byte[] state, long nowMs) throws Refused;

    static native long scannerFromBundle(byte[] bundle, String rootPem, byte[] state) throws Refused;

    static native void scannerFree(long handle);

    static native Verified verify(long handle, String text, long nowMs) throws Refused;

    static native String verifyJson(long handle, String text, long nowMs, String lang) throws Refused;

    static native String decide(long handle, String[] texts, String site, String lang, long nowMs) throws Refused;

    static native byte[] state(long handle);

    static native long issuerFromPem(String pem, String issuerId) throws Refused;

    static native void issuerFree(long handle);

    static native String issue(long handle, String credentialJson, long validForSeconds, long nowMs) throws Refused;

    static native String version();
}
