/* query_sanitize.c — the safety rules of CONTRACT §5 for values the pages
 * put into the DOM. They run in C, before any page code sees a value:
 *  - text (uploadLabel, loading_message): text, never markup — control
 *    characters dropped; the pages set it as textContent;
 *  - classes (uploadButtonClass, containerClass): whitespace-separated
 *    tokens kept only when every character is a class-name character;
 *  - style (uploadButtonStyle): only declarations of an allow-listed
 *    property whose value uses plain CSS value characters, with no url(),
 *    expression, backslash, '<', quotes, comments or smuggled ';';
 *  - media URLs (videoSrc, imageSrc): http(s), blob: and data:image|video. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "query/query.h"

static void append(char* out, size_t cap, size_t* used, const char* s, size_t n) {
  if (*used + n + 1 > cap) return; /* whole pieces or nothing: never half a token */
  memcpy(out + *used, s, n);
  *used += n;
  out[*used] = '\0';
}

void kt_sanitize_text(const char* in, char* out, size_t cap) {
  size_t o = 0;
  if (!cap) return;
  for (const unsigned char* p = (const unsigned char*)in; *p && o + 1 < cap; p++) {
    if (*p < 0x20 || *p == 0x7f) continue;
    out[o++] = (char)*p;
  }
  /* Do not end inside a UTF-8 sequence after truncation. */
  while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80) o--;
  if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0) o--;
  out[o] = '\0';
}

static bool class_char(unsigned char c) { return isalnum(c) || c == '-' || c == '_'; }

void kt_sanitize_classes(const char* in, char* out, size_t cap) {
  size_t used = 0;
  if (!cap) return;
  out[0] = '\0';
  const char* p = in;
  while (*p) {
    while (*p && isspace((unsigned char)*p)) p++;
    const char* start = p;
    bool ok = true;
    while (*p && !isspace((unsigned char)*p)) ok = class_char((unsigned char)*p++) && ok;
    size_t n = (size_t)(p - start);
    /* A class may not start with a digit or "--" in CSS selectors; both
     * are harmless in class attributes, but keep names conventional. */
    if (!n || !ok || isdigit((unsigned char)start[0])) continue;
    if (used) append(out, cap, &used, " ", 1);
    append(out, cap, &used, start, n);
  }
}

static const char* const kStyleProps[] = {
    "color", "background-color", "background", "border-color", "padding", "padding-top",
    "padding-right", "padding-bottom", "padding-left", "margin", "margin-top", "margin-right",
    "margin-bottom", "margin-left", "border", "border-width", "border-style", "border-radius",
    "font-size", "font-weight", "width", "height",
};

static bool style_prop_allowed(const char* name, size_t n) {
  for (size_t i = 0; i < sizeof(kStyleProps) / sizeof(kStyleProps[0]); i++)
    if (strlen(kStyleProps[i]) == n && strncmp(kStyleProps[i], name, n) == 0) return true;
  return false;
}

static int ci_ncmp(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int d = tolower((unsigned char)a[i]) - tolower((unsigned char)b[i]);
    if (d || !a[i]) return d;
  }
  return 0;
}

static bool contains_ci(const char* s, size_t n, const char* needle) {
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++) {
    size_t j = 0;
    while (j < m && tolower((unsigned char)s[i + j]) == needle[j]) j++;
    if (j == m) return true;
  }
  return false;
}

/* A value made of CSS value characters only; functions limited to colors. */
static bool style_value_safe(const char* v, size_t n) {
  if (!n) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (!(isalnum(c) || c == ' ' || c == '#' || c == '.' || c == '%' || c == '-' || c == ',' || c == '(' || c == ')'))
      return false;
  }
  if (!memchr(v, '(', n)) return true;
  /* Parentheses only for rgb()/rgba()/hsl()/hsla(); nothing like url( or expression( */
  static const char* const kBad[] = {"url", "expression", "image", "element", "var", "attr", "calc", "env"};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++)
    if (contains_ci(v, n, kBad[i])) return false;
  for (size_t i = 0; i < n; i++) {
    if (v[i] != '(') continue;
    size_t s = i;
    while (s > 0 && isalpha((unsigned char)v[s - 1])) s--;
    size_t len = i - s;
    bool color_fn = (len == 3 && (ci_ncmp(v + s, "rgb", 3) == 0 || ci_ncmp(v + s, "hsl", 3) == 0)) ||
                    (len == 4 && (ci_ncmp(v + s, "rgba", 4) == 0 || ci_ncmp(v + s, "hsla", 4) == 0));
    if (!color_fn) return false;
  }
  return true;
}

static void trim(const char** s, const char** e) {
  while (*s < *e && isspace((unsigned char)**s)) (*s)++;
  while (*e > *s && isspace((unsigned char)(*e)[-1])) (*e)--;
}

void kt_sanitize_style(const char* in, char* out, size_t cap) {
  size_t used = 0;
  if (!cap) return;
  out[0] = '\0';
  /* Anything that could open a string, comment, block or escape poisons the
   * whole attribute: a parser could disagree with ours about where
   * declarations end. */
  if (strpbrk(in, "\\\"'<>{}@/*!")) return;
  const char* p = in;
  while (*p) {
    const char* end = strchr(p, ';');
    if (!end) end = p + strlen(p);
    const char* colon = memchr(p, ':', (size_t)(end - p));
    if (colon) {
      const char *ns = p, *ne = colon, *vs = colon + 1, *ve = end;
      trim(&ns, &ne);
      trim(&vs, &ve);
      char name[32];
      size_t nn = (size_t)(ne - ns);
      if (nn > 0 && nn < sizeof(name) && !memchr(vs, ':', (size_t)(ve - vs))) {
        for (size_t i = 0; i < nn; i++) name[i] = (char)tolower((unsigned char)ns[i]);
        name[nn] = '\0';
        if (style_prop_allowed(name, nn) && style_value_safe(vs, (size_t)(ve - vs))) {
          char decl[2 * KT_QUERY_TEXT];
          int k = snprintf(decl, sizeof(decl), "%s%s: %.*s", used ? "; " : "", name, (int)(ve - vs), vs);
          if (k > 0 && (size_t)k < sizeof(decl)) append(out, cap, &used, decl, (size_t)k);
        }
      }
    }
    p = *end ? end + 1 : end;
  }
}

bool kt_media_url_allowed(const char* url) {
  for (const unsigned char* p = (const unsigned char*)url; *p; p++)
    if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '\'' || *p == '<' || *p == '>' || *p == '\\' || *p == '`')
      return false;
  if (ci_ncmp(url, "https://", 8) == 0) return url[8] != '\0';
  if (ci_ncmp(url, "http://", 7) == 0) return url[7] != '\0';
  if (ci_ncmp(url, "blob:", 5) == 0) return ci_ncmp(url + 5, "http", 4) == 0 || ci_ncmp(url + 5, "null", 4) == 0;
  if (ci_ncmp(url, "data:image/", 11) == 0 || ci_ncmp(url, "data:video/", 11) == 0) return true;
  return false;
}
