/*
 * Tests of the typed C functions for Account Aggregator consents (consentry_aa_*) through the
 * header alone: the AA API 2.1.0 specification's signedConsent example verifies with its key
 * (entity records, expected issuer, a time inside its window), its result JSON, kid, issuer,
 * alg and b64 mode; every tamper of issue 16 is refused with its own code (a changed header,
 * payload or signature byte, the payload re-serialised without CRLF, alg HS256 and none, an
 * extra crit member, an unknown kid, another AA, a 1024-bit key); detached signatures in the
 * three b64 variants (Python cryptography's); decide permits aa:101 and denies with reasons;
 * NULL arguments and buffer sizing; 8 threads on one shared AA trust store.
 *
 *   test_aa VECTOR_DIR      (tests/vectors/aa)
 *
 * Built -Wall -Wextra -Werror and run plain, under ASan+UBSan and under valgrind by
 * scripts/test-c. Exit status 0 when every check passes.
 */
#include "consentry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "check.h"

static const char *dir;


static char *read_file(const char *name) {
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
  char *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
  buf[n] = 0;
  fclose(f);
  /* trailing white space (the vector ends with a newline) */
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) buf[--n] = 0;
  return buf;
}

/* The JWS with its header segment replaced by base64url(header_json). */
static char *with_header(const char *jws, const char *header_json) {
  const char *rest = strchr(jws, '.');
  char *h = b64url_encode((const uint8_t *)header_json, strlen(header_json));
  if (!h) exit(2);
  char *out = malloc(strlen(h) + strlen(rest) + 1);
  if (!out) exit(2);
  strcpy(out, h);
  strcat(out, rest);
  free(h);
  return out;
}

static consentry_error *err;
static const consentry_aa_trust *trust;
static char *jws;
static char records[16384];

static consentry_result verify(const char *text, const char *issuer, const int64_t *now) {
  const consentry_aa_verified *v = NULL;
  consentry_result r = consentry_aa_verify(trust, T(text), issuer ? (const uint8_t *)issuer : NULL,
                                           issuer ? strlen(issuer) : 0, now, &v, err);
  consentry_aa_verified_free(v);
  return r;
}

