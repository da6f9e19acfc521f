/*
 * A legacy system's use of consentry through the C ABI: verify a consent artefact, decide a
 * request against it, and pseudonymise a CSV stream line by line.
 *
 *   consentry_demo verify TRUST_JWKS AUDIENCE ARTEFACT NOW [STATUS_LIST]
 *       verifies ARTEFACT for AUDIENCE; prints the verified artefact as JSON
 *   consentry_demo decide TRUST_JWKS ARTEFACT REQUEST_JSON [STATUS_LIST]
 *       decides a request (`{"recipient", "purpose", "operation", "fields", "now", ...}`)
 *       against the artefact with the shipped taxonomy packs; prints the decision as JSON
 *   consentry_demo pseudonymise POLICY_JSON MASTER_KEY [--reverse] <in.csv >out.csv
 *       applies a pseudonymisation policy (or with --reverse restores token and ff1 columns)
 *       to CSV on stdin, header first, writing CSV to stdout as it goes
 *
 * TRUST_JWKS   a JWK Set of trusted issuer keys (`consentry key public --jwks`)
 * ARTEFACT     a file holding the artefact, binary COSE or base64url text
 * STATUS_LIST  a signed status list (binary, as `consentry status new` writes it)
 * MASTER_KEY   a file holding the 32-byte master key as 64 hex digits (`consentry key master`)
 *
 * Exit status: 0 success (for decide: permitted), 1 rejected, denied or an invalid record (a JSON
 * error on stderr; for CSV it names the record number and the column, never the value), 2
 * usage or I/O errors.
 *
 * Build: cc consentry_demo.c $(pkg-config --cflags --libs consentry)
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <consentry.h>

#include "b64url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---------------------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  if (!f || !buf) {
    fprintf(stderr, "cannot read %s\n", path);
    free(buf);
    if (f) fclose(f);
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
  fclose(f);
  *len = n;
  return buf;
}

/* Decodes base64url text in place when the file holds text rather than binary COSE (tag 18). */
static void maybe_decode(uint8_t *buf, size_t *len) {
  while (*len > 0 && (buf[*len - 1] == '\n' || buf[*len - 1] == '\r' || buf[*len - 1] == ' ')) (*len)--;
  if (*len == 0 || buf[0] == 0xd2) return;
  long n = b64url_decode((const char *)buf, *len, buf);
  if (n >= 0) *len = (size_t)n;
}

/* Prints the error as JSON on stderr (row 0: no row). Returns 1. */
static int fail(consentry_result rc, const consentry_error *err, unsigned long row) {
  uint8_t msg[1024];
  size_t n = 0;
  if (consentry_error_message(err, msg, sizeof msg, &n) != CONSENTRY_RESULT_OK) msg[0] = 0;
  fprintf(stderr, "{\"code\": \"%s\", \"numericCode\": %u, ", consentry_result_name(rc), (unsigned)rc);
  if (row) fprintf(stderr, "\"row\": %lu, ", row);
  fprintf(stderr, "\"message\": \"%s\"}\n", (const char *)msg);
  return 1;
}

/* A growable output buffer for the size-query protocol: `call` is retried once with the size
 * the library asked for. */
typedef struct {
  uint8_t *ptr;
  size_t cap;
} buffer;

