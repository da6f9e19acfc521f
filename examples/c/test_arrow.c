/*
 * Tests of consentry_pseudonymiser_arrow_array / _arrow_batch through the header alone: string
 * columns built by hand as the Arrow C Data Interface describes them (validity bitmap, int32
 * offsets, UTF-8 bytes) with this program's own release callbacks, which count their calls.
 * Checks: the values equal consentry_pseudonymiser_value's; nulls stay null and empty values
 * empty; reverse in place restores them; every input is released exactly once, by the library
 * (at once, or, for a column passed through unchanged, when the caller releases the output);
 * a failure releases the inputs and leaves released outputs; a struct array (record batch)
 * with a dropped column and a `shift` by subject.
 *
 *   test_arrow
 *
 * Built -Wall -Wextra -Werror and run plain, under ASan+UBSan and under valgrind by
 * scripts/test-c. Exit status 0 when every check passes.
 */
#include "consentry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int array_releases, schema_releases;


/* ---- a producer: string columns and struct arrays built by hand ---- */

struct column_data {
  uint8_t *validity;
  int32_t *offsets;
  char *chars;
  const void *buffers[3];
};

static void release_column(struct ArrowArray *a) {
  struct column_data *d = a->private_data;
  free(d->validity);
  free(d->offsets);
  free(d->chars);
  free(d);
  a->release = NULL;
  array_releases++;
}

static void release_schema(struct ArrowSchema *s) {
  /* format and name point to static strings; children of a struct schema are heap-held. */
  for (int64_t i = 0; i < s->n_children; i++) {
    if (s->children[i]->release) s->children[i]->release(s->children[i]);
    free(s->children[i]);
  }
  free(s->children);
  s->release = NULL;
  schema_releases++;
}

/* A `utf8` column of n values (NULL entries are nulls). */
static void make_column(const char *name, const char *const *values, int64_t n,
                        struct ArrowArray *a, struct ArrowSchema *s) {
  struct column_data *d = calloc(1, sizeof *d);
  size_t total = 0;
  for (int64_t i = 0; i < n; i++) total += values[i] ? strlen(values[i]) : 0;
  d->validity = calloc((size_t)(n + 7) / 8 + 1, 1);
  d->offsets = calloc((size_t)n + 1, sizeof(int32_t));
  d->chars = malloc(total + 1);
  int64_t nulls = 0;
  int32_t off = 0;
  for (int64_t i = 0; i < n; i++) {
    if (values[i]) {
      d->validity[i / 8] |= (uint8_t)(1u << (i % 8));
      size_t len = strlen(values[i]);
      memcpy(d->chars + off, values[i], len);
      off += (int32_t)len;
    } else {
      nulls++;
    }
    d->offsets[i + 1] = off;
  }
  d->buffers[0] = d->validity;
  d->buffers[1] = d->offsets;
  d->buffers[2] = d->chars;
  *a = (struct ArrowArray){.length = n, .null_count = nulls, .offset = 0, .n_buffers = 3,
                           .n_children = 0, .buffers = d->buffers, .children = NULL,
                           .dictionary = NULL, .release = release_column, .private_data = d};
  *s = (struct ArrowSchema){.format = "u", .name = name, .metadata = NULL,
                            .flags = ARROW_FLAG_NULLABLE, .n_children = 0, .children = NULL,
                            .dictionary = NULL, .release = release_schema, .private_data = NULL};
}

struct struct_data {
  struct ArrowArray **children;
  int64_t n;
  const void *buffers[1];
};

static void release_struct(struct ArrowArray *a) {
  struct struct_data *d = a->private_data;
  for (int64_t i = 0; i < d->n; i++) {
    if (d->children[i]->release) d->children[i]->release(d->children[i]);
    free(d->children[i]);
  }
  free(d->children);
  free(d);
  a->release = NULL;
  array_releases++;
}