static void test_trust(void) {
  char *spec = read_file("spec_example_key.jwk.json");
  char *one = read_file("test-keys/aa_one.jwk.json");
  snprintf(records, sizeof records, "[{\"id\":\"finvu-aa\",\"certificate\":%s},{\"id\":\"aa-one\",\"certificate\":%s}]",
           spec, one);
  EXPECT(consentry_aa_trust_new(T(records), NULL, 0, &trust, err), CONSENTRY_RESULT_OK);
  size_t n = 0;
  EXPECT(consentry_aa_trust_len(trust, &n, err), CONSENTRY_RESULT_OK);
  CHECK(n == 2);
  /* a 1024-bit key is refused at load, with its own code */
  char *small = read_file("test-keys/short_1024.jwk.json");
  const consentry_aa_trust *t = NULL;
  EXPECT(consentry_aa_trust_new(T(small), NULL, 0, &t, err), CONSENTRY_RESULT_AA_KEY_TOO_SMALL);
  CHECK(t == NULL);
  EXPECT(consentry_error_code(err), CONSENTRY_RESULT_AA_KEY_TOO_SMALL);
  EXPECT(consentry_aa_trust_new(S("{not json"), NULL, 0, &t, err), CONSENTRY_RESULT_KEY_JWK_INVALID);
  EXPECT(consentry_aa_trust_new(NULL, 0, NULL, 0, &t, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_aa_trust_new(T(spec), NULL, 0, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  /* a single JWK bound to an entity given by the caller */
  EXPECT(consentry_aa_trust_new(T(spec), S("finvu-aa"), &t, NULL), CONSENTRY_RESULT_OK);
  const consentry_aa_verified *v = NULL;
  EXPECT(consentry_aa_verify(t, T(jws), S("finvu-aa"), NULL, &v, err), CONSENTRY_RESULT_OK);
  consentry_aa_verified_free(v);
  consentry_aa_trust_free(t);
  consentry_aa_trust_free(NULL);
  free(spec);
  free(one);
  free(small);
  printf("aa trust: entity records, a bound JWK, 1024-bit key and bad documents refused\n");
}

static void test_verify(void) {
  const int64_t inside = 1570000000, after = 1600000000, before = 1500000000;
  const consentry_aa_verified *v = NULL;
  EXPECT(consentry_aa_verify(trust, T(jws), S("finvu-aa"), &inside, &v, err), CONSENTRY_RESULT_OK);
  /* buffer sizing: a size query, then the call */
  size_t n = 0;
  EXPECT(consentry_aa_verified_json(v, NULL, 0, &n, err), CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  char *json = malloc(n);
  size_t len = 0;
  EXPECT(consentry_aa_verified_json(v, (uint8_t *)json, n, &len, err), CONSENTRY_RESULT_OK);
  CHECK(len + 1 == n && json[len] == 0);
  CHECK(strstr(json, "\"claims\"") && strstr(json, "\"source\":\"aa\"") && strstr(json, "\"aa:101\""));
  free(json);
  char kid[256], issuer[256];
  EXPECT(consentry_aa_verified_kid(v, (uint8_t *)kid, sizeof kid, &len, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp(kid, "4271913e-7b93-49dd-9949-1c76ff5fc5cf") == 0);
  EXPECT(consentry_aa_verified_issuer(v, (uint8_t *)issuer, sizeof issuer, &len, err), CONSENTRY_RESULT_OK);
  CHECK(strcmp(issuer, "finvu-aa") == 0);
  consentry_aa_alg alg = CONSENTRY_AA_ALG_PS256;
  consentry_aa_b64 mode = CONSENTRY_AA_B64_ABSENT;
  EXPECT(consentry_aa_verified_mode(v, &alg, &mode, err), CONSENTRY_RESULT_OK);
  CHECK(alg == CONSENTRY_AA_ALG_RS256 && mode == CONSENTRY_AA_B64_FALSE);
  consentry_aa_verified_free(v);

  /* every tamper, its own code */
  size_t jl = strlen(jws);
  char *t = malloc(jl + 1);
  const char *dot1 = strchr(jws, '.'), *dot2 = strrchr(jws, '.');
  memcpy(t, jws, jl + 1);
  size_t pay = (size_t)(dot1 - jws) + 40;
  t[pay] = t[pay] == 'A' ? 'B' : 'A';
  EXPECT(verify(t, NULL, NULL), CONSENTRY_RESULT_SIGNATURE_INVALID);
  memcpy(t, jws, jl + 1);
  size_t sig = (size_t)(dot2 - jws) + 10;
  t[sig] = t[sig] == 'A' ? 'B' : 'A';
  EXPECT(verify(t, NULL, NULL), CONSENTRY_RESULT_SIGNATURE_INVALID);
  free(t);
  char *h;
  h = with_header(jws, "{\"alg\":\"RS256\",\"kid\":\"4271913e-7b93-49dd-9949-1c76ff5fc5cf\",\"b64\":false,\"crit\":[\"b64\"]} ");
  EXPECT(verify(h, NULL, NULL), CONSENTRY_RESULT_SIGNATURE_INVALID); /* the header's bytes changed */
  free(h);
  h = with_header(jws, "{\"alg\":\"RS256\",\"kid\":\"4271913e-7b93-49dd-9949-1c76ff5fc5cf\"}");
  EXPECT(verify(h, NULL, NULL), CONSENTRY_RESULT_SIGNATURE_INVALID); /* the RFC 7515 signing input */
  free(h);
  h = with_header(jws, "{\"alg\":\"HS256\",\"kid\":\"4271913e-7b93-49dd-9949-1c76ff5fc5cf\",\"b64\":false,\"crit\":[\"b64\"]}");
  EXPECT(verify(h, NULL, NULL), CONSENTRY_RESULT_AA_ALG_UNSUPPORTED);
  free(h);
  h = with_header(jws, "{\"alg\":\"none\",\"kid\":\"4271913e-7b93-49dd-9949-1c76ff5fc5cf\",\"b64\":false,\"crit\":[\"b64\"]}");
  EXPECT(verify(h, NULL, NULL), CONSENTRY_RESULT_AA_ALG_UNSUPPORTED);
  free(h);
  h = with_header(jws, "{\"alg\":\"RS256\",\"kid\":\"4271913e-7b93-49dd-9949-1c76ff5fc5cf\",\"b64\":false,\"crit\":[\"b64\",\"exp\"]}");
  EXPECT(verify(h, NULL, NULL), CONSENTRY_RESULT_AA_CRIT_UNKNOWN);
  free(h);
  h = with_header(jws, "{\"alg\":\"RS256\",\"kid\":\"nobody\",\"b64\":false,\"crit\":[\"b64\"]}");
  EXPECT(verify(h, NULL, NULL), CONSENTRY_RESULT_KEY_UNKNOWN_KID);
  free(h);
  EXPECT(verify(jws, "aa-one", NULL), CONSENTRY_RESULT_AA_ISSUER_MISMATCH);
  EXPECT(verify(jws, NULL, &after), CONSENTRY_RESULT_EXPIRED);
  EXPECT(verify(jws, NULL, &before), CONSENTRY_RESULT_NOT_YET_VALID);
  EXPECT(verify("a.b", NULL, NULL), CONSENTRY_RESULT_AA_JWS_STRUCTURE);
  /* NULL and non-UTF-8 arguments */
  EXPECT(consentry_aa_verify(NULL, T(jws), NULL, 0, NULL, &v, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_aa_verify(trust, NULL, 0, NULL, 0, NULL, &v, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_aa_verify(trust, T(jws), NULL, 0, NULL, NULL, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  EXPECT(consentry_aa_verify(trust, S("\xff\xfe"), NULL, 0, NULL, &v, err), CONSENTRY_RESULT_INVALID_UTF8);
  EXPECT(consentry_aa_verified_json(NULL, NULL, 0, &len, err), CONSENTRY_RESULT_NULL_ARGUMENT);
  consentry_aa_verified_free(NULL);
  printf("aa verify: the spec example, and every tamper refused with its own code\n");
}

/* Python cryptography's detached signatures over one body, in the three b64 variants. */
static void test_detached(void) {
  char *doc = read_file("test-keys/python_signed.json");
  /* the payload (base64url) and the three detached values, cut out of the JSON text */
  static const char *const modes[] = {"false", "true", "absent"};
  const consentry_aa_b64 want[] = {CONSENTRY_AA_B64_FALSE, CONSENTRY_AA_B64_TRUE, CONSENTRY_AA_B64_ABSENT};
  char *p = strstr(doc, "\"payload\": \"");
  CHECK(p != NULL);
  if (!p) return;
  p += strlen("\"payload\": \"");
  size_t plen = (size_t)(strchr(p, '"') - p);
  /* decode the body */
  uint8_t *body = malloc(plen);
  long decoded = body ? b64url_decode(p, plen, body) : -1;
  CHECK(decoded >= 0);
  if (decoded < 0) {
    free(body);
    return;
  }
  size_t blen = (size_t)decoded;
  for (int m = 0; m < 3; m++) {
    char key[64];
    snprintf(key, sizeof key, "\"b64\": \"%s\"", modes[m]);
    char *c = strstr(doc, key);
    CHECK(c != NULL);
    if (!c) continue;
    char *d = strstr(c, "\"detached\": \"");
    CHECK(d != NULL);
    if (!d) continue;
    d += strlen("\"detached\": \"");
    size_t dlen = (size_t)(strchr(d, '"') - d);
    const consentry_aa_verified *v = NULL;
    EXPECT(consentry_aa_verify_detached(trust, (const uint8_t *)d, dlen, body, blen, S("aa-one"), &v, err),
           CONSENTRY_RESULT_OK);
    consentry_aa_b64 mode = CONSENTRY_AA_B64_ABSENT;
    EXPECT(consentry_aa_verified_mode(v, NULL, &mode, err), CONSENTRY_RESULT_OK);
    CHECK(mode == want[m]);
    consentry_aa_verified_free(v);
    body[3] ^= 1;
    v = NULL;
    EXPECT(consentry_aa_verify_detached(trust, (const uint8_t *)d, dlen, body, blen, NULL, 0, &v, err),
           CONSENTRY_RESULT_SIGNATURE_INVALID);
    CHECK(v == NULL);
    body[3] ^= 1;
    EXPECT(consentry_aa_verify_detached(trust, (const uint8_t *)d, dlen, body, blen, S("finvu-aa"), &v, err),
           CONSENTRY_RESULT_AA_ISSUER_MISMATCH);
  }
  const consentry_aa_verified *v = NULL;
  EXPECT(consentry_aa_verify_detached(trust, T(jws), body, blen, NULL, 0, &v, err), CONSENTRY_RESULT_AA_JWS_STRUCTURE);
  free(body);
  free(doc);
  printf("aa verify detached: three b64 variants, a changed body and another AA refused\n");
}

static void decide(const consentry_taxonomy *tax, const char *jws_text, const char *req, const char *status,
                   consentry_result want_rc, const char *want_in_json) {
  uint8_t out[8192];
  size_t n = 0;
  EXPECT(consentry_aa_decide(trust, tax, T(jws_text), S("finvu-aa"), T(req), status ? (const uint8_t *)status : NULL,
                             status ? strlen(status) : 0, out, sizeof out, &n, err),
         want_rc);
  if (want_rc == CONSENTRY_RESULT_OK) {
    CHECK(out[n] == 0);
    if (!strstr((const char *)out, want_in_json)) {
      failures++;
      fprintf(stderr, "decide: %s not in %s\n", want_in_json, (const char *)out);
    }
  }
}

static void test_decide(void) {
  const consentry_taxonomy *tax = NULL;
  EXPECT(consentry_taxonomy_new(NULL, 0, &tax, err), CONSENTRY_RESULT_OK);
  const char *permit = "{\"recipient\":\"cookiejar-aa@finvu.in\",\"purpose\":\"aa:101\",\"operation\":\"view\","
                       "\"fields\":[\"/fi/DEPOSIT/summary\"],\"now\":1570000000,\"uses\":0}";
  decide(tax, jws, permit, "ACTIVE", CONSENTRY_RESULT_OK, "\"allowed\":true");
  decide(tax, jws, permit, NULL, CONSENTRY_RESULT_OK, "status_unknown");
  decide(tax, jws, permit, "REVOKED", CONSENTRY_RESULT_OK, "revoked");
  decide(tax, jws,
         "{\"recipient\":\"cookiejar-aa@finvu.in\",\"purpose\":\"aa:102\",\"operation\":\"view\","
         "\"fields\":[\"/fi/DEPOSIT/summary\"],\"now\":1570000000,\"uses\":0}",
         "ACTIVE", CONSENTRY_RESULT_OK, "\"allowed\":false");
  decide(tax, jws,
         "{\"recipient\":\"someone.else\",\"purpose\":\"aa:101\",\"operation\":\"view\","
         "\"fields\":[\"/fi/DEPOSIT/summary\"],\"now\":1570000000,\"uses\":0}",
         "ACTIVE", CONSENTRY_RESULT_OK, "audience_mismatch");
  decide(tax, jws,
         "{\"recipient\":\"cookiejar-aa@finvu.in\",\"purpose\":\"aa:101\",\"operation\":\"view\","
         "\"fields\":[\"/fi/DEPOSIT/summary\"],\"now\":1600000000,\"uses\":0}",
         "ACTIVE", CONSENTRY_RESULT_OK, "expired");
  char *h = with_header(jws, "{\"alg\":\"none\",\"kid\":\"4271913e-7b93-49dd-9949-1c76ff5fc5cf\"}");
  decide(tax, h, permit, "ACTIVE", CONSENTRY_RESULT_AA_ALG_UNSUPPORTED, NULL);
  free(h);
  decide(tax, jws, "{\"recipient\": 1}", "ACTIVE", CONSENTRY_RESULT_REQUEST_INVALID, NULL);
  /* buffer too small: the size needed, nothing written */
  uint8_t small[4] = {0};
  size_t n = 0;
  EXPECT(consentry_aa_decide(trust, tax, T(jws), NULL, 0, T(permit), S("ACTIVE"), small, sizeof small, &n, err),
         CONSENTRY_RESULT_BUFFER_TOO_SMALL);
  CHECK(n > sizeof small && small[0] == 0);
  consentry_taxonomy_free(tax);
  printf("aa decide: permit, denials with reasons, refused consents and requests\n");
}

#define THREADS 8
#define ROUNDS 20
static void *worker(void *arg) {
  long bad = 0;
  (void)arg;
  for (int i = 0; i < ROUNDS; i++) {
    const consentry_aa_verified *v = NULL;
    if (consentry_aa_verify(trust, T(jws), S("finvu-aa"), NULL, &v, NULL) != CONSENTRY_RESULT_OK) bad++;
    consentry_aa_verified_free(v);
    if (consentry_aa_verify(trust, T(jws), S("aa-one"), NULL, &v, NULL) != CONSENTRY_RESULT_AA_ISSUER_MISMATCH) bad++;
  }
  return (void *)bad;
}

static void test_threads(void) {
  pthread_t t[THREADS];
  long bad = 0;
  for (int i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0);
  for (int i = 0; i < THREADS; i++) {
    void *r = NULL;
    CHECK(pthread_join(t[i], &r) == 0);
    bad += (long)r;
  }
  CHECK(bad == 0);
  printf("aa threads: %d x %d verifications on one trust store, %ld wrong\n", THREADS, 2 * ROUNDS, bad);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  jws = read_file("signed_consent_spec_example.jws");
  if (consentry_error_new(&err) != CONSENTRY_RESULT_OK) return 2;
  test_trust();
  test_verify();
  test_detached();
  test_decide();
  test_threads();
  consentry_aa_trust_free(trust);
  consentry_error_free(err);
  free(jws);
  printf("%d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
