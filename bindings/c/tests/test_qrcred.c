/*
 * Tests of the qrcred C ABI, in C, against bindings/c/include/qrcred.h and
 * the built library. tests/c_abi.rs writes the fixtures into DIR, builds
 * this file with -Wall -Wextra -Werror under AddressSanitizer (with
 * LeakSanitizer) and UndefinedBehaviorSanitizer, and runs it:
 *
 *   test_qrcred DIR
 *
 * DIR holds issuer.pem (a PKCS#8 test key), trust.json (a trust list of its
 * public key), rules.json, root.pem, bundle-1.bin and bundle-2.bin (signed
 * trust bundles, 2 newer), frame.gray (a 640x480 greyscale frame with a
 * code), frame.txt (that code) and vectors.tsv (every valid and invalid
 * test vector with a text: name, now in ms, scanner options JSON, the text
 * in hex (it may hold any byte), "valid:KIND" or the expected code).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qrcred.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        checks++;                                                     \
        if (!(cond)) {                                                \
            failures++;                                               \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                             \
            fputc('\n', stderr);                                      \
        }                                                             \
    } while (0)

static const int64_t NOW = 1795597200000; /* 2026-11-25T09:00:00Z */

/* The whole file, NUL-terminated; *len without the NUL. */
static char *slurp(const char *dir, const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    buf[size] = '\0';
    fclose(f);
    if (len) *len = (size_t)size;
    return buf;
}

/* Whether json holds "code":"<code>". */
static int has_code(const char *json, const char *code) {
    char needle[256];
    snprintf(needle, sizeof needle, "\"code\":\"%s\"", code);
    return json != NULL && strstr(json, needle) != NULL;
}

static void test_version_and_frees(void) {
    CHECK(strcmp(qrcred_version(), "0.1.0") == 0, "version %s", qrcred_version());
    qrcred_string_free(NULL);
    qrcred_bytes_free(NULL, 0);
    qrcred_scanner_free(NULL);
    qrcred_issuer_free(NULL);
}

static char *issue_code(qrcred_issuer *issuer, int64_t valid_for, int64_t now) {
    const char *credential =
        "{\"subject\":{\"family_name\":\"王\",\"given_name\":\"小明\",\"birth_date\":\"1990-03-15\"},"
        "\"health_status\":{\"colour\":\"green\"}}";
    char *code = NULL;
    int status = qrcred_issue(issuer, credential, valid_for, now, &code);
    CHECK(status == QRCRED_OK, "issue: %d %s", status, code ? code : "(null)");
    return code;
}

