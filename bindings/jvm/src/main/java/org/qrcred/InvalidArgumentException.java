package org.qrcred;

/**
 * An argument the library cannot read (code {@code options.invalid}): null
 * where a value is needed, unreadable JSON, unknown options, a closed
 * handle; or a library bug caught at the boundary ({@code internal.panic}).
 */
public class InvalidArgumentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public InvalidArgumentException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The stable code. */
    public String getCode() {
        return code;
    }
}
