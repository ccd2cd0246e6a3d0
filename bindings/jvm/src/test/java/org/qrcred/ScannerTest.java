package org.qrcred;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tests of the JVM library, in Java, against the native library: every
 * valid and invalid test vector with a text (the Rust verdict and code),
 * issuing, decisions, the trust state across a restart, misuse, and one
 * scanner shared by four threads. tests/jvm.rs writes the fixtures (the same
 * as the C tests') and runs:
 *
 * <pre>java -Djava.library.path=LIB -cp CLASSES org.qrcred.ScannerTest DIR</pre>
 */
public final class ScannerTest {
    private static int checks = 0;
    private static int failures = 0;
    private static final long NOW = 1795597200000L; // 2026-11-25T09:00:00Z

    private static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures++;
            System.err.println("FAIL: " + what);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    /** The code of what {@code call} throws, or "none". */
    private static String codeOf(Call call) {
        try {
            call.run();
            return "none";
        } catch (Refused e) {
            return e.getCode();
        } catch (InvalidArgumentException e) {
            return e.getCode();
        } catch (Exception e) {
            return "unexpected " + e;
        }
    }

    private static String unhex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static final String CREDENTIAL =
        "{\"subject\":{\"family_name\":\"王\",\"given_name\":\"小明\",\"birth_date\":\"1990-03-15\"},"
            + "\"health_status\":{\"colour\":\"green\"}}";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        check(Scanner.version().equals("0.1.0"), "version " + Scanner.version());

        // Every valid and invalid vector with a text.
        int cases = 0;
        int valid = 0;
        for (String line : Files.readAllLines(dir.resolve("vectors.tsv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            long now = Long.parseLong(f[1]);
            String text = unhex(f[3]);
            try (Scanner scanner = Scanner.open(f[2], null, null, now)) {
                if (f[4].startsWith("valid:")) {
                    Verified v = scanner.verify(text, now);
                    check(v.getKind().equals(f[4].substring(6)), f[0] + ": kind " + v.getKind());
                    check(v.getReportJson().contains("\"valid\":true"), f[0] + ": report");
                    valid++;
                } else {
                    String code = codeOf(() -> scanner.verify(text, now));
                    check(code.equals(f[4]), f[0] + ": " + code + ", expected " + f[4]);
                    check(scanner.verifyJson(text, now, "en").contains("\"code\":\"" + f[4] + "\""), f[0] + ": verifyJson");
                }
            }
            cases++;
        }
        check(cases > 200 && valid > 50, "only " + cases + " vectors");

        // Issuing, verifying and deciding.
        String pem = Files.readString(dir.resolve("issuer.pem"));
        String trust = Files.readString(dir.resolve("trust.json"));
        String rules = Files.readString(dir.resolve("rules.json"));
        String options = "{\"trust\":" + trust + ",\"rules_json\":" + quote(rules) + "}";
        try (Issuer issuer = Issuer.fromPem(pem, "CN-SN-XA"); Scanner scanner = Scanner.open(options, null, null, NOW)) {
            String code = issuer.issue(CREDENTIAL, 86400, NOW - 3_600_000);
            check(code.startsWith("QC1:"), "code " + code);
            Verified v = scanner.verify(code, NOW);
            check(v.getKind().equals("health_status") && v.getIssuer().equals("CN-SN-XA"), "verified " + v);
            check(v.getExpiresAt().toEpochMilli() == NOW + 82_800_000L, "expires " + v.getExpiresAt());
            check(v.getCredentialJson().contains("\"colour\":\"green\""), "credential " + v.getCredentialJson());
            String decision = scanner.decide(new String[] {code}, "XA-0001", "en", NOW);
            check(decision.contains("\"verdict\":\"admit\""), "decision " + decision);
            check(codeOf(() -> scanner.verify(code, NOW + 2L * 86_400_000L)).equals("time.expired"), "expired");
            check(codeOf(() -> scanner.verify("QC1:abc", NOW)).equals("base45.invalid_char"), "base45");
            check(codeOf(() -> scanner.verify(null, NOW)).equals("options.invalid"), "null text");
            check(codeOf(() -> scanner.decide(null, null, null, NOW)).equals("options.invalid"), "null texts");
            check(codeOf(() -> issuer.issue("{\"subject\":{}}", 60, NOW)).equals("options.invalid"), "bad credential");
            check(codeOf(() -> issuer.issue(CREDENTIAL, -1, NOW)).equals("time.out_of_range"), "negative validity");
            check(codeOf(() -> scanner.verify(code, Long.MAX_VALUE)).equals("time.out_of_range"), "time");
            check(codeOf(scanner::state).equals("options.invalid"), "no state without a bundle");

            // One scanner, four threads.
            AtomicInteger ok = new AtomicInteger();
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 100; i++) {
                        try {
                            if (scanner.verify(code, NOW).getKind().equals("health_status")) ok.incrementAndGet();
                        } catch (Refused e) {
                            // counted as missing
                        }
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) t.join();
            check(ok.get() == 400, "threads verified " + ok.get() + " of 400");
        }
        // Closing while other threads verify: each call succeeds or is refused as closed, none touches freed memory.
        try (Issuer issuer = Issuer.fromPem(pem, "CN-SN-XA")) {
            String code = issuer.issue(CREDENTIAL, 86400, NOW - 3_600_000);
            Scanner racing = Scanner.open(options, null, null, NOW);
            AtomicInteger verified = new AtomicInteger();
            AtomicInteger closedCalls = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 200; i++) {
                        String got = codeOf(() -> racing.verify(code, NOW));
                        if (got.equals("none")) verified.incrementAndGet();
                        else if (got.equals("options.invalid")) closedCalls.incrementAndGet();
                        else other.incrementAndGet();
                    }
                });
                threads[t].start();
            }
            Thread.sleep(5);
            racing.close();
            for (Thread t : threads) t.join();
            check(other.get() == 0 && verified.get() + closedCalls.get() == 800,
                "close during use: " + verified + " verified, " + closedCalls + " closed, " + other + " other");
        }
        check(codeOf(() -> Issuer.fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "X"))
            .equals("key.invalid_encoding"), "bad pem");
        check(codeOf(() -> Issuer.fromPem(pem, "")).equals("options.invalid"), "empty issuer id");
        check(codeOf(() -> Scanner.open("{\"colour\":1}", null, null, NOW)).equals("options.invalid"), "unknown option");
        Scanner closed = Scanner.open(null, null, null, NOW);
        closed.close();
        closed.close();
        check(codeOf(() -> closed.verify("QC1:", NOW)).equals("options.invalid"), "closed scanner");

        // Bundles and the trust state across a restart.
        byte[] b1 = Files.readAllBytes(dir.resolve("bundle-1.bin"));
        byte[] b2 = Files.readAllBytes(dir.resolve("bundle-2.bin"));
        String root = Files.readString(dir.resolve("root.pem"));
        byte[] state;
        try (Scanner scanner = Scanner.fromBundle(b2, root, null)) {
            state = scanner.state();
            check(state.length > 0, "state");
        }
        check(codeOf(() -> Scanner.fromBundle(b1, root, state).close()).equals("trust.rollback"), "rollback");
        check(codeOf(() -> Scanner.fromBundle(b2, root, state).close()).equals("none"), "same bundle again");
        check(codeOf(() -> Scanner.fromBundle(b2, "not a key", null).close()).equals("key.invalid_encoding"), "bad root");
        check(codeOf(() -> Scanner.fromBundle(null, root, null)).equals("options.invalid"), "null bundle");

        System.out.println("vectors: " + cases + " (" + valid + " valid); " + checks + " checks, " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