static void test_issuer_and_rendering(const char *dir, qrcred_issuer **out_issuer) {
    char *pem = slurp(dir, "issuer.pem", NULL);
    qrcred_issuer *issuer = NULL;
    char *error = NULL;
    CHECK(qrcred_issuer_from_pem(pem, "CN-SN-XA", &issuer, &error) == QRCRED_OK, "issuer: %s", error ? error : "");
    CHECK(issuer != NULL && error == NULL, "issuer handle");

    qrcred_issuer *bad = NULL;
    CHECK(qrcred_issuer_from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "X", &bad, &error) == QRCRED_REFUSED,
          "bad pem");
    CHECK(bad == NULL && has_code(error, "key.invalid_encoding"), "bad pem: %s", error);
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_issuer_from_pem(NULL, "X", &bad, &error) == QRCRED_MISUSE && has_code(error, "options.invalid"), "null pem");
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_issuer_from_pem(pem, "", &bad, &error) == QRCRED_MISUSE, "empty issuer id");
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_issuer_from_pem(pem, "X", NULL, &error) == QRCRED_MISUSE, "null out");
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_issuer_from_pem(pem, "X", &bad, NULL) == QRCRED_OK && bad != NULL, "a NULL error_json is allowed");
    qrcred_issuer_free(bad);
    free(pem);

    char *code = issue_code(issuer, 86400, NOW - 3600000);
    CHECK(code != NULL && strncmp(code, "QC1:", 4) == 0, "code %s", code ? code : "(null)");

    char *out = NULL;
    CHECK(qrcred_issue(issuer, "{\"subject\":{}}", 60, NOW, &out) == QRCRED_MISUSE && has_code(out, "options.invalid"),
          "bad credential: %s", out);
    qrcred_string_free(out);
    out = NULL;
    CHECK(qrcred_issue(issuer,
                       "{\"subject\":{\"family_name\":\"a\\u202eb\",\"birth_date\":\"1990\"},\"health_status\":{\"colour\":\"green\"}}",
                       60, NOW, &out) == QRCRED_REFUSED &&
              has_code(out, "claims.invisible_char"),
          "invisible char: %s", out);
    qrcred_string_free(out);
    out = NULL;
    CHECK(qrcred_issue(issuer,
                       "{\"subject\":{\"family_name\":\"W\",\"birth_date\":\"1990\"},\"health_status\":{\"colour\":\"green\"}}",
                       -1, NOW, &out) == QRCRED_REFUSED &&
              has_code(out, "time.out_of_range"),
          "negative validity: %s", out);
    qrcred_string_free(out);
    out = NULL;
    CHECK(qrcred_issue(NULL, "{}", 60, NOW, &out) == QRCRED_MISUSE, "null issuer");
    qrcred_string_free(out);

    uint8_t *png = NULL;
    size_t png_len = 0;
    char *error2 = NULL;
    CHECK(qrcred_render_png(code, 0, &png, &png_len, &error2) == QRCRED_OK, "png: %s", error2 ? error2 : "");
    CHECK(png_len > 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0, "png signature");
    qrcred_bytes_free(png, png_len);
    CHECK(qrcred_render_png("lower case", 4, &png, &png_len, &error2) == QRCRED_REFUSED && has_code(error2, "render.not_alphanumeric"),
          "png refused: %s", error2);
    CHECK(png == NULL && png_len == 0, "no buffer on failure");
    qrcred_string_free(error2);
    error2 = NULL;
    CHECK(qrcred_render_png(code, 999, &png, &png_len, &error2) == QRCRED_REFUSED && has_code(error2, "render.invalid_options"),
          "png options: %s", error2);
    qrcred_string_free(error2);

    char *svg = NULL;
    CHECK(qrcred_render_svg(code, 2, &svg) == QRCRED_OK && strncmp(svg, "<svg", 4) == 0, "svg");
    qrcred_string_free(svg);
    svg = NULL;
    CHECK(qrcred_render_svg(NULL, 2, &svg) == QRCRED_MISUSE && has_code(svg, "options.invalid"), "svg null");
    qrcred_string_free(svg);

    qrcred_string_free(code);
    *out_issuer = issuer;
}

struct shared {
    const qrcred_scanner *scanner;
    const char *code;
    int ok;
};

static void *verify_many(void *arg) {
    struct shared *s = arg;
    for (int i = 0; i < 100; i++) {
        char *result = NULL;
        if (qrcred_verify(s->scanner, s->code, strlen(s->code), NOW, &result) == QRCRED_OK) s->ok++;
        qrcred_string_free(result);
    }
    return NULL;
}