/* A struct array (a record batch) of `n` string columns of `rows` values each. */
static void make_batch(const char *const *names, const char *const *const *cols, int64_t n,
                       int64_t rows, struct ArrowArray *a, struct ArrowSchema *s) {
  struct struct_data *d = calloc(1, sizeof *d);
  d->n = n;
  d->children = calloc((size_t)n, sizeof *d->children);
  struct ArrowSchema **schemas = calloc((size_t)n, sizeof *schemas);
  for (int64_t i = 0; i < n; i++) {
    d->children[i] = malloc(sizeof(struct ArrowArray));
    schemas[i] = malloc(sizeof(struct ArrowSchema));
    make_column(names[i], cols[i], rows, d->children[i], schemas[i]);
  }
  d->buffers[0] = NULL; /* no validity bitmap: no null rows */
  *a = (struct ArrowArray){.length = rows, .null_count = 0, .offset = 0, .n_buffers = 1,
                           .n_children = n, .buffers = d->buffers, .children = d->children,
                           .dictionary = NULL, .release = release_struct, .private_data = d};
  *s = (struct ArrowSchema){.format = "+s", .name = "", .metadata = NULL, .flags = 0,
                            .n_children = n, .children = schemas, .dictionary = NULL,
                            .release = release_schema, .private_data = NULL};
}

/* ---- a consumer: reading the library's `utf8` output ---- */

/* Value i of a `utf8` array into buf (NUL-terminated); returns 0 for null, 1 otherwise. */
static int value_at(const struct ArrowArray *a, int64_t i, char *buf, size_t cap) {
  const uint8_t *validity = a->buffers[0];
  int64_t j = a->offset + i;
  if (validity && !(validity[j / 8] & (1u << (j % 8)))) return 0;
  const int32_t *offsets = a->buffers[1];
  const char *chars = a->buffers[2];
  size_t len = (size_t)(offsets[j + 1] - offsets[j]);
  if (len >= cap) len = cap - 1;
  memcpy(buf, chars + offsets[j], len);
  buf[len] = 0;
  return 1;
}

static const char POLICY[] =
    "{\"domain\": \"tn.health/arrow-c\", \"unlisted\": \"keep\", \"fields\": {"
    "\"pid\": {\"type\": \"text\", \"transform\": \"pseudonym\"},"
    "\"aadhaar\": {\"type\": \"aadhaar\", \"transform\": \"ff1\"},"
    "\"note\": {\"transform\": \"keep\"},"
    "\"gone\": {\"transform\": \"drop\"},"
    "\"visit\": {\"type\": \"date\", \"transform\": \"shift\","
    "  \"params\": {\"max_days\": 90, \"subject\": \"pid\"}}}}";

static const uint8_t MASTER[33] = "a master key for arrow c tests!!"; /* 32 bytes and a NUL */

/* consentry_pseudonymiser_value of one value, into buf. */
static void one_value(const consentry_pseudonymiser *ps, const char *field, const char *v,
                      char *buf, size_t cap) {
  size_t n = 0;
  bool dropped = false;
  EXPECT(consentry_pseudonymiser_value(ps, (const uint8_t *)field, strlen(field),
                                       (const uint8_t *)v, strlen(v), false, (uint8_t *)buf, cap,
                                       &n, &dropped, NULL),
         CONSENTRY_RESULT_OK);
}

