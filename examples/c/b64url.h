/* Base64url (RFC 4648 section 5, no padding) for the examples and tests. Header-only. */
#ifndef CONSENTRY_EXAMPLE_B64URL_H
#define CONSENTRY_EXAMPLE_B64URL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Encodes `len` bytes; returns a malloc'd NUL-terminated string (NULL on allocation failure). */
static inline char *b64url_encode(const uint8_t *in, size_t len) {
  char *out = malloc(len / 3 * 4 + 5);
  size_t o = 0, i = 0;
  if (!out) return NULL;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    out[o++] = B64URL[v >> 18 & 63]; out[o++] = B64URL[v >> 12 & 63];
    out[o++] = B64URL[v >> 6 & 63];  out[o++] = B64URL[v & 63];
  }
  if (len - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    out[o++] = B64URL[v >> 18 & 63]; out[o++] = B64URL[v >> 12 & 63];
  } else if (len - i == 2) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
    out[o++] = B64URL[v >> 18 & 63]; out[o++] = B64URL[v >> 12 & 63];
    out[o++] = B64URL[v >> 6 & 63];
  }
  out[o] = '\0';
  return out;
}

static inline int b64url_value(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

/* Decodes base64url text (trailing whitespace ignored) into `out` (at least len*3/4 bytes).
 * Returns the decoded length, or -1 if the text is not base64url. */
static inline long b64url_decode(const char *in, size_t len, uint8_t *out) {
  uint32_t acc = 0;
  int bits = 0;
  long o = 0;
  while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == '\r' || in[len - 1] == ' ')) len--;
  for (size_t i = 0; i < len; i++) {
    int v = b64url_value((unsigned char)in[i]);
    if (v < 0) return -1;
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
    }
  }
  return o;
}

#endif