static void test_scanner_from_keys(const char *dir, qrcred_issuer *issuer) {
    char *trust = slurp(dir, "trust.json", NULL);
    char *rules = slurp(dir, "rules.json", NULL);
    qrcred_scanner *scanner = NULL;
    char *error = NULL;
    CHECK(qrcred_scanner_from_keys(trust, rules, &scanner, &error) == QRCRED_OK, "from keys: %s", error ? error : "");

    char *code = issue_code(issuer, 86400, NOW - 3600000);
    char *result = NULL;
    CHECK(qrcred_verify(scanner, code, strlen(code), NOW, &result) == QRCRED_OK, "verify: %s", result);
    CHECK(strstr(result, "\"valid\":true") && strstr(result, "\"kind\":\"health_status\""), "report %s", result);
    qrcred_string_free(result);

    /* Refusals and misuse. */
    CHECK(qrcred_verify(scanner, "QC1:abc", 7, NOW, &result) == QRCRED_REFUSED && has_code(result, "base45.invalid_char"),
          "refused: %s", result);
    qrcred_string_free(result);
    CHECK(qrcred_verify(scanner, code, strlen(code), NOW + 2 * 86400000LL, &result) == QRCRED_REFUSED &&
              has_code(result, "time.expired"),
          "expired: %s", result);
    qrcred_string_free(result);
    CHECK(qrcred_verify(scanner, "QC1:\xff\xfe", 6, NOW, &result) == QRCRED_MISUSE && has_code(result, "options.invalid"),
          "not utf-8: %s", result);
    qrcred_string_free(result);
    CHECK(qrcred_verify(scanner, NULL, 5, NOW, &result) == QRCRED_MISUSE, "null text");
    qrcred_string_free(result);
    CHECK(qrcred_verify(NULL, code, strlen(code), NOW, &result) == QRCRED_MISUSE, "null scanner");
    qrcred_string_free(result);
    CHECK(qrcred_verify(scanner, code, strlen(code), NOW, NULL) == QRCRED_MISUSE, "null result");
    CHECK(qrcred_verify(scanner, code, strlen(code), INT64_MAX, &result) == QRCRED_REFUSED && has_code(result, "time.out_of_range"),
          "time: %s", result);
    qrcred_string_free(result);
    /* A length shorter than the text: only that much is read. */
    CHECK(qrcred_verify(scanner, code, 10, NOW, &result) == QRCRED_REFUSED, "prefix of a code");
    qrcred_string_free(result);

    /* Batch. */
    const char *texts[3] = {code, "QC1:", code};
    size_t lens[3] = {strlen(code), 4, strlen(code)};
    char *results = NULL;
    CHECK(qrcred_verify_batch(scanner, texts, lens, 3, NOW, &results) == QRCRED_REFUSED, "batch status");
    CHECK(results[0] == '[' && has_code(results, "base45.empty") && strstr(results, "\"valid\":true"), "batch: %s", results);
    qrcred_string_free(results);
    CHECK(qrcred_verify_batch(scanner, texts, lens, 1, NOW, &results) == QRCRED_OK, "batch of one");
    qrcred_string_free(results);
    CHECK(qrcred_verify_batch(scanner, NULL, NULL, 0, NOW, &results) == QRCRED_OK && strcmp(results, "[]") == 0, "empty batch");
    qrcred_string_free(results);
    CHECK(qrcred_verify_batch(scanner, NULL, lens, 2, NOW, &results) == QRCRED_MISUSE, "null batch");
    qrcred_string_free(results);

    /* Decisions. */
    char *decision = NULL;
    CHECK(qrcred_decide(scanner, texts, lens, 1, "XA-0001", "en", NOW, &decision) == QRCRED_ADMIT, "admit: %s", decision);
    CHECK(strstr(decision, "\"verdict\":\"admit\"") && strstr(decision, "\"colour\":\"green\""), "decision %s", decision);
    qrcred_string_free(decision);
    CHECK(qrcred_decide(scanner, texts + 1, lens + 1, 1, NULL, NULL, NOW, &decision) == QRCRED_DENY && has_code(decision, "base45.empty"),
          "deny: %s", decision);
    qrcred_string_free(decision);
    CHECK(qrcred_decide(scanner, NULL, NULL, 0, NULL, "zh", NOW, &decision) == QRCRED_DENY && has_code(decision, "credential.none"),
          "nobody: %s", decision);
    qrcred_string_free(decision);

    /* One scanner, four threads. */
    pthread_t threads[4];
    struct shared shared[4];
    for (int i = 0; i < 4; i++) {
        shared[i] = (struct shared){scanner, code, 0};
        CHECK(pthread_create(&threads[i], NULL, verify_many, &shared[i]) == 0, "thread");
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        CHECK(shared[i].ok == 100, "thread %d verified %d of 100", i, shared[i].ok);
    }

    /* A scanner without a bundle has no state; without rules, no decision. */
    uint8_t *state = NULL;
    size_t state_len = 0;
    CHECK(qrcred_scanner_state(scanner, &state, &state_len, &error) == QRCRED_MISUSE && has_code(error, "options.invalid"), "no state");
    qrcred_string_free(error);
    error = NULL;
    qrcred_scanner *bare = NULL;
    CHECK(qrcred_scanner_from_keys(trust, NULL, &bare, &error) == QRCRED_OK, "no rules");
    CHECK(qrcred_decide(bare, texts, lens, 1, NULL, NULL, NOW, &decision) == QRCRED_MISUSE && has_code(decision, "options.invalid"),
          "decide without rules: %s", decision);
    qrcred_string_free(decision);
    qrcred_scanner_free(bare);
    CHECK(qrcred_scanner_from_keys("[{\"public_key\":\"zz\",\"issuer\":\"X\"}]", NULL, &bare, &error) == QRCRED_REFUSED &&
              has_code(error, "key.invalid_encoding") && bare == NULL,
          "bad key: %s", error);
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_scanner_from_keys("not json", NULL, &bare, &error) == QRCRED_MISUSE && has_code(error, "options.invalid"), "bad json");
    qrcred_string_free(error);

    qrcred_string_free(code);
    qrcred_scanner_free(scanner);
    free(trust);
    free(rules);
}

