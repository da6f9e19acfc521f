/*
 * Verifies a consent artefact from a file and prints the verified claims as JSON.
 *
 *   verify [--status-list LIST] TRUST_JWKS AUDIENCE ARTEFACT [NOW]
 *
 * TRUST_JWKS  a JWK Set of trusted issuer keys (`consentry key public --jwks`)
 * AUDIENCE    the relying party, which must be in the artefact's `aud`
 * ARTEFACT    a file holding the artefact, binary COSE or base64url text; `-` for stdin
 * NOW         seconds since the epoch (default: the clock)
 * LIST        a signed status list (binary, as `consentry status new` writes it)
 *
 * Exit status: 0 verified (JSON on stdout), 1 rejected (code and message on stderr), 2 usage or
 * I/O errors. Build: cc verify.c $(pkg-config --cflags --libs consentry)
 */
#include <consentry.h>

#include "b64url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  if (!f || !buf) {
    fprintf(stderr, "cannot read %s\n", path);
    free(buf);
    return NULL;
  }
  for (;;) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    uint8_t *bigger = realloc(buf, cap *= 2);
    if (!bigger) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
  }
  if (f != stdin) fclose(f);
  *len = n;
  return buf;
}

/* Decodes base64url text in place when the file holds text rather than binary COSE (tag 18). */
static void maybe_decode(uint8_t *buf, size_t *len) {
  if (*len == 0 || buf[0] == 0xd2) return;
  long n = b64url_decode((const char *)buf, *len, buf);
  if (n >= 0) *len = (size_t)n;
}

static int fail(consentry_result rc, const consentry_error *err) {
  uint8_t msg[1024];
  size_t n = 0;
  if (consentry_error_message(err, msg, sizeof msg, &n) != CONSENTRY_RESULT_OK) msg[0] = 0;
  fprintf(stderr, "{\"code\": \"%s\", \"numericCode\": %u, \"message\": \"%s\"}\n", consentry_result_name(rc),
          (unsigned)rc, (const char *)msg);
  return 1;
}

int main(int argc, char **argv) {
  const char *list_path = NULL;
  int a = 1;
  if (argc > 2 && strcmp(argv[1], "--status-list") == 0) {
    list_path = argv[2];
    a = 3;
  }
  if (argc - a < 3 || argc - a > 4) {
    fprintf(stderr, "usage: %s [--status-list LIST] TRUST_JWKS AUDIENCE ARTEFACT [NOW]\n", argv[0]);
    return 2;
  }
  const char *audience = argv[a + 1];
  int64_t now = argc - a == 4 ? strtoll(argv[a + 3], NULL, 10) : (int64_t)time(NULL);

  size_t jwks_len = 0, art_len = 0, list_len = 0;
  uint8_t *jwks = slurp(argv[a], &jwks_len);
  uint8_t *art = slurp(argv[a + 2], &art_len);
  uint8_t *list = list_path ? slurp(list_path, &list_len) : NULL;
  if (!jwks || !art || (list_path && !list)) return 2;
  maybe_decode(art, &art_len);

  int status = 2;
  consentry_error *err = NULL;
  consentry_trust_store *store = NULL;
  const consentry_verifier *verifier = NULL;
  uint8_t *out = NULL;
  size_t out_len = 0;
  consentry_result rc;

  if (consentry_error_new(&err) != CONSENTRY_RESULT_OK || consentry_trust_store_new(&store) != CONSENTRY_RESULT_OK)
    goto done;
  if ((rc = consentry_trust_store_add_jwk(store, jwks, jwks_len, err)) != CONSENTRY_RESULT_OK ||
      (rc = consentry_verifier_new(store, CONSENTRY_DEFAULT_LEEWAY, &verifier, err)) != CONSENTRY_RESULT_OK) {
    fail(rc, err);
    goto done;
  }
  /* Ask for the size first, then verify into a buffer of that size. */
  rc = consentry_verifier_verify(verifier, art, art_len, (const uint8_t *)audience, strlen(audience), now, list,
                                 list_len, NULL, 0, &out_len, err);
  if (rc == CONSENTRY_RESULT_BUFFER_TOO_SMALL) {
    size_t cap = out_len;
    out = malloc(cap);
    if (!out) goto done;
    rc = consentry_verifier_verify(verifier, art, art_len, (const uint8_t *)audience, strlen(audience), now, list,
                                   list_len, out, cap, &out_len, err);
  }
  if (rc != CONSENTRY_RESULT_OK) {
    status = fail(rc, err);
    goto done;
  }
  printf("%s\n", (const char *)out);
  status = 0;

done:
  free(out);
  consentry_verifier_free(verifier);
  consentry_trust_store_free(store);
  consentry_error_free(err);
  free(jwks);
  free(art);
  free(list);
  return status;
}
