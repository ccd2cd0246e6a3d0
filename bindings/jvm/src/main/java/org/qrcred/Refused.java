package org.qrcred;

/**
 * The library refused the input (a code, a trust bundle, a key, a
 * credential): {@link #getCode()} is its stable code (SPEC.md §9), such as
 * {@code time.expired}, {@code signature.invalid} or {@code trust.rollback}.
 */
public class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public Refused(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The stable code. */
    public String getCode() {
        return code;
    }
}