static void test_bundles_and_state(const char *dir, qrcred_issuer *issuer) {
    size_t len1 = 0, len2 = 0;
    char *b1 = slurp(dir, "bundle-1.bin", &len1);
    char *b2 = slurp(dir, "bundle-2.bin", &len2);
    char *root = slurp(dir, "root.pem", NULL);
    qrcred_scanner *scanner = NULL;
    char *error = NULL;
    CHECK(qrcred_scanner_from_bundle((const uint8_t *)b2, len2, root, NULL, 0, &scanner, &error) == QRCRED_OK, "from bundle: %s",
          error ? error : "");
    uint8_t *state = NULL;
    size_t state_len = 0;
    CHECK(qrcred_scanner_state(scanner, &state, &state_len, &error) == QRCRED_OK && state_len > 0, "state");

    /* A code issued a minute ago verifies with the bundle's keys and is admitted by its rules. */
    int64_t now = (int64_t)time(NULL) * 1000;
    char *code = issue_code(issuer, 86400, now - 60000);
    char *result = NULL;
    CHECK(qrcred_verify(scanner, code, strlen(code), now, &result) == QRCRED_OK, "bundle verify: %s", result);
    CHECK(strstr(result, "\"issuer_name\":\"西安市卫生健康委员会\""), "issuer name from the bundle: %s", result);
    qrcred_string_free(result);
    const char *texts[1] = {code};
    size_t lens[1] = {strlen(code)};
    CHECK(qrcred_decide(scanner, texts, lens, 1, NULL, "zh", now, &result) == QRCRED_ADMIT, "bundle rules: %s", result);
    qrcred_string_free(result);
    qrcred_string_free(code);

    /* A restart with the saved state refuses the older bundle. */
    qrcred_scanner *again = NULL;
    CHECK(qrcred_scanner_from_bundle((const uint8_t *)b1, len1, root, state, state_len, &again, &error) == QRCRED_REFUSED &&
              has_code(error, "trust.rollback") && again == NULL,
          "rollback: %s", error);
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_scanner_from_bundle((const uint8_t *)b2, len2, root, state, state_len, &again, &error) == QRCRED_OK, "same bundle");
    qrcred_scanner_free(again);
    again = NULL;
    CHECK(qrcred_scanner_from_bundle((const uint8_t *)b2, len2, root, state, 3, &again, &error) == QRCRED_REFUSED, "truncated state");
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_scanner_from_bundle(NULL, 10, root, NULL, 0, &again, &error) == QRCRED_MISUSE, "null bundle");
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_scanner_from_bundle((const uint8_t *)b2, len2, "not a key", NULL, 0, &again, &error) == QRCRED_REFUSED &&
              has_code(error, "key.invalid_encoding"),
          "bad root: %s", error);
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_scanner_from_bundle((const uint8_t *)b2, 100, root, NULL, 0, &again, &error) == QRCRED_REFUSED, "cut bundle");
    qrcred_string_free(error);
    error = NULL;

    /* qrcred_scanner_open: options, bundle and state, at a given time. */
    CHECK(qrcred_scanner_open("{\"roots\":[]}", (const uint8_t *)b1, len1, state, state_len, 4102444800000LL, &again, &error) ==
                  QRCRED_REFUSED &&
              has_code(error, "trust.rollback"),
          "open rollback: %s", error);
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_scanner_open("{\"colour\":1}", NULL, 0, NULL, 0, NOW, &again, &error) == QRCRED_MISUSE && has_code(error, "options.invalid"),
          "unknown option: %s", error);
    qrcred_string_free(error);
    error = NULL;
    CHECK(qrcred_scanner_open(NULL, NULL, 0, NULL, 0, NOW, &again, &error) == QRCRED_OK, "no options");
    CHECK(qrcred_verify(again, "QC1:", 4, NOW, &result) == QRCRED_REFUSED, "empty trust refuses");
    qrcred_string_free(result);
    qrcred_scanner_free(again);

    qrcred_bytes_free(state, state_len);
    qrcred_scanner_free(scanner);
    free(b1);
    free(b2);
    free(root);
}

