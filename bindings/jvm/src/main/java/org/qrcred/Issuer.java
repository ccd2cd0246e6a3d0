package org.qrcred;

/** An issuer: a private key (PKCS#8 PEM) and the issuer id its trust entries name. */
public final class Issuer implements AutoCloseable {
    // Calls hold the read lock while they use the native object; close takes
    // the write lock, so it waits for them and no call sees freed memory.
    private final java.util.concurrent.locks.ReentrantReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private long handle;

    private Issuer(long handle) {
        this.handle = handle;
    }

    /** The issuer of a PKCS#8 PEM private key. */
    public static Issuer fromPem(String pem, String issuerId) throws Refused {
        return new Issuer(Native.issuerFromPem(pem, issuerId));
    }

    private interface NativeCall<T> {
        T call(long handle) throws Refused;
    }

    /** Runs {@code call} with the open handle, holding the read lock. */
    private <T> T with(NativeCall<T> call) throws Refused {
        lock.readLock().lock();
        try {
            if (handle == 0) {
                throw new InvalidArgumentException("options.invalid", "the issuer is closed");
            }
            return call.call(handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Signs {@code credentialJson} (the library's credential JSON) valid for {@code validForSeconds} from {@code nowMs}: the code text. */
    public String issue(String credentialJson, long validForSeconds, long nowMs) throws Refused {
        return with(h -> Native.issue(h, credentialJson, validForSeconds, nowMs));
    }

    /** Frees the native object, after the calls in progress end; later calls throw. Closing twice is allowed. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            long h = handle;
            handle = 0;
            Native.issuerFree(h);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
