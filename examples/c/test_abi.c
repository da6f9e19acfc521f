/*
 * Tests of the C ABI through the header alone: every function's success path, NULL for every
 * pointer, zero and oversized lengths, non-UTF-8 text, buffer sizing, NULL-free, a forced panic
 * (test builds with CONSENTRY_TEST_PANIC), 8 threads on one shared verifier, and the fixture
 * set (written by `cargo run -p consentry-ffi --example fixtures DIR`) giving the Rust API's
 * verdicts, codes and JSON byte for byte, through the handles and through consentry_call_json;
 * pseudonymisation per value, JSON record and CSV line (agreeing with consentry_call_json) and
 * identifier validation and masking.
 *
 *   test_abi FIXTURE_DIR
 *
 * Built -Wall -Wextra -Werror and run plain, under ASan+UBSan and under valgrind by
 * scripts/test-c. Exit status 0 when every check passes.
 */
#include "consentry.h"
#include "b64url.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *dir;


static uint8_t *read_file(const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
  buf[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static const uint8_t NOT_UTF8[] = {0x66, 0x6f, 0xff, 0xfe, 0x6f};
static const char CLAIMS[] =
    "{\"iss\": \"cm.tn.gov.in\", \"sub\": \"pp-c-abi\", \"aud\": \"tn.health.dept\", "
    "\"exp\": 1900000000, \"consent\": {\"v\": 1, \"basis\": \"consent\", "
    "\"notice\": {\"id\": \"n-1\", \"sha256\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", "
    "\"lang\": \"ta-IN\"}, \"purposes\": [{\"purpose\": \"aa:101\", \"fields\": [\"/name\"], "
    "\"mode\": \"view\"}]}}";
static const char AUD[] = "tn.health.dept";
static const int64_t NOW = 1764300000;

/* Shared by the tests below. */
static consentry_trust_store *store;
static const consentry_verifier *verifier;
static const consentry_signing_key *key;
static consentry_error *err;
static uint8_t *typical;
static size_t typical_len;

static void test_static_text(void) {
  CHECK(strcmp(consentry_version(), CONSENTRY_VERSION) == 0);
  CHECK(strcmp(consentry_result_name(CONSENTRY_RESULT_OK), "ok") == 0);
  CHECK(strcmp(consentry_result_name(CONSENTRY_RESULT_SIGNATURE_INVALID), "signature_invalid") == 0);
  CHECK(strcmp(consentry_result_name(CONSENTRY_RESULT_NULL_ARGUMENT), "null_argument") == 0);
  CHECK(strcmp(consentry_result_message(CONSENTRY_RESULT_SIGNATURE_INVALID),
               "the signature does not verify (deliberately without detail)") == 0);
  CHECK(strcmp(consentry_result_message(99999), "unknown result code") == 0);
  CHECK(strcmp(consentry_result_name(1), "unknown result code") == 0);
  CHECK(strlen(consentry_result_message(CONSENTRY_RESULT_PANIC)) > 0);
}

static void test_error_object(void) {
  consentry_error *e = (consentry_error *)0x1;
  uint8_t buf[256];
  size_t n = 77;
  EXPECT(consentry_error_new(NULL), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_error_new(&e), CONSENTRY_RESULT_OK);
  EXPECT(consentry_error_code(e), CONSENTRY_RESULT_OK);
  EXPECT(consentry_error_code(NULL), CONSENTRY_RESULT_OK);
  EXPECT(consentry_error_message(e, buf, sizeof buf, &n), CONSENTRY_RESULT_OK);
  CHECK(n == 0 && buf[0] == 0);
  /* A failure fills it; message sizing and NULLs. */
  EXPECT(consentry_trust_store_add_jwk(store, S("{"), e), CONSENTRY_RESULT_KEY_JWK_INVALID);
  EXPECT(consentry_error_code(e), CONSENTRY_RESULT_KEY_JWK_INVALID);
  EXPECT(consentry_error_message(e, NULL, 0, &n), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n > 1);
  size_t need = n;
  EXPECT(consentry_error_message(e, buf, need, &n), CONSENTRY_RESULT_OK);
  CHECK(n == need - 1 && strlen((char *)buf) == n && strstr((char *)buf, "jwk") != NULL);
  EXPECT(consentry_error_message(NULL, buf, sizeof buf, &n), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_error_message(e, buf, sizeof buf, NULL), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_error_message(e, NULL, 5, &n), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_error_message(e, buf, SIZE_MAX, &n), CONSENTRY_RESULT_INVALID_ARGUMENT);
  /* A success leaves it alone. */
  EXPECT(consentry_trust_store_len(store, &n, e), CONSENTRY_RESULT_OK);
  EXPECT(consentry_error_code(e), CONSENTRY_RESULT_KEY_JWK_INVALID);
  consentry_error_free(e);
  consentry_error_free(NULL);
}

static void test_trust_store(void) {
  size_t jwks_len, cose_len, n = 0;
  uint8_t *jwks = read_file("trust.jwks.json", &jwks_len);
  uint8_t *cose = read_file("issuer.cose_key", &cose_len);
  consentry_trust_store *ts = NULL;

  EXPECT(consentry_trust_store_new(NULL), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_trust_store_new(&store), CONSENTRY_RESULT_OK);
  EXPECT(consentry_trust_store_add_jwk(store, jwks, jwks_len, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_trust_store_len(store, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n == 2);
  EXPECT(consentry_trust_store_add_jwk(NULL, jwks, jwks_len, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_error_code(err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_trust_store_add_jwk(store, NULL, 0, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_trust_store_add_jwk(store, jwks, 0, err), CONSENTRY_RESULT_KEY_JWK_INVALID);
  EXPECT(consentry_trust_store_add_jwk(store, jwks, SIZE_MAX, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_trust_store_add_jwk(store, NOT_UTF8, sizeof NOT_UTF8, err), CONSENTRY_RESULT_INVALID_UTF8);
  /* a P-256 point off the curve is refused when added */
  EXPECT(consentry_trust_store_add_jwk(store, S("{\"kty\": \"EC\", \"crv\": \"P-256\", "
                                                "\"x\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", "
                                                "\"y\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"), err),
         CONSENTRY_RESULT_KEY_NOT_ON_CURVE);
  EXPECT(consentry_trust_store_add_jwk(store, S("{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"AA\", \"d\": \"AA\"}"), err),
         CONSENTRY_RESULT_KEY_PRIVATE_MATERIAL);
  EXPECT(consentry_trust_store_len(NULL, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_trust_store_len(store, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);

  /* COSE_Key entry into a second store. */
  EXPECT(consentry_trust_store_new(&ts), CONSENTRY_RESULT_OK);
  EXPECT(consentry_trust_store_add_cose_key(ts, cose, cose_len, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_trust_store_len(ts, &n, NULL), CONSENTRY_RESULT_OK);
  CHECK(n == 1);
  EXPECT(consentry_trust_store_add_cose_key(NULL, cose, cose_len, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_trust_store_add_cose_key(ts, NULL, 0, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_trust_store_add_cose_key(ts, cose, 0, err), CONSENTRY_RESULT_KEY_INVALID);
  EXPECT(consentry_trust_store_add_cose_key(ts, cose, SIZE_MAX, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  CHECK(consentry_trust_store_add_cose_key(ts, S("\xa1\x01\x01"), err) != CONSENTRY_RESULT_OK);
  consentry_trust_store_free(ts);
  consentry_trust_store_free(NULL);
  free(jwks);
  free(cose);
}

static void test_verifier_new(void) {
  const consentry_verifier *v = (const consentry_verifier *)0x1;
  EXPECT(consentry_verifier_new(store, CONSENTRY_MAX_LEEWAY + 1, &v, err), CONSENTRY_RESULT_INVALID_OPTION);
  CHECK(v == (const consentry_verifier *)0x1); /* untouched on failure */
  EXPECT(consentry_verifier_new(NULL, 60, &v, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_new(store, 60, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_new(store, CONSENTRY_DEFAULT_LEEWAY, &verifier, err), CONSENTRY_RESULT_OK);
  consentry_verifier_free(NULL);
}

/* Replays cases.txt through the handles and through consentry_call_json. */
static void test_fixtures(void) {
  size_t man_len, jwks_len;
  char *man = (char *)read_file("cases.txt", &man_len);
  char *jwks = (char *)read_file("trust.jwks.json", &jwks_len);
  static uint8_t out[65536];
  int cases = 0;
  for (char *line = strtok(man, "\n"); line; line = strtok(NULL, "\n")) {
    char name[128], aud[128], list[64], file[256];
    unsigned code;
    long long now;
    if (sscanf(line, "%127s %u %127s %lld %63s", name, &code, aud, &now, list) != 5) {
      fprintf(stderr, "bad manifest line: %s\n", line);
      failures++;
      continue;
    }
    cases++;
    size_t art_len, list_len = 0, n = 0;
    snprintf(file, sizeof file, "%s.cose", name);
    uint8_t *art = read_file(file, &art_len);
    uint8_t *lst = NULL;
    if (strcmp(list, "-") != 0) {
      snprintf(file, sizeof file, "list-%s.cwt", list);
      lst = read_file(file, &list_len);
    }
    consentry_result rc = consentry_verifier_verify(verifier, art, art_len, (const uint8_t *)aud, strlen(aud),
                                                    now, lst, list_len, out, sizeof out, &n, err);
    if (rc != code) {
      fprintf(stderr, "case %s: C ABI gave %u %s, Rust gave %u %s\n", name, (unsigned)rc,
              consentry_result_name(rc), code, consentry_result_name(code));
      failures++;
    }
    checks++;
    if (code == 0) {
      size_t json_len;
      snprintf(file, sizeof file, "%s.json", name);
      uint8_t *json = read_file(file, &json_len);
      CHECK(n == json_len && memcmp(out, json, n) == 0 && out[n] == 0);
      free(json);
    } else {
      EXPECT(consentry_error_code(err), code);
    }
    if (!lst) EXPECT(consentry_verifier_check(verifier, art, art_len, (const uint8_t *)aud, strlen(aud), now, NULL), code);

    /* The same case as base64url text: the same result, byte for byte. */
    char *a64 = b64url_encode(art, art_len);
    char *l64 = lst ? b64url_encode(lst, list_len) : NULL;
    {
      static uint8_t out64[65536];
      size_t n64 = 0;
      EXPECT(consentry_verifier_verify_b64(verifier, (const uint8_t *)a64, strlen(a64), (const uint8_t *)aud,
                                           strlen(aud), now, (const uint8_t *)l64, l64 ? strlen(l64) : 0, out64,
                                           sizeof out64, &n64, err),
             code);
      if (code == 0) CHECK(n64 == n && memcmp(out64, out, n) == 0 && out64[n] == 0);
      if (!lst)
        EXPECT(consentry_verifier_check_b64(verifier, (const uint8_t *)a64, strlen(a64), (const uint8_t *)aud,
                                            strlen(aud), now, NULL),
               code);
    }

    /* The same case through the JSON entry point. */
    size_t req_cap = strlen(a64) + jwks_len + (l64 ? strlen(l64) : 0) + 512;
    char *req = malloc(req_cap);
    snprintf(req, req_cap, "{\"artefact\": \"%s\", \"trust\": %s, \"audience\": \"%s\", \"now\": %lld%s%s%s}",
             a64, jwks, aud, now, l64 ? ", \"statusList\": \"" : "", l64 ? l64 : "", l64 ? "\"" : "");
    rc = consentry_call_json(S("verify"), (const uint8_t *)req, strlen(req), out, sizeof out, &n, NULL);
    if (rc != code) {
      fprintf(stderr, "case %s: call_json gave %u %s, Rust gave %u\n", name, (unsigned)rc, consentry_result_name(rc), code);
      failures++;
    }
    CHECK(strstr((char *)out, code == 0 ? "\"ok\":true" : "\"ok\":false") != NULL);
    free(req);
    free(a64);
    free(l64);
    free(art);
    free(lst);
  }
  CHECK(cases >= 20);
  printf("fixtures: %d cases identical to the Rust API\n", cases);
  free(man);
  free(jwks);
}

static void test_verify_arguments(void) {
  uint8_t out[8192];
  size_t n = 0, need;
  const uint8_t *aud = (const uint8_t *)AUD;
  size_t aud_len = strlen(AUD);
  /* Buffer sizing: size query, one short (untouched), exact. */
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, NULL, 0, &n, err),
         CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  need = n;
  CHECK(need > 100 && need < sizeof out);
  memset(out, 0xAA, sizeof out);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, out, need - 1, &n, err),
         CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == need && out[0] == 0xAA && out[need - 2] == 0xAA);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, out, need, &n, err),
         CONSENTRY_RESULT_OK);
  CHECK(n == need - 1 && out[n] == 0 && strstr((char *)out, "\"verified\":true") != NULL);
  /* NULL for every pointer, and lengths. */
  n = 12345;
  EXPECT(consentry_verifier_verify(NULL, typical, typical_len, aud, aud_len, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  CHECK(n == 12345);
  EXPECT(consentry_verifier_verify(verifier, NULL, typical_len, aud, aud_len, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, NULL, aud_len, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, NULL, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, out, sizeof out, NULL, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, out, sizeof out, &n, NULL),
         CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_verify(verifier, typical, SIZE_MAX, aud, aud_len, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, SIZE_MAX, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, typical, SIZE_MAX, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, out, SIZE_MAX, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_verifier_verify(verifier, typical, 0, aud, aud_len, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_CBOR_TRUNCATED);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, 0, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_AUDIENCE_MISMATCH);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, NOT_UTF8, sizeof NOT_UTF8, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, typical, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_CBOR_TRUNCATED); /* an empty status list */
  /* check(): the same argument rules. */
  EXPECT(consentry_verifier_check(verifier, typical, typical_len, aud, aud_len, NOW, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_check(NULL, typical, typical_len, aud, aud_len, NOW, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_check(verifier, NULL, 0, aud, aud_len, NOW, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_check(verifier, typical, typical_len, NULL, 0, NOW, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_check(verifier, typical, SIZE_MAX, aud, aud_len, NOW, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_verifier_check(verifier, typical, typical_len, NOT_UTF8, sizeof NOT_UTF8, NOW, err), CONSENTRY_RESULT_INVALID_UTF8);
}

/* The base64url text entry points: text gives what its bytes give (surrounding whitespace
 * ignored); text that is not base64url is CONSENTRY_RESULT_NOT_BASE64URL, naming the argument,
 * never quoting it, with the output untouched. */
static void test_verify_b64(void) {
  static uint8_t out[16384], out64[16384], msg[512];
  size_t n = 0, n64 = 0, m = 0, list_len;
  const uint8_t *aud = (const uint8_t *)AUD;
  size_t aud_len = strlen(AUD);
  const consentry_taxonomy *tax = NULL;
  const char allow[] = "{\"recipient\": \"tn.health.dept\", \"purpose\": \"abdm:CAREMGT\", "
                       "\"operation\": \"view\", \"fields\": [\"/name\"], \"now\": 1764300000}";
  uint8_t *list = read_file("list-valid.cwt", &list_len);
  uint8_t *full = NULL;
  size_t full_len;
  full = read_file("full_no_list.cose", &full_len);
  char *a64 = b64url_encode(typical, typical_len);
  char *f64 = b64url_encode(full, full_len);
  char *l64 = b64url_encode(list, list_len);
  size_t padded_cap = strlen(a64) + 8;
  char *padded = malloc(padded_cap);
  snprintf(padded, padded_cap, " \n%s\r\n", a64);

  /* Verify: the typical artefact, and the full one with its list, as text and as bytes. */
  EXPECT(consentry_verifier_verify(verifier, typical, typical_len, aud, aud_len, NOW, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_verify_b64(verifier, (const uint8_t *)padded, strlen(padded), aud, aud_len, NOW, NULL, 0,
                                       out64, sizeof out64, &n64, err),
         CONSENTRY_RESULT_OK);
  CHECK(n64 == n && memcmp(out, out64, n + 1) == 0);
  EXPECT(consentry_verifier_verify(verifier, full, full_len, aud, aud_len, NOW, list, list_len, out, sizeof out, &n, err),
         CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_verify_b64(verifier, (const uint8_t *)f64, strlen(f64), aud, aud_len, NOW,
                                       (const uint8_t *)l64, strlen(l64), out64, sizeof out64, &n64, err),
         CONSENTRY_RESULT_OK);
  CHECK(n64 == n && memcmp(out, out64, n + 1) == 0);
  EXPECT(consentry_verifier_check_b64(verifier, (const uint8_t *)padded, strlen(padded), aud, aud_len, NOW, err),
         CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_check_b64(verifier, (const uint8_t *)a64, strlen(a64), aud, aud_len, NOW + 400000000, err),
         CONSENTRY_RESULT_EXPIRED);

  /* Decide: the same decision. */
  EXPECT(consentry_taxonomy_new(NULL, 0, &tax, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S(allow), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_decide_b64(verifier, tax, (const uint8_t *)a64, strlen(a64), S(allow), NULL, 0, out64,
                                       sizeof out64, &n64, err),
         CONSENTRY_RESULT_OK);
  CHECK(n64 == n && memcmp(out, out64, n + 1) == 0 && strstr((char *)out64, "\"allowed\":true") != NULL);
  EXPECT(consentry_verifier_decide(verifier, tax, full, full_len, S(allow), list, list_len, out, sizeof out, &n, err),
         CONSENTRY_RESULT_OK);
  EXPECT(consentry_verifier_decide_b64(verifier, tax, (const uint8_t *)f64, strlen(f64), S(allow),
                                       (const uint8_t *)l64, strlen(l64), out64, sizeof out64, &n64, err),
         CONSENTRY_RESULT_OK);
  CHECK(n64 == n && memcmp(out, out64, n + 1) == 0);

  /* Not base64url: padding, the standard alphabet, a length no encoding has, inner spaces,
   * and an Aadhaar-like number. Each refused, the output untouched, the value never quoted. */
  static const char *const bad[] = {"0oRYQ6MBJwRYINfR==", "0oRY+Q6MB/JwRY", "0oRYQ", "0oRY Q6MB", "2345 6789 0124"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const uint8_t *b = (const uint8_t *)bad[i];
    size_t b_len = strlen(bad[i]);
    memset(out64, 0xAA, sizeof out64);
    n64 = 12345;
    EXPECT(consentry_verifier_check_b64(verifier, b, b_len, aud, aud_len, NOW, err), CONSENTRY_RESULT_NOT_BASE64URL);
    EXPECT(consentry_error_code(err), CONSENTRY_RESULT_NOT_BASE64URL);
    EXPECT(consentry_verifier_verify_b64(verifier, b, b_len, aud, aud_len, NOW, NULL, 0, out64, sizeof out64, &n64, err),
           CONSENTRY_RESULT_NOT_BASE64URL);
    EXPECT(consentry_error_message(err, msg, sizeof msg, &m), CONSENTRY_RESULT_OK);
    CHECK(strstr((char *)msg, "`artefact`") != NULL && strstr((char *)msg, bad[i]) == NULL &&
          strstr((char *)msg, "2345") == NULL);
    EXPECT(consentry_verifier_verify_b64(verifier, (const uint8_t *)f64, strlen(f64), aud, aud_len, NOW, b, b_len,
                                         out64, sizeof out64, &n64, err),
           CONSENTRY_RESULT_NOT_BASE64URL);
    EXPECT(consentry_error_message(err, msg, sizeof msg, &m), CONSENTRY_RESULT_OK);
    CHECK(strstr((char *)msg, "`status_list`") != NULL && strstr((char *)msg, bad[i]) == NULL);
    EXPECT(consentry_verifier_decide_b64(verifier, tax, b, b_len, S(allow), NULL, 0, out64, sizeof out64, &n64, err),
           CONSENTRY_RESULT_NOT_BASE64URL);
    EXPECT(consentry_verifier_decide_b64(verifier, tax, (const uint8_t *)f64, strlen(f64), S(allow), b, b_len, out64,
                                         sizeof out64, &n64, err),
           CONSENTRY_RESULT_NOT_BASE64URL);
    CHECK(n64 == 12345 && out64[0] == 0xAA && out64[sizeof out64 - 1] == 0xAA);
  }
  /* Raw COSE bytes are not text (the text entry points never guess); NULL is NULL. */
  EXPECT(consentry_verifier_check_b64(verifier, typical, typical_len, aud, aud_len, NOW, err),
         CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_verifier_check_b64(verifier, NULL, 0, aud, aud_len, NOW, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_verify_b64(verifier, (const uint8_t *)a64, strlen(a64), aud, aud_len, NOW, NULL, 0, NULL,
                                       0, NULL, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);

  consentry_taxonomy_free(tax);
  free(padded);
  free(a64);
  free(f64);
  free(l64);
  free(full);
  free(list);
}

static void test_issue(void) {
  size_t der_len, n = 0, jwk_len;
  uint8_t *der = read_file("issuer.pkcs8", &der_len);
  uint8_t art[4096], jwk[1024], json[8192];
  const consentry_signing_key *k = (const consentry_signing_key *)0x1;

  EXPECT(consentry_signing_key_new(der, der_len - 1, &k, err), CONSENTRY_RESULT_KEY_PKCS8_INVALID);
  CHECK(k == (const consentry_signing_key *)0x1);
  EXPECT(consentry_signing_key_new(der, 0, &k, err), CONSENTRY_RESULT_KEY_PKCS8_INVALID);
  EXPECT(consentry_signing_key_new(NULL, der_len, &k, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_signing_key_new(der, SIZE_MAX, &k, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_signing_key_new(der, der_len, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_signing_key_new(der, der_len, &key, err), CONSENTRY_RESULT_OK);
  consentry_signing_key_free(NULL);

  EXPECT(consentry_signing_key_public_jwk(key, jwk, sizeof jwk, &jwk_len, err), CONSENTRY_RESULT_OK);
  CHECK(jwk_len == strlen((char *)jwk) && strstr((char *)jwk, "\"kid\"") != NULL);
  EXPECT(consentry_signing_key_public_jwk(NULL, jwk, sizeof jwk, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_signing_key_public_jwk(key, NULL, sizeof jwk, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_signing_key_public_jwk(key, jwk, sizeof jwk, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_signing_key_public_jwk(key, jwk, 3, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == jwk_len + 1);
  /* The public JWK goes straight into a trust store (already there: a no-op). */
  EXPECT(consentry_trust_store_add_jwk(store, jwk, jwk_len, err), CONSENTRY_RESULT_OK);

  EXPECT(consentry_issue(key, S(CLAIMS), NOW, art, sizeof art, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n > 100 && art[0] == 0xd2); /* tag 18 */
  size_t art_len = n;
  EXPECT(consentry_verifier_verify(verifier, art, art_len, S(AUD), NOW + 1, NULL, 0, json, sizeof json, &n, err),
         CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)json, "\"sub\":\"pp-c-abi\"") != NULL);
  EXPECT(consentry_issue(NULL, S(CLAIMS), NOW, art, sizeof art, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_issue(key, NULL, 0, NOW, art, sizeof art, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_issue(key, S(CLAIMS), NOW, NULL, sizeof art, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_issue(key, S(CLAIMS), NOW, art, sizeof art, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_issue(key, (const uint8_t *)CLAIMS, SIZE_MAX, NOW, art, sizeof art, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_issue(key, (const uint8_t *)CLAIMS, 0, NOW, art, sizeof art, &n, err), CONSENTRY_RESULT_CLAIMS_JSON);
  EXPECT(consentry_issue(key, NOT_UTF8, sizeof NOT_UTF8, NOW, art, sizeof art, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_issue(key, S("{\"iss\": \"x\"}"), NOW, art, sizeof art, &n, err), CONSENTRY_RESULT_CLAIMS_JSON);
  EXPECT(consentry_issue(key, S(CLAIMS), NOW, art, 10, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == art_len);
  free(der);
}

static void test_status_lists(void) {
  consentry_status_list *list = (consentry_status_list *)0x1, *back = NULL;
  uint8_t value = 99, enc[1024], token[4096];
  uint64_t len = 0, ttl = 3600;
  int64_t exp = NOW + 86400;
  size_t n = 0;

  EXPECT(consentry_status_list_new(0, 2, &list, err), CONSENTRY_RESULT_STATUS_SIZE_INVALID);
  CHECK(list == (consentry_status_list *)0x1);
  EXPECT(consentry_status_list_new(16, 3, &list, err), CONSENTRY_RESULT_STATUS_BITS_INVALID);
  EXPECT(consentry_status_list_new(UINT64_MAX, 1, &list, err), CONSENTRY_RESULT_STATUS_SIZE_INVALID);
  EXPECT(consentry_status_list_new(16, 2, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_new(16, 2, &list, err), CONSENTRY_RESULT_OK);

  EXPECT(consentry_status_list_set(list, 3, CONSENTRY_STATUS_SUSPENDED, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_status_list_set(list, 5, CONSENTRY_STATUS_INVALID, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_status_list_set(list, 16, 1, err), CONSENTRY_RESULT_STATUS_INDEX_OUT_OF_RANGE);
  EXPECT(consentry_status_list_set(list, 1, 4, err), CONSENTRY_RESULT_STATUS_VALUE_TOO_WIDE);
  EXPECT(consentry_status_list_set(NULL, 1, 1, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_get(list, 3, &value, err), CONSENTRY_RESULT_OK);
  CHECK(value == CONSENTRY_STATUS_SUSPENDED);
  value = 99;
  EXPECT(consentry_status_list_get(list, 16, &value, err), CONSENTRY_RESULT_STATUS_INDEX_OUT_OF_RANGE);
  CHECK(value == 99);
  EXPECT(consentry_status_list_get(NULL, 3, &value, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_get(list, 3, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_len(list, &len, err), CONSENTRY_RESULT_OK);
  CHECK(len == 16);
  EXPECT(consentry_status_list_len(NULL, &len, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_len(list, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);

  EXPECT(consentry_status_list_encode(list, enc, sizeof enc, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n > 4 && enc[0] == 0xa2); /* {bits, lst} */
  EXPECT(consentry_status_list_encode(NULL, enc, sizeof enc, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_encode(list, NULL, sizeof enc, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_encode(list, enc, sizeof enc, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_encode(list, enc, 1, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);

  const char uri[] = "https://cm.tn.gov.in/status/c";
  EXPECT(consentry_status_list_sign(list, key, S(uri), NOW, &exp, &ttl, token, sizeof token, &n, err), CONSENTRY_RESULT_OK);
  size_t token_len = n;
  EXPECT(consentry_status_list_sign(list, key, S(uri), NOW, NULL, NULL, token, sizeof token, &n, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_status_list_sign(list, key, S(uri), NOW, &exp, &ttl, token, sizeof token, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n == token_len);
  EXPECT(consentry_status_list_sign(NULL, key, S(uri), NOW, NULL, NULL, token, sizeof token, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_sign(list, NULL, S(uri), NOW, NULL, NULL, token, sizeof token, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_sign(list, key, NULL, 0, NOW, NULL, NULL, token, sizeof token, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_sign(list, key, NOT_UTF8, sizeof NOT_UTF8, NOW, NULL, NULL, token, sizeof token, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_status_list_sign(list, key, (const uint8_t *)uri, 0, NOW, NULL, NULL, token, sizeof token, &n, err), CONSENTRY_RESULT_CLAIM_INVALID);
  EXPECT(consentry_status_list_sign(list, key, S(uri), NOW, NULL, NULL, NULL, sizeof token, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_sign(list, key, S(uri), NOW, NULL, NULL, token, sizeof token, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);

  /* Read it back through the verifier's trust store. */
  EXPECT(consentry_status_list_from_token(verifier, token, token_len, NOW, &back, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_status_list_get(back, 3, &value, err), CONSENTRY_RESULT_OK);
  CHECK(value == CONSENTRY_STATUS_SUSPENDED);
  EXPECT(consentry_status_list_get(back, 5, &value, err), CONSENTRY_RESULT_OK);
  CHECK(value == CONSENTRY_STATUS_INVALID);
  consentry_status_list_free(back);
  back = NULL;
  token[token_len - 1] ^= 1;
  EXPECT(consentry_status_list_from_token(verifier, token, token_len, NOW, &back, err), CONSENTRY_RESULT_SIGNATURE_INVALID);
  CHECK(back == NULL);
  EXPECT(consentry_status_list_from_token(NULL, token, token_len, NOW, &back, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_from_token(verifier, NULL, 0, NOW, &back, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_from_token(verifier, token, 0, NOW, &back, err), CONSENTRY_RESULT_CBOR_TRUNCATED);
  EXPECT(consentry_status_list_from_token(verifier, token, SIZE_MAX, NOW, &back, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_status_list_from_token(verifier, token, token_len, NOW, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  consentry_status_list_free(list);
  consentry_status_list_free(NULL);
}

/* Issue 13: a status list speaks only for its own issuer's artefacts (another trusted issuer's
 * list at the artefact's URI can neither un-revoke nor revoke it), verification with a list
 * fails closed, and a list handle exposes its freshness, sub and kid. */
static void test_status_list_trust(void) {
  static const struct {
    const char *artefact, *list;
    consentry_result want;
  } attacks[] = {
      {"full_list_other_issuer_valid.cose", "list-other_issuer_valid.cwt", CONSENTRY_RESULT_STATUS_LIST_FOREIGN},
      {"full_list_other_issuer_revoked.cose", "list-other_issuer_revoked.cwt", CONSENTRY_RESULT_STATUS_LIST_FOREIGN},
      {"full_list_stale.cose", "list-stale.cwt", CONSENTRY_RESULT_STATUS_LIST_STALE},
      {"full_list_stale_revoked.cose", "list-stale_revoked.cwt", CONSENTRY_RESULT_REVOKED},
      {"full_list_other_uri.cose", "list-other_uri.cwt", CONSENTRY_RESULT_STATUS_LIST_OTHER_URI},
      {"full_list_value_3.cose", "list-value_3.cwt", CONSENTRY_RESULT_STATUS_VALUE_UNKNOWN},
      {"full_list_valid.cose", "list-valid.cwt", CONSENTRY_RESULT_OK},
  };
  static uint8_t out[16384];
  size_t n = 0;
  for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
    size_t art_len, list_len;
    uint8_t *art = read_file(attacks[i].artefact, &art_len);
    uint8_t *lst = read_file(attacks[i].list, &list_len);
    EXPECT(consentry_verifier_verify(verifier, art, art_len, S(AUD), NOW, lst, list_len, out, sizeof out, &n, err),
           attacks[i].want);
    free(art);
    free(lst);
  }

  /* Opting in through the JSON entry point: the foreign list is reported as not checked. */
  {
    size_t art_len, list_len, jwks_len;
    uint8_t *art = read_file("full_list_other_issuer_revoked.cose", &art_len);
    uint8_t *lst = read_file("list-other_issuer_revoked.cwt", &list_len);
    char *jwks = (char *)read_file("trust.jwks.json", &jwks_len);
    char *a64 = b64url_encode(art, art_len), *l64 = b64url_encode(lst, list_len);
    size_t cap = strlen(a64) + strlen(l64) + jwks_len + 512;
    char *req = malloc(cap);
    snprintf(req, cap,
             "{\"artefact\": \"%s\", \"trust\": %s, \"audience\": \"%s\", \"now\": %" PRId64
             ", \"statusList\": \"%s\", \"acceptUnknownStatus\": true}",
             a64, jwks, AUD, NOW, l64);
    EXPECT(consentry_call_json(S("verify"), (const uint8_t *)req, strlen(req), out, sizeof out, &n, err),
           CONSENTRY_RESULT_OK);
    CHECK(strstr((char *)out, "\"reason\":\"foreign_list\"") != NULL);
    CHECK(strstr((char *)out, "\"state\":\"not_checked\"") != NULL);
    free(req);
    free(a64);
    free(l64);
    free(jwks);
    free(art);
    free(lst);
  }

  /* Freshness, sub and kid of a list read from a token. */
  consentry_status_list *fresh = NULL, *stale = NULL, *other = NULL, *made = NULL;
  const char *names[] = {"list-valid.cwt", "list-stale.cwt", "list-other_issuer_valid.cwt"};
  consentry_status_list **lists[] = {&fresh, &stale, &other};
  for (int i = 0; i < 3; i++) {
    size_t len;
    uint8_t *tok = read_file(names[i], &len);
    EXPECT(consentry_status_list_from_token(verifier, tok, len, NOW, lists[i], err), CONSENTRY_RESULT_OK);
    free(tok);
  }
  uint8_t state = 99;
  int64_t at = 1;
  EXPECT(consentry_status_list_freshness(fresh, &state, &at, err), CONSENTRY_RESULT_OK);
  CHECK(state == CONSENTRY_STATUS_LIST_FRESH && at == 0);
  EXPECT(consentry_status_list_freshness(stale, &state, &at, err), CONSENTRY_RESULT_OK);
  CHECK(state == CONSENTRY_STATUS_LIST_STALE && at == NOW - 3600);
  EXPECT(consentry_status_list_freshness(stale, &state, NULL, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_status_list_freshness(NULL, &state, &at, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_freshness(fresh, NULL, &at, err), CONSENTRY_RESULT_NULL_ARGUMENT);

  char sub[128];
  EXPECT(consentry_status_list_sub(fresh, (uint8_t *)sub, sizeof sub, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp(sub, "https://cm.tn.gov.in/status/1") == 0 && n == strlen(sub));
  EXPECT(consentry_status_list_sub(fresh, (uint8_t *)sub, 4, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == strlen("https://cm.tn.gov.in/status/1") + 1);
  EXPECT(consentry_status_list_sub(NULL, (uint8_t *)sub, sizeof sub, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_sub(fresh, NULL, sizeof sub, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_sub(fresh, (uint8_t *)sub, sizeof sub, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);

  uint8_t kid_a[64], kid_b[64];
  size_t na = 0, nb = 0;
  EXPECT(consentry_status_list_kid(fresh, kid_a, sizeof kid_a, &na, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_status_list_kid(other, kid_b, sizeof kid_b, &nb, err), CONSENTRY_RESULT_OK);
  CHECK(na > 0 && nb > 0 && (na != nb || memcmp(kid_a, kid_b, na) != 0));
  EXPECT(consentry_status_list_kid(NULL, kid_a, sizeof kid_a, &na, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_status_list_kid(fresh, kid_a, 1, &na, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);

  /* A list made here has no token, hence no freshness, sub or kid. */
  EXPECT(consentry_status_list_new(16, 2, &made, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_status_list_freshness(made, &state, &at, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_status_list_sub(made, (uint8_t *)sub, sizeof sub, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_status_list_kid(made, kid_a, sizeof kid_a, &na, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  consentry_status_list_free(fresh);
  consentry_status_list_free(stale);
  consentry_status_list_free(other);
  consentry_status_list_free(made);
}

static void test_call_json(void) {
  size_t der_len, n = 0;
  uint8_t *der = read_file("issuer.pkcs8", &der_len);
  char *p64 = b64url_encode(der, der_len);
  char req[512];
  uint8_t out[4096];
  snprintf(req, sizeof req, "{\"pkcs8\": \"%s\"}", p64);
  EXPECT(consentry_call_json(S("keyPublic"), (const uint8_t *)req, strlen(req), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)out, "\"ok\":true") != NULL && strstr((char *)out, "\"kty\":\"OKP\"") != NULL);
  n = 0;
  EXPECT(consentry_call_json(S("noSuchOp"), S("{}"), out, sizeof out, &n, err), CONSENTRY_RESULT_REQUEST_INVALID);
  CHECK(n > 0 && strstr((char *)out, "\"request_invalid\"") != NULL); /* the envelope is written */
  EXPECT(consentry_error_code(err), CONSENTRY_RESULT_REQUEST_INVALID);
  EXPECT(consentry_call_json(S("verify"), S("{\"artefact\": 1}"), out, sizeof out, &n, err), CONSENTRY_RESULT_REQUEST_INVALID);
  EXPECT(consentry_call_json(S("inspect"), S("{\"artefact\": \"AAAA\"}"), out, sizeof out, &n, err), CONSENTRY_RESULT_COSE_STRUCTURE);
  EXPECT(consentry_call_json(S("inspect"), S(""), out, sizeof out, &n, err), CONSENTRY_RESULT_REQUEST_INVALID);
  EXPECT(consentry_call_json(NULL, 0, S("{}"), out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_call_json(S("verify"), NULL, 0, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_call_json(S("verify"), S("{}"), NULL, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_call_json(S("verify"), S("{}"), out, sizeof out, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_call_json(NOT_UTF8, sizeof NOT_UTF8, S("{}"), out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_call_json(S("verify"), NOT_UTF8, sizeof NOT_UTF8, out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_call_json(S("verify"), (const uint8_t *)"{}", SIZE_MAX, out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_call_json(S("keyPublic"), (const uint8_t *)req, strlen(req), out, 8, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n > 8);
  free(p64);
  free(der);
}

/* Decisions through a taxonomy handle, and the same decision through consentry_call_json. */
static void test_decide(void) {
  const consentry_taxonomy *tax = (const consentry_taxonomy *)0x1;
  static uint8_t out[16384], env[65536];
  size_t n = 0, m = 0, jwks_len;
  char *jwks = (char *)read_file("trust.jwks.json", &jwks_len);
  const char allow[] = "{\"recipient\": \"tn.health.dept\", \"purpose\": \"abdm:CAREMGT\", "
                       "\"operation\": \"view\", \"fields\": [\"/name\"], \"now\": 1764300000}";
  const char deny[] = "{\"recipient\": \"tn.health.dept\", \"purpose\": \"abdm:CAREMGT\", "
                      "\"operation\": \"view\", \"fields\": [\"/salary\"], \"now\": 1764300000}";

  EXPECT(consentry_taxonomy_new(S("{"), &tax, err), CONSENTRY_RESULT_TAXONOMY_JSON);
  CHECK(tax == (const consentry_taxonomy *)0x1);
  EXPECT(consentry_taxonomy_new(NOT_UTF8, sizeof NOT_UTF8, &tax, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_taxonomy_new((const uint8_t *)"{", SIZE_MAX, &tax, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_taxonomy_new(NULL, 0, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_taxonomy_new(NULL, 0, &tax, err), CONSENTRY_RESULT_OK);
  consentry_taxonomy_free(NULL);

  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S(allow), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)out, "\"allowed\":true") != NULL);
  /* The JSON entry point gives the same decision. */
  char *a64 = b64url_encode(typical, typical_len);
  size_t cap = strlen(a64) + jwks_len + sizeof allow + 128;
  char *req = malloc(cap);
  snprintf(req, cap, "{\"artefact\": \"%s\", \"trust\": %s, \"request\": %s}", a64, jwks, allow);
  EXPECT(consentry_call_json(S("decide"), (const uint8_t *)req, strlen(req), env, sizeof env, &m, err), CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)env, (char *)out) != NULL);
  /* A denial is a value, not an error. */
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S(deny), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)out, "\"allowed\":false") != NULL && strstr((char *)out, "\"reasons\"") != NULL);
  snprintf(req, cap, "{\"artefact\": \"%s\", \"trust\": %s, \"request\": %s}", a64, jwks, deny);
  EXPECT(consentry_call_json(S("decide"), (const uint8_t *)req, strlen(req), env, sizeof env, &m, err), CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)env, (char *)out) != NULL);
  /* Errors: authentication, request, arguments. */
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len - 1, S(allow), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_CBOR_TRUNCATED);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S("{}"), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_REQUEST_INVALID);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, NOT_UTF8, sizeof NOT_UTF8, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_verifier_decide(NULL, tax, typical, typical_len, S(allow), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_decide(verifier, NULL, typical, typical_len, S(allow), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_decide(verifier, tax, NULL, 0, S(allow), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, NULL, 0, NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S(allow), NULL, 0, NULL, 5, &n, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S(allow), NULL, 0, out, sizeof out, NULL, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, SIZE_MAX, S(allow), NULL, 0, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S(allow), NULL, 0, out, 4, &n, err),
         CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  /* Over the cap (4096 selectors): refused with its code, never decided. */
  {
    size_t big_cap = 4097 * 12 + 256;
    char *big = malloc(big_cap);
    size_t at = (size_t)snprintf(big, big_cap, "{\"recipient\": \"tn.health.dept\", \"purpose\": \"abdm:CAREMGT\", "
                                                "\"operation\": \"view\", \"now\": 1764300000, \"fields\": [");
    for (int i = 0; i < 4097; i++) at += (size_t)snprintf(big + at, big_cap - at, "%s\"/f%d\"", i ? "," : "", i);
    snprintf(big + at, big_cap - at, "]}");
    EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, (const uint8_t *)big, strlen(big), NULL, 0, out, sizeof out, &n, err),
           CONSENTRY_RESULT_REQUEST_TOO_LARGE);
    free(big);
  }
  /* Caller taxonomies cannot widen consent: no shipped parent or prefix, no legitimate use
   * without the flag. */
  {
    const consentry_taxonomy *t2 = NULL;
    EXPECT(consentry_taxonomy_new(S("{\"version\":1,\"pack\":\"fid\",\"purposes\":[{\"code\":\"fid:ads\","
                                    "\"parent\":\"aa:101\",\"name\":\"Ads\"}]}"), &t2, err),
           CONSENTRY_RESULT_TAXONOMY_SHIPPED_PARENT);
    EXPECT(consentry_taxonomy_new(S("{\"version\":1,\"pack\":\"mine\",\"purposes\":[{\"code\":\"aa:106\","
                                    "\"name\":\"More\"}]}"), &t2, err),
           CONSENTRY_RESULT_TAXONOMY_SHIPPED_PREFIX);
    const char lu[] = "{\"version\":1,\"pack\":\"mine\",\"purposes\":[{\"code\":\"mine:lu\",\"name\":\"Ours\","
                      "\"legitimate_use\":true}]}";
    EXPECT(consentry_taxonomy_new(S(lu), &t2, err), CONSENTRY_RESULT_TAXONOMY_LEGITIMATE_USE_NOT_ALLOWED);
    EXPECT(consentry_taxonomy_new_with(S(lu), 0, &t2, err), CONSENTRY_RESULT_TAXONOMY_LEGITIMATE_USE_NOT_ALLOWED);
    EXPECT(consentry_taxonomy_new_with(S(lu), 2, &t2, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
    EXPECT(consentry_taxonomy_new_with(S(lu), CONSENTRY_TAXONOMY_ALLOW_LEGITIMATE_USES, &t2, err), CONSENTRY_RESULT_OK);
    consentry_taxonomy_free(t2);
  }
  /* A secret of the wrong type in the request is never quoted in the error. */
  {
    const char secret[] = "{\"recipient\": \"tn.health.dept\", \"purpose\": \"abdm:CAREMGT\", "
                          "\"operation\": \"Asha Devi\", \"fields\": [234567890124], \"now\": 1764300000}";
    static uint8_t msg[1024];
    size_t k = 0;
    EXPECT(consentry_verifier_decide(verifier, tax, typical, typical_len, S(secret), NULL, 0, out, sizeof out, &n, err),
           CONSENTRY_RESULT_REQUEST_INVALID);
    CHECK(consentry_error_message(err, msg, sizeof msg, &k) == CONSENTRY_RESULT_OK);
    CHECK(strstr((char *)msg, "Asha") == NULL && strstr((char *)msg, "234567890124") == NULL);
  }
  free(req);
  free(a64);
  free(jwks);
  consentry_taxonomy_free(tax);
}

/* Pseudonymisation: a pseudonymiser handle per value, per JSON record and per CSV line; the same
 * outputs as consentry_call_json's `pseudonymise`. */
static const char POLICY[] =
    "{\"domain\": \"tn.health/research-2026\", \"unlisted\": \"keep\", \"fields\": {"
    "\"name\": {\"type\": \"name\", \"transform\": \"pseudonym\"},"
    "\"aadhaar\": {\"type\": \"aadhaar\", \"transform\": \"ff1\"},"
    "\"ref\": {\"type\": \"aadhaar\", \"transform\": \"token\"},"
    "\"mobile\": {\"type\": \"mobile\", \"transform\": \"mask\", \"params\": {\"preset\": \"mobile\"}},"
    "\"visit\": {\"type\": \"date\", \"transform\": \"shift\", \"params\": {\"max_days\": 30, \"subject\": \"name\"}},"
    "\"notes\": {\"type\": \"text\", \"transform\": \"drop\"}}}";
static const char MASTER_HEX[] = "b321bf4ca74d65160f6caea6a8455ce4090da3ed66b778fb97b9896176e30ef8";
static uint8_t master[CONSENTRY_MASTER_KEY_LEN];

/* The `value` of consentry_call_json's pseudonymise for one field, into `out`. */
static void json_value(const char *field, const char *value, int reverse, char *out, size_t cap) {
  static char req[4096];
  static uint8_t env[4096];
  size_t n = 0;
  snprintf(req, sizeof req, "{\"policy\": %s, \"masterKey\": \"%s\", \"field\": \"%s\", \"value\": \"%s\"%s}", POLICY,
           MASTER_HEX, field, value, reverse ? ", \"reverse\": true" : "");
  EXPECT(consentry_call_json(S("pseudonymise"), (const uint8_t *)req, strlen(req), env, sizeof env, &n, err),
         CONSENTRY_RESULT_OK);
  const char *v = strstr((char *)env, "\"value\":\"");
  out[0] = 0;
  if (v) snprintf(out, cap, "%.*s", (int)(strchr(v + 9, '"') - (v + 9)), v + 9);
}

static void test_pseudonymiser(void) {
  const consentry_pseudonymiser *ps = (const consentry_pseudonymiser *)0x1;
  uint8_t out[1024];
  char want[256];
  size_t n = 0;
  bool dropped = true;
  for (size_t i = 0; i < sizeof master; i++) {
    unsigned b = 0;
    sscanf(MASTER_HEX + 2 * i, "%2x", &b);
    master[i] = (uint8_t)b;
  }
  /* new: errors leave *out alone */
  EXPECT(consentry_pseudonymiser_new(S("{"), master, sizeof master, &ps, err), CONSENTRY_RESULT_POLICY_MALFORMED);
  CHECK(ps == (const consentry_pseudonymiser *)0x1);
  EXPECT(consentry_pseudonymiser_new(S(POLICY), master, 31, &ps, err), CONSENTRY_RESULT_PSEUDO_INVALID_KEY);
  EXPECT(consentry_pseudonymiser_new(S(POLICY), master, 0, &ps, err), CONSENTRY_RESULT_PSEUDO_INVALID_KEY);
  EXPECT(consentry_pseudonymiser_new(S(POLICY), master, SIZE_MAX, &ps, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_pseudonymiser_new((const uint8_t *)POLICY, SIZE_MAX, master, sizeof master, &ps, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_pseudonymiser_new(NOT_UTF8, sizeof NOT_UTF8, master, sizeof master, &ps, err),
         CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_pseudonymiser_new(NULL, 0, master, sizeof master, &ps, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_new(S(POLICY), NULL, 32, &ps, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_new(S(POLICY), master, sizeof master, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_new(S("{\"domain\": \"\", \"fields\": {}, \"unlisted\": \"keep\"}"), master, sizeof master, &ps, NULL),
         CONSENTRY_RESULT_POLICY_EMPTY_DOMAIN);
  CHECK(ps == (const consentry_pseudonymiser *)0x1);
  /* a weak master key (all zero, all one byte) is refused */
  {
    uint8_t weak[CONSENTRY_MASTER_KEY_LEN];
    memset(weak, 0, sizeof weak);
    EXPECT(consentry_pseudonymiser_new(S(POLICY), weak, sizeof weak, &ps, err), CONSENTRY_RESULT_MASTER_KEY_WEAK);
    memset(weak, 0xa5, sizeof weak);
    EXPECT(consentry_pseudonymiser_new(S(POLICY), weak, sizeof weak, &ps, err), CONSENTRY_RESULT_MASTER_KEY_WEAK);
    CHECK(ps == (const consentry_pseudonymiser *)0x1);
  }
  EXPECT(consentry_pseudonymiser_new(S(POLICY), master, sizeof master, &ps, err), CONSENTRY_RESULT_OK);
  consentry_pseudonymiser_free(NULL);

  /* value: the JSON interface's outputs; forward and reverse */
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), S("Arun  K"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_OK);
  json_value("name", "Arun  K", 0, want, sizeof want);
  CHECK(!dropped && n == 26 && strcmp((char *)out, want) == 0);
  EXPECT(consentry_pseudonymiser_value(ps, S("/name"), S("Arun K"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_OK); /* `/x` reaches a one-step key `x` */
  CHECK(strcmp((char *)out, want) == 0);
  EXPECT(consentry_pseudonymiser_value(ps, S("aadhaar"), S("2345 6789 0124"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_OK);
  json_value("aadhaar", "2345 6789 0124", 0, want, sizeof want);
  CHECK(n == 12 && strcmp((char *)out, want) == 0);
  char ff1[32];
  snprintf(ff1, sizeof ff1, "%.31s", (char *)out);
  EXPECT(consentry_pseudonymiser_value(ps, S("aadhaar"), (const uint8_t *)ff1, strlen(ff1), true, out, sizeof out, &n,
                                       &dropped, err),
         CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "234567890124") == 0 && !dropped);
  EXPECT(consentry_pseudonymiser_value(ps, S("ref"), S("234567890124"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_OK);
  CHECK(strncmp((char *)out, "t1.", 3) == 0);
  char token[128];
  snprintf(token, sizeof token, "%.127s", (char *)out);
  json_value("ref", token, 1, want, sizeof want);
  CHECK(strcmp(want, "234567890124") == 0);
  EXPECT(consentry_pseudonymiser_value(ps, S("ref"), (const uint8_t *)token, strlen(token), true, out, sizeof out, &n,
                                       &dropped, err),
         CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "234567890124") == 0);
  EXPECT(consentry_pseudonymiser_value(ps, S("mobile"), S("+91 98765 43210"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "XXXXXX3210") == 0);
  /* a dropped field: OK, empty, *out_dropped true; it needs one byte (the NUL) */
  dropped = false;
  n = 99;
  EXPECT(consentry_pseudonymiser_value(ps, S("notes"), S("secret"), false, NULL, 0, &n, &dropped, err),
         CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 1 && !dropped);
  out[0] = 'x';
  EXPECT(consentry_pseudonymiser_value(ps, S("notes"), S("secret"), false, out, 1, &n, &dropped, err), CONSENTRY_RESULT_OK);
  CHECK(dropped && n == 0 && out[0] == 0);
  /* errors: value never echoed */
  EXPECT(consentry_pseudonymiser_value(ps, S("aadhaar"), S("234567890123"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_PSEUDO_INVALID_VALUE);
  EXPECT(consentry_error_message(err, out, sizeof out, &n), CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)out, "aadhaar") != NULL && strstr((char *)out, "234567890123") == NULL);
  EXPECT(consentry_pseudonymiser_value(ps, S("nope"), S("x"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_PSEUDO_UNKNOWN_FIELD);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), S("x"), true, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_PSEUDO_NOT_REVERSIBLE);
  EXPECT(consentry_pseudonymiser_value(ps, S("ref"), S("t1.AAAA"), true, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_PSEUDO_INVALID_TOKEN);
  EXPECT(consentry_pseudonymiser_value(ps, S("visit"), S("2026-01-01"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_PSEUDO_SUBJECT_REQUIRED);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), S("Arun K"), false, out, 4, &n, &dropped, err),
         CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 27);
  EXPECT(consentry_pseudonymiser_value(NULL, S("name"), S("x"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_value(ps, NULL, 0, S("x"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), NULL, 0, false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), S("x"), false, NULL, 5, &n, &dropped, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), S("x"), false, out, sizeof out, NULL, &dropped, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), S("x"), false, out, sizeof out, &n, NULL, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_value(ps, NOT_UTF8, sizeof NOT_UTF8, S("x"), false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), NOT_UTF8, sizeof NOT_UTF8, false, out, sizeof out, &n, &dropped, err),
         CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), (const uint8_t *)"x", SIZE_MAX, false, out, sizeof out, &n, &dropped,
                                       err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_pseudonymiser_value(ps, S("name"), S("x"), false, out, SIZE_MAX, &n, &dropped, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);

  /* key check: the record a reversal compares first; another key or domain is refused */
  EXPECT(consentry_pseudonymiser_key_check(ps, out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n == strlen((char *)out) && strstr((char *)out, "\"domain\":\"tn.health/research-2026\"") != NULL &&
        strstr((char *)out, "\"kcv\":\"") != NULL && strstr((char *)out, MASTER_HEX) == NULL);
  EXPECT(consentry_pseudonymiser_check_key(ps, out, n, err), CONSENTRY_RESULT_OK);
  {
    uint8_t other_key[CONSENTRY_MASTER_KEY_LEN] = {1};
    const consentry_pseudonymiser *other = NULL;
    EXPECT(consentry_pseudonymiser_new(S(POLICY), other_key, sizeof other_key, &other, err), CONSENTRY_RESULT_OK);
    EXPECT(consentry_pseudonymiser_check_key(other, out, n, err), CONSENTRY_RESULT_PSEUDO_KEY_CHECK_MISMATCH);
    consentry_pseudonymiser_free(other);
  }
  EXPECT(consentry_pseudonymiser_check_key(ps, S("{\"v\":1}"), err), CONSENTRY_RESULT_PSEUDO_KEY_CHECK_MALFORMED);
  EXPECT(consentry_pseudonymiser_check_key(NULL, out, n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_check_key(ps, NULL, 0, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_key_check(ps, out, 4, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  EXPECT(consentry_pseudonymiser_key_check(NULL, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);

  /* record: the JSON interface's record */
  const char rec[] = "{\"name\": \"Arun K\", \"aadhaar\": \"234567890124\", \"visit\": \"2026-05-18\", "
                     "\"notes\": \"x\", \"ward\": 7}";
  static uint8_t env[8192], rout[4096];
  static char req[8192];
  size_t m = 0;
  EXPECT(consentry_pseudonymiser_record(ps, S(rec), false, rout, sizeof rout, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n == strlen((char *)rout) && strstr((char *)rout, "\"notes\"") == NULL && strstr((char *)rout, "\"ward\":7") != NULL);
  snprintf(req, sizeof req, "{\"policy\": %s, \"masterKey\": \"%s\", \"record\": %s}", POLICY, MASTER_HEX, rec);
  EXPECT(consentry_call_json(S("pseudonymise"), (const uint8_t *)req, strlen(req), env, sizeof env, &m, err),
         CONSENTRY_RESULT_OK);
  static char want_env[8192];
  snprintf(want_env, sizeof want_env, "{\"ok\":true,\"result\":{\"record\":%.4095s}}", (char *)rout);
  CHECK(strcmp((char *)env, want_env) == 0);
  EXPECT(consentry_pseudonymiser_record(ps, rout, n, true, out, sizeof out, &m, err), CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)out, "\"aadhaar\":\"234567890124\"") != NULL);
  EXPECT(consentry_pseudonymiser_record(ps, S("{\"a\":"), false, out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_pseudonymiser_record(ps, S(""), false, out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_pseudonymiser_record(ps, S("{\"aadhaar\": \"1\"}"), false, out, sizeof out, &n, err),
         CONSENTRY_RESULT_PSEUDO_INVALID_VALUE);
  EXPECT(consentry_pseudonymiser_record(ps, S("{\"visit\": \"2026-05-18\"}"), false, out, sizeof out, &n, err),
         CONSENTRY_RESULT_PSEUDO_MISSING_SUBJECT);
  EXPECT(consentry_pseudonymiser_record(ps, S(rec), false, out, 3, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == strlen((char *)rout) + 1);
  EXPECT(consentry_pseudonymiser_record(NULL, S(rec), false, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_record(ps, NULL, 0, false, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_record(ps, S(rec), false, NULL, 5, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_record(ps, S(rec), false, out, sizeof out, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_pseudonymiser_record(ps, NOT_UTF8, sizeof NOT_UTF8, false, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_pseudonymiser_record(ps, (const uint8_t *)rec, SIZE_MAX, false, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);

  /* CSV: header, rows (quoted, CRLF, blank), reverse; the plan outlives the pseudonymiser */
  const consentry_csv_plan *plan = (const consentry_csv_plan *)0x1, *back = NULL;
  EXPECT(consentry_csv_plan_new(ps, S("name,name\n"), false, &plan, err), CONSENTRY_RESULT_PSEUDO_DUPLICATE_COLUMN);
  CHECK(plan == (const consentry_csv_plan *)0x1);
  EXPECT(consentry_csv_plan_new(ps, S("\n"), false, &plan, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_csv_plan_new(ps, S("a,\"b\n"), false, &plan, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_csv_plan_new(ps, S("a\nb\n"), false, &plan, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_csv_plan_new(ps, S("visit\n"), false, &plan, err), CONSENTRY_RESULT_PSEUDO_MISSING_SUBJECT);
  /* a near miss of a policy key (unlisted columns kept) would pass its values through: refused */
  EXPECT(consentry_csv_plan_new(ps, S("Aadhaar,ward\n"), false, &plan, err), CONSENTRY_RESULT_PSEUDO_COLUMN_NEAR_MISS);
  EXPECT(consentry_csv_plan_new(ps, S("\"aad\xe2\x80\x8bhaar\",ward\n"), false, &plan, err),
         CONSENTRY_RESULT_PSEUDO_COLUMN_NEAR_MISS);
  CHECK(plan == (const consentry_csv_plan *)0x1);
  EXPECT(consentry_csv_plan_new(NULL, S("a"), false, &plan, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_new(ps, NULL, 0, false, &plan, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_new(ps, S("a"), false, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_new(ps, NOT_UTF8, sizeof NOT_UTF8, false, &plan, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_csv_plan_new(ps, (const uint8_t *)"a", SIZE_MAX, false, &plan, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_csv_plan_new(ps, S("name,aadhaar,notes,\"wa,rd\"\r\n"), false, &plan, err), CONSENTRY_RESULT_OK);
  consentry_csv_plan_free(NULL);
  consentry_pseudonymiser_free(ps); /* the plan keeps it alive */
  ps = NULL;
  EXPECT(consentry_csv_plan_header(plan, NULL, 0, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == strlen("name,aadhaar,\"wa,rd\"\n") + 1);
  EXPECT(consentry_csv_plan_header(plan, out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "name,aadhaar,\"wa,rd\"\n") == 0);
  EXPECT(consentry_csv_plan_header(NULL, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_header(plan, out, sizeof out, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_header(plan, NULL, 3, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, S("\"Arun K\",2345 6789 0124,\"se,cret\",\"W \"\"1\"\"\nb\"\r\n"), out, sizeof out, &n,
                                err),
         CONSENTRY_RESULT_OK);
  json_value("name", "Arun K", 0, want, sizeof want);
  char line[1024];
  snprintf(line, sizeof line, "%s,%s,\"W \"\"1\"\"\nb\"\n", want, ff1);
  CHECK(strcmp((char *)out, line) == 0 && n == strlen(line));
  EXPECT(consentry_csv_plan_row(plan, S("\r\n"), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n == 0 && out[0] == 0); /* blank line: nothing to write */
  EXPECT(consentry_csv_plan_row(plan, S(",,,"), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, ",,\n") == 0);
  EXPECT(consentry_csv_plan_row(plan, S("a,,c,5\" screen\n"), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)out, ",\"5\"\" screen\"\n") != NULL); /* a literal quote, written quoted */
  EXPECT(consentry_csv_plan_row(plan, S("a,,c,\"x\"\"\n"), out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, S("a,b"), out, sizeof out, &n, err), CONSENTRY_RESULT_PSEUDO_ROW_LENGTH);
  EXPECT(consentry_csv_plan_row(plan, S("a,234567890123,c,d"), out, sizeof out, &n, err), CONSENTRY_RESULT_PSEUDO_INVALID_VALUE);
  EXPECT(consentry_csv_plan_row(plan, S("a,b,c,\"d"), out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, S("a,,c,d\na,,c,d\n"), out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, S("a,,c,d"), out, 2, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 26 + 4 + 1);
  EXPECT(consentry_csv_plan_row(NULL, S("a,,c,d"), out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, NULL, 0, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, S("a,,c,d"), NULL, 5, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, S("a,,c,d"), out, sizeof out, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_csv_plan_row(plan, NOT_UTF8, sizeof NOT_UTF8, out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_csv_plan_row(plan, (const uint8_t *)"a", SIZE_MAX, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
  /* reverse: a plan over the pseudonymised header restores the ff1 column */
  EXPECT(consentry_pseudonymiser_new(S(POLICY), master, sizeof master, &ps, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_csv_plan_new(ps, S("name,aadhaar,\"wa,rd\"\n"), true, &back, err), CONSENTRY_RESULT_OK);
  snprintf(line, sizeof line, "%s,%s,x\n", want, ff1);
  EXPECT(consentry_csv_plan_row(back, (const uint8_t *)line, strlen(line), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  snprintf(line, sizeof line, "%s,234567890124,x\n", want);
  CHECK(strcmp((char *)out, line) == 0);
  EXPECT(consentry_csv_plan_header(back, out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "name,aadhaar,\"wa,rd\"\n") == 0);
  consentry_csv_plan_free(back);
  consentry_csv_plan_free(plan);
  consentry_pseudonymiser_free(ps);
}

/* A 16,384-column CSV: the header is planned once (a hash lookup per column) and every row reuses
 * the plan; each row's cells land where they belong, forward and reversed. No timing here: the
 * cost is measured by `cargo bench -p consentry --bench pseudo -- csv_plan_16k`. */
static void test_csv_wide(void) {
  enum { COLS = 16384, ROWS = 8 };
  static const char WIDE_POLICY[] =
      "{\"domain\": \"wide\", \"unlisted\": \"keep\", \"fields\": {"
      "\"c7\": {\"type\": \"aadhaar\", \"transform\": \"ff1\"},"
      "\"c16383\": {\"type\": \"mobile\", \"transform\": \"token\"},"
      "\"c3\": {\"type\": \"text\", \"transform\": \"drop\"}}}";
  const size_t cap = (size_t)COLS * 16 + 256;
  char *line = malloc(cap), *back_line = malloc(cap);
  uint8_t *out = malloc(cap), *back = malloc(cap);
  CHECK(line && back_line && out && back);
  if (!line || !back_line || !out || !back) return;
  const consentry_pseudonymiser *ps = NULL;
  const consentry_csv_plan *plan = NULL, *rev = NULL;
  size_t n = 0, m = 0, len = 0;
  EXPECT(consentry_pseudonymiser_new(S(WIDE_POLICY), master, sizeof master, &ps, err), CONSENTRY_RESULT_OK);
  for (int i = 0; i < COLS; i++) len += (size_t)snprintf(line + len, cap - len, i ? ",c%d" : "c%d", i);
  EXPECT(consentry_csv_plan_new(ps, (const uint8_t *)line, len, false, &plan, err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_csv_plan_header(plan, out, cap, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strncmp((char *)out, "c0,c1,c2,c4,c5,c6,c7,c8,", 24) == 0);
  EXPECT(consentry_csv_plan_new(ps, out, n, true, &rev, err), CONSENTRY_RESULT_OK);
  int good = 0;
  for (int r = 0; r < ROWS; r++) {
    len = 0;
    for (int i = 0; i < COLS; i++) {
      const char *sep = i ? "," : "";
      if (i == 7)
        len += (size_t)snprintf(line + len, cap - len, "%s234567890124", sep);
      else if (i == COLS - 1)
        len += (size_t)snprintf(line + len, cap - len, "%s98765%05d", sep, r);
      else
        len += (size_t)snprintf(line + len, cap - len, "%sr%dc%d", sep, r, i);
    }
    EXPECT(consentry_csv_plan_row(plan, (const uint8_t *)line, len, out, cap, &n, err), CONSENTRY_RESULT_OK);
    /* cells: c3 dropped, c7 an ff1 token (not the number), the last a token, the rest as they were */
    int commas = 0;
    for (size_t k = 0; k < n; k++) commas += out[k] == ',';
    char want[64];
    snprintf(want, sizeof want, "r%dc0,r%dc1,r%dc2,r%dc4,r%dc5,r%dc6,", r, r, r, r, r, r);
    const char *tail = strrchr((char *)out, ',');
    int ok = commas == COLS - 2 && strncmp((char *)out, want, strlen(want)) == 0 &&
             strstr((char *)out, "234567890124") == NULL && tail && strncmp(tail, ",t1.", 4) == 0;
    EXPECT(consentry_csv_plan_row(rev, out, n, back, cap, &m, err), CONSENTRY_RESULT_OK);
    snprintf(want, sizeof want, ",r%dc6,234567890124,r%dc8,", r, r);
    char mobile[32];
    snprintf(mobile, sizeof mobile, ",+9198765%05d\n", r);
    tail = strrchr((char *)back, ',');
    ok = ok && strstr((char *)back, want) != NULL && tail && strcmp(tail, mobile) == 0;
    good += ok;
  }
  CHECK(good == ROWS);
  /* a duplicate at the far end of the wide header is still found */
  len = 0;
  for (int i = 0; i < COLS; i++) len += (size_t)snprintf(line + len, cap - len, "c%d,", i);
  len += (size_t)snprintf(line + len, cap - len, "c0");
  const consentry_csv_plan *dup = (const consentry_csv_plan *)0x1;
  EXPECT(consentry_csv_plan_new(ps, (const uint8_t *)line, len, false, &dup, err), CONSENTRY_RESULT_PSEUDO_DUPLICATE_COLUMN);
  CHECK(dup == (const consentry_csv_plan *)0x1);
  printf("csv: %d rows of %d columns through one plan, and reversed\n", ROWS, COLS);
  consentry_csv_plan_free(rev);
  consentry_csv_plan_free(plan);
  consentry_pseudonymiser_free(ps);
  free(line);
  free(back_line);
  free(out);
  free(back);
}

static void test_ids(void) {
  uint8_t out[128];
  size_t n = 99;
  EXPECT(consentry_id_validate(S("aadhaar"), S("2345 6789-0124"), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n == 12 && strcmp((char *)out, "234567890124") == 0);
  EXPECT(consentry_id_validate(S("mobile"), S("98765 43210"), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "+919876543210") == 0);
  EXPECT(consentry_id_validate(S("pan"), S("abcpe1234f"), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "ABCPE1234F") == 0);
  n = 99;
  out[0] = 'z';
  EXPECT(consentry_id_validate(S("aadhaar"), S("234567890123"), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_CHECKSUM);
  CHECK(n == 99 && out[0] == 'z'); /* untouched on failure */
  EXPECT(consentry_id_validate(S("pan"), S("ABCQE1234F"), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_PAN_HOLDER_TYPE);
  EXPECT(consentry_id_validate(S("mobile"), S("5123456789"), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_INVALID);
  EXPECT(consentry_id_validate(S("mobile"), S(""), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_INVALID);
  EXPECT(consentry_id_validate(S("ssn"), S("1"), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_UNKNOWN_TYPE);
  EXPECT(consentry_id_validate(S(""), S("1"), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_UNKNOWN_TYPE);
  EXPECT(consentry_id_validate(S("aadhaar"), S("234567890124"), out, 12, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 13);
  EXPECT(consentry_id_validate(S("aadhaar"), S("234567890124"), NULL, 0, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  EXPECT(consentry_id_validate(NULL, 0, S("1"), out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_validate(S("pan"), NULL, 0, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_validate(S("pan"), S("1"), NULL, 4, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_validate(S("pan"), S("1"), out, sizeof out, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_validate(NOT_UTF8, sizeof NOT_UTF8, S("1"), out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_id_validate(S("pan"), NOT_UTF8, sizeof NOT_UTF8, out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_id_validate(S("pan"), (const uint8_t *)"1", SIZE_MAX, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);

  EXPECT(consentry_id_mask(S("aadhaar"), S("234567890124"), out, sizeof out, &n, NULL), CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "XXXX XXXX 0124") == 0 && n == 14);
  EXPECT(consentry_id_mask(S("mobile"), S("+91 98765 43210"), out, sizeof out, &n, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp((char *)out, "XXXXXX3210") == 0);
  EXPECT(consentry_id_mask(S("aadhaar"), S("234567890123"), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_CHECKSUM);
  EXPECT(consentry_error_message(err, out, sizeof out, &n), CONSENTRY_RESULT_OK);
  CHECK(strstr((char *)out, "234567890123") == NULL);
  EXPECT(consentry_id_mask(S("ssn"), S("1"), out, sizeof out, &n, err), CONSENTRY_RESULT_ID_UNKNOWN_TYPE);
  EXPECT(consentry_id_mask(S("aadhaar"), S("234567890124"), out, 3, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == 15);
  EXPECT(consentry_id_mask(NULL, 0, S("1"), out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_mask(S("pan"), NULL, 0, out, sizeof out, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_mask(S("pan"), S("1"), NULL, 4, &n, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_mask(S("pan"), S("1"), out, sizeof out, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_id_mask(NOT_UTF8, sizeof NOT_UTF8, S("1"), out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_id_mask(S("pan"), NOT_UTF8, sizeof NOT_UTF8, out, sizeof out, &n, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_id_mask(S("pan"), (const uint8_t *)"1", SIZE_MAX, out, sizeof out, &n, err),
         CONSENTRY_RESULT_INVALID_ARGUMENT);
}

static void test_panic(void) {
#if defined(CONSENTRY_TEST_PANIC)
  EXPECT(consentry_test_panic(err), CONSENTRY_RESULT_PANIC);
  EXPECT(consentry_error_code(err), CONSENTRY_RESULT_PANIC);
  EXPECT(consentry_test_panic(NULL), CONSENTRY_RESULT_PANIC);
  printf("panic: caught at the boundary as CONSENTRY_RESULT_PANIC\n");
#else
  printf("panic: not built with CONSENTRY_TEST_PANIC, skipped\n");
#endif
}

/* 8 threads verify on the one shared verifier, each with its own error object and buffer. */
#define THREADS 8
#define ROUNDS 200
static void *verify_worker(void *arg) {
  long bad = 0;
  consentry_error *e = NULL;
  uint8_t out[8192];
  size_t n;
  (void)arg;
  if (consentry_error_new(&e) != CONSENTRY_RESULT_OK) return (void *)1;
  for (int i = 0; i < ROUNDS; i++) {
    if (consentry_verifier_verify(verifier, typical, typical_len, S(AUD), NOW, NULL, 0, out, sizeof out, &n, e) !=
        CONSENTRY_RESULT_OK)
      bad++;
    if (consentry_verifier_check(verifier, typical, typical_len, S("someone.else"), NOW, e) !=
            CONSENTRY_RESULT_AUDIENCE_MISMATCH ||
        consentry_error_code(e) != CONSENTRY_RESULT_AUDIENCE_MISMATCH)
      bad++;
  }
  consentry_error_free(e);
  return (void *)bad;
}

static void test_threads(void) {
  pthread_t t[THREADS];
  long bad = 0;
  for (int i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, verify_worker, NULL) == 0);
  for (int i = 0; i < THREADS; i++) {
    void *r = NULL;
    CHECK(pthread_join(t[i], &r) == 0);
    bad += (long)r;
  }
  CHECK(bad == 0);
  printf("threads: %d x %d verifications on one verifier, %ld wrong\n", THREADS, 2 * ROUNDS, bad);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  typical = read_file("typical.cose", &typical_len);
  if (consentry_error_new(&err) != CONSENTRY_RESULT_OK) return 2;

  test_static_text();
  test_trust_store();
  test_error_object();
  test_verifier_new();
  test_fixtures();
  test_verify_arguments();
  test_verify_b64();
  test_issue();
  test_status_lists();
  test_status_list_trust();
  test_call_json();
  test_decide();
  test_pseudonymiser();
  test_csv_wide();
  test_ids();
  test_panic();
  test_threads();

  consentry_verifier_free(verifier);
  consentry_signing_key_free(key);
  consentry_trust_store_free(store);
  consentry_error_free(err);
  free(typical);
  printf("%d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
