package org.qrcred;

/**
 * A door scanner: the keys it trusts (a signed trust bundle checked against
 * a pinned root, with the state persisted last time, and/or a plain trust
 * list), entry rules and limits. One scanner may be used by several threads
 * at once; close it when done (or let try-with-resources do it).
 */
public final class Scanner implements AutoCloseable {
    private final Handle handle;

    private Scanner(long handle) {
        this.handle = new Handle(handle, "scanner", Native::scannerFree);
    }

    /**
     * A scanner from JSON options ({@code {"roots", "trust", "dscs", "rules",
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

    /** Verifies a code text at {@code nowMs}: the credential, or throws {@link Refused} with the reason's code. */
    public Verified verify(String text, long nowMs) throws Refused {
        return handle.with(h -> Native.verify(h, text, nowMs));
    }

    /** The {@code verify --json} report of a code text (valid or refused), labels in {@code lang} or none when null. */
    public String verifyJson(String text, long nowMs, String lang) throws Refused {
        return handle.with(h -> Native.verifyJson(h, text, nowMs, lang));
    }

    /** Decides for one person presenting {@code texts}: the {@code gate --json} decision (verdict, code, text in {@code lang}, ...). */
    public String decide(String[] texts, String site, String lang, long nowMs) throws Refused {
        return handle.with(h -> Native.decide(h, texts, site, lang, nowMs));
    }

    /** The trust state to persist and give to the next {@link #fromBundle}. */
    public byte[] state() {
        try {
            return handle.with(Native::state);
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
        handle.close();
    }
}