static void test_scan(const char *dir) {
    size_t len = 0;
    char *frame = slurp(dir, "frame.gray", &len);
    char *want = slurp(dir, "frame.txt", NULL);
    char *texts = NULL;
    CHECK(qrcred_scan_luma(640, 480, (const uint8_t *)frame, len, &texts) == QRCRED_OK, "scan: %s", texts);
    CHECK(texts && strstr(texts, want), "scanned %s", texts);
    qrcred_string_free(texts);
    CHECK(qrcred_scan_luma(640, 480, (const uint8_t *)frame, len - 1, &texts) == QRCRED_REFUSED && has_code(texts, "scan.buffer_size"),
          "wrong size: %s", texts);
    qrcred_string_free(texts);
    CHECK(qrcred_scan_luma(100000, 100000, (const uint8_t *)frame, len, &texts) == QRCRED_REFUSED, "huge");
    qrcred_string_free(texts);
    CHECK(qrcred_scan_luma(640, 480, NULL, 640 * 480, &texts) == QRCRED_MISUSE, "null pixels");
    qrcred_string_free(texts);
    memset(frame, 200, len);
    CHECK(qrcred_scan_luma(640, 480, (const uint8_t *)frame, len, &texts) == QRCRED_OK && strcmp(texts, "[]") == 0, "blank");
    qrcred_string_free(texts);
    free(frame);
    free(want);
}

/* Decodes hex in place; the number of bytes. */
static size_t unhex(char *s) {
    size_t n = 0;
    for (size_t i = 0; s[i] && s[i + 1]; i += 2) {
        unsigned int byte = 0;
        sscanf(s + i, "%2x", &byte);
        s[n++] = (char)byte;
    }
    s[n] = '\0';
    return n;
}

/* Every test vector with a text through qrcred_verify: valid ones with their kind, invalid ones with their code. */
static void test_vectors(const char *dir) {
    char *all = slurp(dir, "vectors.tsv", NULL);
    int cases = 0;
    int valid = 0;
    char *line = all;
    while (line && *line) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        char *fields[5];
        char *p = line;
        for (int i = 0; i < 5; i++) {
            fields[i] = p;
            char *tab = strchr(p, '\t');
            if (tab) {
                *tab = '\0';
                p = tab + 1;
            }
        }
        int64_t now = strtoll(fields[1], NULL, 10);
        qrcred_scanner *scanner = NULL;
        char *error = NULL;
        int status = qrcred_scanner_open(fields[2], NULL, 0, NULL, 0, now, &scanner, &error);
        CHECK(status == QRCRED_OK, "%s: open %s", fields[0], error ? error : "");
        qrcred_string_free(error);
        if (status == QRCRED_OK) {
            char *result = NULL;
            size_t text_len = unhex(fields[3]);
            status = qrcred_verify(scanner, fields[3], text_len, now, &result);
            if (strncmp(fields[4], "valid:", 6) == 0) {
                char kind[64];
                snprintf(kind, sizeof kind, "\"kind\":\"%s\"", fields[4] + 6);
                CHECK(status == QRCRED_OK && strstr(result, kind), "%s: %d %s, expected %s", fields[0], status, result, fields[4]);
                valid++;
            } else {
                CHECK(status == QRCRED_REFUSED && has_code(result, fields[4]), "%s: %d %s, expected %s", fields[0], status, result,
                      fields[4]);
            }
            qrcred_string_free(result);
            qrcred_scanner_free(scanner);
        }
        cases++;
        line = end ? end + 1 : NULL;
    }
    CHECK(cases > 200 && valid > 50, "only %d vectors (%d valid)", cases, valid);
    printf("vectors: %d test vectors (%d valid) with their results; invalid ones refused with their codes\n", cases, valid);
    free(all);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_qrcred DIR\n");
        return 2;
    }
    qrcred_issuer *issuer = NULL;
    test_version_and_frees();
    test_issuer_and_rendering(argv[1], &issuer);
    test_scanner_from_keys(argv[1], issuer);
    test_bundles_and_state(argv[1], issuer);
    test_scan(argv[1]);
    test_vectors(argv[1]);
    qrcred_issuer_free(issuer);
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