static int reserve(buffer *b, size_t need) {
  if (need <= b->cap) return 1;
  uint8_t *p = realloc(b->ptr, need);
  if (!p) return 0;
  b->ptr = p;
  b->cap = need;
  return 1;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads a master key file: 64 hex digits, surrounding whitespace ignored. */
static int load_master_key(const char *path, uint8_t key[CONSENTRY_MASTER_KEY_LEN]) {
  size_t len = 0;
  uint8_t *text = slurp(path, &len);
  if (!text) return 0;
  size_t start = 0;
  while (start < len && strchr(" \t\r\n", text[start])) start++;
  while (len > start && strchr(" \t\r\n", text[len - 1])) len--;
  int ok = len - start == 2 * CONSENTRY_MASTER_KEY_LEN;
  for (size_t i = 0; ok && i < CONSENTRY_MASTER_KEY_LEN; i++) {
    int hi = hexval(text[start + 2 * i]), lo = hexval(text[start + 2 * i + 1]);
    ok = hi >= 0 && lo >= 0;
    key[i] = (uint8_t)(ok ? hi << 4 | lo : 0);
  }
  memset(text, 0, len);
  free(text);
  if (!ok) fprintf(stderr, "master key %s: not 64 hex digits\n", path);
  return ok;
}

static consentry_result verifier_from(const char *trust_path, const consentry_verifier **out, consentry_error *err) {
  size_t len = 0;
  uint8_t *jwks = slurp(trust_path, &len);
  consentry_trust_store *store = NULL;
  consentry_result rc = CONSENTRY_RESULT_INVALID_ARGUMENT;
  if (jwks && (rc = consentry_trust_store_new(&store)) == CONSENTRY_RESULT_OK &&
      (rc = consentry_trust_store_add_jwk(store, jwks, len, err)) == CONSENTRY_RESULT_OK)
    rc = consentry_verifier_new(store, CONSENTRY_DEFAULT_LEEWAY, out, err);
  consentry_trust_store_free(store); /* the verifier holds a copy */
  free(jwks);
  return rc;
}

/* ---- verify ----------------------------------------------------------------------------- */

static int cmd_verify(int argc, char **argv, consentry_error *err) {
  if (argc < 4 || argc > 5) return -1;
  const char *aud = argv[1];
  int64_t now = strtoll(argv[3], NULL, 10);
  size_t art_len = 0, list_len = 0;
  uint8_t *art = slurp(argv[2], &art_len);
  uint8_t *list = argc == 5 ? slurp(argv[4], &list_len) : NULL;
  const consentry_verifier *v = NULL;
  buffer out = {NULL, 0};
  int status = 2;
  consentry_result rc;
  if (!art || (argc == 5 && !list)) goto done;
  maybe_decode(art, &art_len);
  if ((rc = verifier_from(argv[0], &v, err)) != CONSENTRY_RESULT_OK) {
    status = fail(rc, err, 0);
    goto done;
  }
  size_t n = 0;
  for (int attempt = 0; attempt < 2; attempt++) {
    rc = consentry_verifier_verify(v, art, art_len, (const uint8_t *)aud, strlen(aud), now, list, list_len, out.ptr,
                                   out.cap, &n, err);
    if (rc != CONSENTRY_RESULT_BUFFER_TOO_SMALL || !reserve(&out, n)) break;
  }
  if (rc != CONSENTRY_RESULT_OK) {
    status = fail(rc, err, 0);
    goto done;
  }
  printf("%s\n", (const char *)out.ptr);
  status = 0;
done:
  free(out.ptr);
  consentry_verifier_free(v);
  free(art);
  free(list);
  return status;
}

/* ---- decide ----------------------------------------------------------------------------- */

static int cmd_decide(int argc, char **argv, consentry_error *err) {
  if (argc < 3 || argc > 4) return -1;
  size_t art_len = 0, req_len = 0, list_len = 0;
  uint8_t *art = slurp(argv[1], &art_len);
  uint8_t *req = slurp(argv[2], &req_len);
  uint8_t *list = argc == 4 ? slurp(argv[3], &list_len) : NULL;
  const consentry_verifier *v = NULL;
  const consentry_taxonomy *tax = NULL;
  buffer out = {NULL, 0};
  int status = 2;
  consentry_result rc;
  if (!art || !req || (argc == 4 && !list)) goto done;
  maybe_decode(art, &art_len);
  if ((rc = verifier_from(argv[0], &v, err)) != CONSENTRY_RESULT_OK ||
      (rc = consentry_taxonomy_new(NULL, 0, &tax, err)) != CONSENTRY_RESULT_OK) {
    status = fail(rc, err, 0);
    goto done;
  }
  size_t n = 0;
  for (int attempt = 0; attempt < 2; attempt++) {
    rc = consentry_verifier_decide(v, tax, art, art_len, req, req_len, list, list_len, out.ptr, out.cap, &n, err);
    if (rc != CONSENTRY_RESULT_BUFFER_TOO_SMALL || !reserve(&out, n)) break;
  }
  if (rc != CONSENTRY_RESULT_OK) {
    status = fail(rc, err, 0);
    goto done;
  }
  printf("%s\n", (const char *)out.ptr);
  /* A decision is `{"allowed": true, ...}` or `{"allowed": false, "reasons": [...]}`. */
  status = strstr((const char *)out.ptr, "\"allowed\":true") ? 0 : 1;
done:
  free(out.ptr);
  consentry_taxonomy_free(tax);
  consentry_verifier_free(v);
  free(art);
  free(req);
  free(list);
  return status;
}

/* ---- pseudonymise ----------------------------------------------------------------------- */

/* Whether CSV text ends inside a quoted field (RFC 4180 as the library and the CLI read it): a
 * `"` opens a quoted field only at the start of a field, `""` inside one is a quote, a `"`
 * elsewhere is an ordinary character. */
static int ends_in_quotes(const char *s, size_t n) {
  int in_quotes = 0, field_start = 1;
  for (size_t i = 0; i < n; i++) {
    if (in_quotes) {
      if (s[i] == '"') {
        if (i + 1 < n && s[i + 1] == '"') i++;
        else in_quotes = 0;
      }
    } else if (s[i] == '"' && field_start) {
      in_quotes = 1;
    }
    field_start = !in_quotes && (s[i] == ',' || s[i] == '\n' || s[i] == '\r');
  }
  return in_quotes;
}

/* Reads one CSV record from `in` into `*rec` (`*len` bytes, NUL after): a line, plus the
 * following lines while a quoted field is open (the record holds a line break). Returns 0 at
 * the end of input. */
static int read_record(FILE *in, char **rec, size_t *len, char **line, size_t *line_cap) {
  *len = 0;
  do {
    ssize_t n = getline(line, line_cap, in);
    if (n < 0) return *len > 0;
    char *bigger = realloc(*rec, *len + (size_t)n + 1);
    if (!bigger) return 0;
    *rec = bigger;
    memcpy(*rec + *len, *line, (size_t)n);
    *len += (size_t)n;
    (*rec)[*len] = 0;
  } while (ends_in_quotes(*rec, *len));
  return 1;
}

static int cmd_pseudonymise(int argc, char **argv, consentry_error *err) {
  if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--reverse") != 0)) return -1;
  bool reverse = argc == 3;
  uint8_t key[CONSENTRY_MASTER_KEY_LEN];
  size_t policy_len = 0;
  uint8_t *policy = slurp(argv[0], &policy_len);
  if (!policy || !load_master_key(argv[1], key)) {
    free(policy);
    return 2;
  }
  const consentry_pseudonymiser *ps = NULL;
  const consentry_csv_plan *plan = NULL;
  char *rec = NULL, *line = NULL;
  size_t rec_len = 0, line_cap = 0, n = 0;
  unsigned long row = 0;
  buffer out = {NULL, 0};
  int status = 2;
  consentry_result rc = consentry_pseudonymiser_new(policy, policy_len, key, sizeof key, &ps, err);
  memset(key, 0, sizeof key);
  if (rc != CONSENTRY_RESULT_OK) {
    status = fail(rc, err, 0);
    goto done;
  }
  /* The header: the first record that is not blank. */
  do {
    if (!read_record(stdin, &rec, &rec_len, &line, &line_cap)) {
      fprintf(stderr, "no csv header on stdin\n");
      goto done;
    }
  } while (strspn(rec, "\r\n") == rec_len);
  if ((rc = consentry_csv_plan_new(ps, (const uint8_t *)rec, rec_len, reverse, &plan, err)) != CONSENTRY_RESULT_OK) {
    status = fail(rc, err, 0);
    goto done;
  }
  /* The plan keeps what it needs of the pseudonymiser alive: it may be freed now. */
  consentry_pseudonymiser_free(ps);
  ps = NULL;
  for (int attempt = 0; attempt < 2; attempt++) {
    rc = consentry_csv_plan_header(plan, out.ptr, out.cap, &n, err);
    if (rc != CONSENTRY_RESULT_BUFFER_TOO_SMALL || !reserve(&out, n)) break;
  }
  if (rc != CONSENTRY_RESULT_OK) {
    status = fail(rc, err, 0);
    goto done;
  }
  fwrite(out.ptr, 1, n, stdout);
  while (read_record(stdin, &rec, &rec_len, &line, &line_cap)) {
    row++;
    for (int attempt = 0; attempt < 2; attempt++) {
      rc = consentry_csv_plan_row(plan, (const uint8_t *)rec, rec_len, out.ptr, out.cap, &n, err);
      if (rc != CONSENTRY_RESULT_BUFFER_TOO_SMALL || !reserve(&out, n)) break;
    }
    if (rc != CONSENTRY_RESULT_OK) {
      status = fail(rc, err, row);
      goto done;
    }
    fwrite(out.ptr, 1, n, stdout); /* a blank line gives n == 0 */
  }
  status = ferror(stdin) || fflush(stdout) != 0 ? 2 : 0;
done:
  free(out.ptr);
  free(rec);
  free(line);
  consentry_csv_plan_free(plan);
  consentry_pseudonymiser_free(ps);
  free(policy);
  return status;
}

int main(int argc, char **argv) {
  consentry_error *err = NULL;
  if (consentry_error_new(&err) != CONSENTRY_RESULT_OK) return 2;
  int status = -1;
  if (argc >= 2 && strcmp(argv[1], "verify") == 0) status = cmd_verify(argc - 2, argv + 2, err);
  if (argc >= 2 && strcmp(argv[1], "decide") == 0) status = cmd_decide(argc - 2, argv + 2, err);
  if (argc >= 2 && strcmp(argv[1], "pseudonymise") == 0) status = cmd_pseudonymise(argc - 2, argv + 2, err);
  consentry_error_free(err);
  if (status < 0) {
    fprintf(stderr,
            "usage: %s verify TRUST_JWKS AUDIENCE ARTEFACT NOW [STATUS_LIST]\n"
            "       %s decide TRUST_JWKS ARTEFACT REQUEST_JSON [STATUS_LIST]\n"
            "       %s pseudonymise POLICY_JSON MASTER_KEY [--reverse] <in.csv >out.csv\n",
            argv[0], argv[0], argv[0]);
    return 2;
  }
  return status;
}