static void test_column(const consentry_pseudonymiser *ps, consentry_error *err) {
  const char *values[] = {"2345 6789 0124", NULL, "", "234567890124"};
  struct ArrowArray in, out;
  struct ArrowSchema in_s, out_s;
  char want[64], got[64];
  one_value(ps, "aadhaar", "2345 6789 0124", want, sizeof want);

  array_releases = schema_releases = 0;
  make_column("aadhaar", values, 4, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_array(ps, S("aadhaar"), false, S("fail"), &in, &in_s,
                                             &out, &out_s, err),
         CONSENTRY_RESULT_OK);
  CHECK(in.release == NULL && in_s.release == NULL); /* moved in */
  CHECK(array_releases == 1 && schema_releases == 1); /* released once, already */
  CHECK(out.release != NULL && out_s.release != NULL);
  CHECK(strcmp(out_s.format, "u") == 0);
  CHECK(out.length == 4 && out.null_count == 1);
  CHECK(value_at(&out, 0, got, sizeof got) && strcmp(got, want) == 0);
  CHECK(value_at(&out, 3, got, sizeof got) && strcmp(got, want) == 0);
  CHECK(!value_at(&out, 1, got, sizeof got));
  CHECK(value_at(&out, 2, got, sizeof got) && got[0] == 0);

  /* Reverse in place: the output structures are the inputs. */
  EXPECT(consentry_pseudonymiser_arrow_array(ps, S("aadhaar"), true, S("fail"), &out, &out_s,
                                             &out, &out_s, err),
         CONSENTRY_RESULT_OK);
  CHECK(value_at(&out, 0, got, sizeof got) && strcmp(got, "234567890124") == 0);
  CHECK(!value_at(&out, 1, got, sizeof got));
  out.release(&out);
  out_s.release(&out_s);
  CHECK(out.release == NULL && out_s.release == NULL);

  /* An invalid value under `fail`: the code, the row index, never the value; inputs released,
   * outputs released structures. */
  const char *bad[] = {"234567890124", "2345 6789 0123"};
  array_releases = schema_releases = 0;
  make_column("aadhaar", bad, 2, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_array(ps, S("aadhaar"), false, S("fail"), &in, &in_s,
                                             &out, &out_s, err),
         CONSENTRY_RESULT_PSEUDO_INVALID_VALUE);
  CHECK(in.release == NULL && array_releases == 1 && schema_releases == 1);
  CHECK(out.release == NULL && out_s.release == NULL);
  char msg[512];
  size_t n = 0;
  EXPECT(consentry_error_message(err, (uint8_t *)msg, sizeof msg, &n), CONSENTRY_RESULT_OK);
  CHECK(strstr(msg, "row index 1") != NULL && strstr(msg, "0123") == NULL);

  /* `null-field`: the invalid value is null. */
  make_column("aadhaar", bad, 2, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_array(ps, S("aadhaar"), false, S("null-field"), &in,
                                             &in_s, &out, &out_s, err),
         CONSENTRY_RESULT_OK);
  CHECK(value_at(&out, 0, got, sizeof got) && !value_at(&out, 1, got, sizeof got));
  out.release(&out);
  out_s.release(&out_s);

  /* `skip-row` on one column is refused; the inputs are still released. */
  array_releases = schema_releases = 0;
  make_column("aadhaar", bad, 2, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_array(ps, S("aadhaar"), false, S("skip-row"), &in, &in_s,
                                             &out, &out_s, err),
         CONSENTRY_RESULT_ARROW_SKIP_ROW_NEEDS_BATCH);
  CHECK(array_releases == 1 && schema_releases == 1 && out.release == NULL);

  /* A `keep` column is passed through without a copy: its input is released only when the
   * caller releases the output. */
  const char *notes[] = {"a", NULL};
  array_releases = schema_releases = 0;
  make_column("note", notes, 2, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_array(ps, S("note"), false, S("fail"), &in, &in_s, &out,
                                             &out_s, err),
         CONSENTRY_RESULT_OK);
  CHECK(in.release == NULL && schema_releases == 1 && array_releases == 0);
  CHECK(value_at(&out, 0, got, sizeof got) && strcmp(got, "a") == 0);
  out.release(&out);
  out_s.release(&out_s);
  CHECK(array_releases == 1);

  /* NULL arguments. */
  array_releases = schema_releases = 0;
  make_column("aadhaar", values, 4, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_array(NULL, S("aadhaar"), false, S("fail"), &in, &in_s,
                                             &out, &out_s, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
  CHECK(array_releases == 1 && schema_releases == 1);
  EXPECT(consentry_pseudonymiser_arrow_array(ps, S("aadhaar"), false, S("fail"), NULL, NULL,
                                             &out, &out_s, err),
         CONSENTRY_RESULT_NULL_ARGUMENT);
}

static void test_batch(const consentry_pseudonymiser *ps, consentry_error *err) {
  const char *names[] = {"pid", "aadhaar", "visit", "gone"};
  const char *pid[] = {"P1", "P2", NULL};
  const char *aadhaar[] = {"2345 6789 0124", "2345 6789 0123", NULL};
  const char *visit[] = {"2024-01-01", "2024-02-02", "2024-03-03"};
  const char *gone[] = {"x", "y", "z"};
  const char *const *cols[] = {pid, aadhaar, visit, gone};
  struct ArrowArray in, out;
  struct ArrowSchema in_s, out_s;
  char want[64], got[64];

  /* `fail`: row 1 holds an invalid Aadhaar. */
  array_releases = schema_releases = 0;
  make_batch(names, cols, 4, 3, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_batch(ps, false, S("fail"), &in, &in_s, &out, &out_s, err),
         CONSENTRY_RESULT_PSEUDO_INVALID_VALUE);
  /* The struct and its 4 children, and the struct schema (children released by it). */
  CHECK(in.release == NULL && array_releases == 5 && schema_releases == 5);
  CHECK(out.release == NULL);

  /* `skip-row`: rows 1 (invalid Aadhaar) and 2 (no subject for `visit`) are left out. */
  make_batch(names, cols, 4, 3, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_batch(ps, false, S("skip-row"), &in, &in_s, &out, &out_s,
                                             err),
         CONSENTRY_RESULT_OK);
  CHECK(out.length == 1 && out.n_children == 3 && out_s.n_children == 3);
  CHECK(strcmp(out_s.children[0]->name, "pid") == 0);
  CHECK(strcmp(out_s.children[2]->name, "visit") == 0); /* `gone` dropped */
  one_value(ps, "aadhaar", "2345 6789 0124", want, sizeof want);
  CHECK(value_at(out.children[1], 0, got, sizeof got) && strcmp(got, want) == 0);
  one_value(ps, "pid", "P1", want, sizeof want);
  CHECK(value_at(out.children[0], 0, got, sizeof got) && strcmp(got, want) == 0);
  CHECK(value_at(out.children[2], 0, got, sizeof got) && strlen(got) == 10 &&
        strcmp(got, "2024-01-01") != 0);
  out.release(&out);
  out_s.release(&out_s);

  /* `null-field`: every row kept, the invalid value and the unshiftable date null. */
  make_batch(names, cols, 4, 3, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_batch(ps, false, S("null-field"), &in, &in_s, &out, &out_s,
                                             err),
         CONSENTRY_RESULT_OK);
  CHECK(out.length == 3);
  CHECK(!value_at(out.children[1], 1, got, sizeof got));
  CHECK(!value_at(out.children[2], 2, got, sizeof got));
  CHECK(value_at(out.children[2], 1, got, sizeof got));
  out.release(&out);
  out_s.release(&out_s);

  /* A column array where a struct array is expected. */
  array_releases = schema_releases = 0;
  make_column("pid", pid, 3, &in, &in_s);
  EXPECT(consentry_pseudonymiser_arrow_batch(ps, false, S("fail"), &in, &in_s, &out, &out_s, err),
         CONSENTRY_RESULT_ARROW_INVALID);
  CHECK(array_releases == 1 && schema_releases == 1 && out.release == NULL);
}

int main(void) {
  consentry_error *err = NULL;
  const consentry_pseudonymiser *ps = NULL;
  EXPECT(consentry_error_new(&err), CONSENTRY_RESULT_OK);
  EXPECT(consentry_pseudonymiser_new(S(POLICY), MASTER, 32, &ps, err),
         CONSENTRY_RESULT_OK);
  test_column(ps, err);
  test_batch(ps, err);
  consentry_pseudonymiser_free(ps);
  consentry_error_free(err);
  printf("test_arrow: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
