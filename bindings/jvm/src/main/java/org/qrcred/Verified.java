package org.qrcred;

import java.time.Instant;

/** A code that verified: its kind, issuer, times and credential (JSON). */
public final class Verified {
    private final String reportJson;
    private final String credentialJson;
    private final String kind;
    private final String issuer;
    private final long issuedAtMs;
    private final long validFromMs;
    private final long expiresAtMs;

    Verified(String reportJson, String credentialJson, String kind, String issuer, long issuedAtMs, long validFromMs, long expiresAtMs) {
        this.reportJson = reportJson;
        this.credentialJson = credentialJson;
        this.kind = kind;
        this.issuer = issuer;
        this.issuedAtMs = issuedAtMs;
        this.validFromMs = validFromMs;
        this.expiresAtMs = expiresAtMs;
    }

    /** {@code health_status}, {@code vaccination}, {@code test_result}, {@code recovery} or {@code access_pass}. */
    public String getKind() {
        return kind;
    }

    /** The issuer, as the trust entry names it. */
    public String getIssuer() {
        return issuer;
    }

    /** {@code iat}. */
    public Instant getIssuedAt() {
        return Instant.ofEpochMilli(issuedAtMs);
    }

    /** {@code nbf}, else {@code iat}. */
    public Instant getValidFrom() {
        return Instant.ofEpochMilli(validFromMs);
    }

    /** {@code exp}. */
    public Instant getExpiresAt() {
        return Instant.ofEpochMilli(expiresAtMs);
    }

    /** The credential in the library's JSON form. */
    public String getCredentialJson() {
        return credentialJson;
    }

    /** The whole report, as {@code verify --json} prints it (kid, revocation_id, warnings, ...). */
    public String getReportJson() {
        return reportJson;
    }

    @Override
    public String toString() {
        return "Verified(" + kind + ", " + issuer + ", expires " + getExpiresAt() + ")";
    }
}
