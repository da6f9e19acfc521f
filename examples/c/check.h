/* Shared by the C test programs (examples/c/test_*.c): a check counter and two checks that
 * report file, line and the failing expression, and byte-span helpers for literals and strings.
 * Each program includes it once (the counters are per program). */
#ifndef CONSENTRY_EXAMPLES_CHECK_H
#define CONSENTRY_EXAMPLES_CHECK_H

#include <stdio.h>
#include <string.h>

#include "consentry.h"

static int checks, failures;

#define CHECK(cond)                                                           \
  do {                                                                        \
    checks++;                                                                 \
    if (!(cond)) {                                                            \
      failures++;                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                         \
  } while (0)

#define EXPECT(expr, want)                                                            \
  do {                                                                                \
    consentry_result rc_ = (expr);                                                    \
    checks++;                                                                         \
    if (rc_ != (consentry_result)(want)) {                                            \
      failures++;                                                                     \
      fprintf(stderr, "%s:%d: %s\n  -> %u %s, want %u %s\n", __FILE__, __LINE__, #expr, \
              (unsigned)rc_, consentry_result_name(rc_), (unsigned)(want),            \
              consentry_result_name(want));                                           \
    }                                                                                 \
  } while (0)

/* A string literal as (pointer, length) without its NUL; a C string likewise. */
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)
#define T(str) (const uint8_t *)(str), strlen(str)

#endif
