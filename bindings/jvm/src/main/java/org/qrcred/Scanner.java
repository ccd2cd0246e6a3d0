package org.qrcred;

/**
 * A door scanner: the keys it trusts (a signed trust bundle checked against
 * a pinned root, with the state persisted last time, and/or a plain trust
 * list), entry rules and limits. One scanner may be used by several threads
 * at once; close it when done (or let try-with-resources do it).
 */
public final class Scanner implements AutoCloseable {
    // Calls hold the read lock while they use the native object; close takes
    // the write lock, so it waits for them and no call sees freed memory.
    private final java.util.concurrent.locks.ReentrantReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private long handle;

    private Scanner(long handle) {
        this.handle = handle;
    }

    /**
     * A scanner from JSON options ({@code {"roots", "trust", "rules",
     * "clock_skew_seconds", "limits", "stale"}}, or null), a trust bundle and
     * a persisted state (each null for none), the bundle loaded at {@code nowMs}.
     */
    public static Scanner open(String optionsJson, byte[] bundle, byte[] state, long nowMs) throws Refused {
        return new Scanner(Native.scannerOpen(optionsJson, bundle, state, nowMs));
    }

    /** A scanner from a trust bundle, its pinned root (SPKI PEM) and the state saved last time (or null); loaded now. */
    public static Scanner fromBundle(byte[] bundle, String rootPem, byte[] state) throws Refused {
        return new Scanner(Native.scannerFromBundle(bundle, rootPem, state));
    }

    private interface NativeCall<T> {
        T call(long handle) throws Refused;
    }

    /** Runs {@code call} with the open handle, holding the read lock. */
    private <T> T with(NativeCall<T> call) throws Refused {
        lock.readLock().lock();
        try {
            if (handle == 0) {
                throw new InvalidArgumentException("options.invalid", "the scanner is closed");
            }
            return call.call(handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Verifies a code text at {@code nowMs}: the credential, or throws {@link Refused} with the reason's code. */
    public Verified verify(String text, long nowMs) throws Refused {
        return with(h -> Native.verify(h, text, nowMs));
    }

    /** The {@code verify --json} report of a code text (valid or refused), labels in {@code lang} or none when null. */
    public String verifyJson(String text, long nowMs, String lang) throws Refused {
        return with(h -> Native.verifyJson(h, text, nowMs, lang));
    }

    /** Decides for one person presenting {@code texts}: the {@code gate --json} decision (verdict, code, text in {@code lang}, ...). */
    public String decide(String[] texts, String site, String lang, long nowMs) throws Refused {
        return with(h -> Native.decide(h, texts, site, lang, nowMs));
    }

    /** The trust state to persist and give to the next {@link #fromBundle}. */
    public byte[] state() {
        try {
            return with(Native::state);
        } catch (Refused e) {
            // Native.state throws no Refused: the state is written, or options.invalid is thrown.
            throw new InvalidArgumentException(e.getCode(), e.getMessage());
        }
    }

    /** The library's version. */
    public static String version() {
        return Native.version();
    }

    /** Frees the native object, after the calls in progress end; later calls throw. Closing twice is allowed. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            long h = handle;
            handle = 0;
            Native.scannerFree(h);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
