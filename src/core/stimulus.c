/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Input-current protocols: parsing, evaluation and formatting of summed step/pulse/ramp terms. */
#include "spiketalk/stimulus.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spiketalk/number.h"

/* A quoted piece of user text in a message is cut after this many characters (with "...");
 * the text itself is always parsed whole. */
#define QUOTE_MAX 60

static const char *const kind_names[] = {"const", "step", "pulse", "ramp"};

/* Keys a kind accepts, in the order --help and errors list them. */
static const char *const kind_keys[] = {
    "amp", "onset, amp, dur, closed", "start, width, amp, closed", "start, slope, from, dur"};

/* ---- parsing ---------------------------------------------------------------------------- */

/* The parser works on spans of the caller's text: nothing is copied, so nothing is cut. */
typedef struct span {
    const char *s;
    size_t n;
} span;

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Without the blanks at both ends (blanks are allowed around the separators). */
static bool letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static span trim(span x)
{
    while (x.n && blank(x.s[0])) {
        x.s++;
        x.n--;
    }
    while (x.n && blank(x.s[x.n - 1]))
        x.n--;
    return x;
}

static span sub(span x, size_t from, size_t to)
{
    return (span){x.s + from, to - from};
}

/* The index of the first 'c' in x, or x.n. */
static size_t find(span x, char c)
{
    const char *p = x.n ? memchr(x.s, c, x.n) : NULL;
    return p ? (size_t)(p - x.s) : x.n;
}

static bool same(span x, const char *word)
{
    return strlen(word) == x.n && !memcmp(x.s, word, x.n);
}

/* "%.*s%s" arguments for a span in a message, cut at QUOTE_MAX characters. */
#define QUOTED(x) \
    (int)((x).n > QUOTE_MAX ? QUOTE_MAX : (x).n), (x).s, ((x).n > QUOTE_MAX ? "..." : "")

/* Fields that a term kind requires, as bits, and which were seen. */
enum { F_AMP = 1, F_START = 2, F_DUR = 4, F_SLOPE = 8, F_FROM = 16, F_CLOSED = 32 };

static unsigned required(st_stim_kind k)
{
    switch (k) {
    case ST_STIM_CONST: return F_AMP;
    case ST_STIM_STEP: return F_AMP | F_START;
    case ST_STIM_PULSE: return F_AMP | F_START | F_DUR;
    case ST_STIM_RAMP: return F_START | F_SLOPE;
    }
    return 0;
}

static unsigned allowed(st_stim_kind k)
{
    switch (k) {
    case ST_STIM_CONST: return F_AMP;
    case ST_STIM_STEP: return F_AMP | F_START | F_DUR | F_CLOSED;
    case ST_STIM_PULSE: return F_AMP | F_START | F_DUR | F_CLOSED;
    case ST_STIM_RAMP: return F_START | F_SLOPE | F_FROM | F_DUR;
    }
    return 0;
}

/* Maps a key to its field bit for kind 'k' ("onset" and "start" are one field; "width" and
 * "dur" too). 0 if unknown. */
static unsigned key_field(st_stim_kind k, span key)
{
    if (same(key, "amp")) return F_AMP;
    if (same(key, "slope")) return F_SLOPE;
    if (same(key, "from")) return F_FROM;
    if (same(key, "closed")) return F_CLOSED;
    if (same(key, k == ST_STIM_STEP ? "onset" : "start")) return F_START;
    if (same(key, k == ST_STIM_PULSE ? "width" : "dur")) return F_DUR;
    return 0;
}

static const char *field_key(st_stim_kind k, unsigned f)
{
    switch (f) {
    case F_AMP: return "amp";
    case F_START: return k == ST_STIM_STEP ? "onset" : "start";
    case F_DUR: return k == ST_STIM_PULSE ? "width" : "dur";
    case F_SLOPE: return "slope";
    default: return "from";
    }
}

/* Parses one "key=value" (or flag) item, already trimmed, into 't'. */
static st_status parse_item(st_stim_term *t, unsigned *seen, span item, const char *what,
                            span term, st_error *err)
{
    size_t eq = find(item, '=');
    span key = trim(sub(item, 0, eq));
    unsigned f = key_field(t->kind, key);
    if (!f || !(f & allowed(t->kind)))
        return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s': unknown key '%.*s%s' for %s (%s)",
                            what, QUOTED(term), QUOTED(key), kind_names[t->kind],
                            kind_keys[t->kind]);
    if (*seen & f)
        return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s': '%.*s' given twice", what,
                            QUOTED(term), (int)key.n, key.s);
    *seen |= f;
    if (f == F_CLOSED) {
        if (eq < item.n)
            return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s': 'closed' takes no value",
                                what, QUOTED(term));
        t->closed = true;
        return ST_OK;
    }
    if (eq == item.n)
        return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s': '%.*s' needs a value (%.*s=NUMBER)",
                            what, QUOTED(term), (int)key.n, key.s, (int)key.n, key.s);
    span value = trim(sub(item, eq + 1, item.n));
    double x;
    st_number_status ns = st_number_parse(value.s, value.n, &x);
    if (ns)
        return st_error_set(err, ns == ST_NUMBER_NOMEM ? ST_ERR_NOMEM : ST_ERR_INVAL,
                            "%s: '%.*s%s': '%.*s%s' is not a finite number (%s)", what,
                            QUOTED(term), QUOTED(item), st_number_why(ns));
    if (f == F_DUR && !(x > 0))
        return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s': '%.*s%s' must be > 0", what,
                            QUOTED(term), QUOTED(item));
    switch (f) {
    case F_AMP: t->amp = x; break;
    case F_START: t->start_ms = x; break;
    case F_DUR: t->dur_ms = x; break;
    case F_SLOPE: t->slope = x; break;
    default: t->from = x; break;
    }
    return ST_OK;
}

/* Parses one term "kind:item,item,...", already trimmed and not empty. */
static st_status parse_term(span term, st_stim_term *t, const char *what, st_error *err)
{
    size_t colon = find(term, ':');
    span kind = trim(sub(term, 0, colon));
    memset(t, 0, sizeof *t);
    t->dur_ms = INFINITY;
    size_t k = 0;
    while (k < 4 && !(kind.n == strlen(kind_names[k]) &&
                      !strncasecmp(kind.s, kind_names[k], kind.n)))
        k++;
    if (k == 4)
        return st_error_set(err, ST_ERR_INVAL,
                            "%s: '%.*s%s': unknown kind '%.*s%s' (const, step, pulse, ramp)", what,
                            QUOTED(term), QUOTED(kind));
    t->kind = (st_stim_kind)k;
    span body = colon < term.n ? trim(sub(term, colon + 1, term.n)) : (span){term.s, 0};
    if (!body.n)
        return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s': %s needs %s", what, QUOTED(term),
                            kind_names[k], kind_keys[k]);
    unsigned seen = 0;
    for (size_t at = 0;;) {
        size_t comma = at + find(sub(body, at, body.n), ',');
        span item = trim(sub(body, at, comma));
        if (!item.n)
            return st_error_set(err, ST_ERR_INVAL,
                                "%s: '%.*s%s': an empty item (a ',' with nothing %s it)", what,
                                QUOTED(term), at == 0 ? "before" : "after");
        st_status st = parse_item(t, &seen, item, what, term, err);
        if (st)
            return st;
        if (comma == body.n)
            break;
        at = comma + 1;
    }
    unsigned missing = required(t->kind) & ~seen;
    if (missing)
        return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s': missing '%s'", what, QUOTED(term),
                            field_key(t->kind, missing & -missing));
    return ST_OK;
}

/* The end of the term that starts at 'at': the next '+' whose next non-blank character is a
 * letter (a kind name), another '+' or the end of the text (the last two make an empty term, an
 * error). A '+' before a digit, a point or a '-' belongs to a number ("1e+3", "onset=+5"). */
static size_t term_end(span text, size_t at)
{
    for (size_t i = at; i < text.n; i++) {
        if (text.s[i] != '+')
            continue;
        size_t j = i + 1;
        while (j < text.n && blank(text.s[j]))
            j++;
        if (j == text.n || letter(text.s[j]) || text.s[j] == '+')
            return i;
    }
    return text.n;
}

st_status st_stimulus_parse(const char *spec, st_stimulus *out, const char *what, st_error *err)
{
    what = what ? what : "input";
    span text = trim((span){spec, spec ? strlen(spec) : 0});
    if (!text.n)
        return st_error_set(err, ST_ERR_INVAL, "%s: empty protocol", what);
    st_stimulus s = {0};
    for (size_t at = 0;;) {
        size_t end = term_end(text, at);
        span term = trim(sub(text, at, end));
        if (!term.n)
            return st_error_set(err, ST_ERR_INVAL, "%s: an empty term (a '+' with nothing %s it)",
                                what, at == 0 ? "before" : "after");
        if (s.n == ST_STIM_MAX_TERMS)
            return st_error_set(err, ST_ERR_INVAL, "%s: more than %d terms", what,
                                ST_STIM_MAX_TERMS);
        st_status st = parse_term(term, &s.term[s.n], what, err);
        if (st)
            return st;
        s.n++;
        if (end == text.n)
            break;
        at = end + 1;
    }
    *out = s;
    return ST_OK;
}

/* ---- evaluation ------------------------------------------------------------------------- */

static inline double term_at(const st_stim_term *t, double tm)
{
    switch (t->kind) {
    case ST_STIM_CONST:
        return t->amp;
    case ST_STIM_STEP:
    case ST_STIM_PULSE:
        if (t->closed)
            return (tm >= t->start_ms && tm <= t->start_ms + t->dur_ms) ? t->amp : 0.0;
        return (tm > t->start_ms && tm < t->start_ms + t->dur_ms) ? t->amp : 0.0;
    case ST_STIM_RAMP:
        if (tm >= t->start_ms + t->dur_ms)
            return 0.0;
        return tm > t->start_ms ? t->from + t->slope * (tm - t->start_ms) : t->from;
    }
    return 0.0;
}

double st_stimulus_at(const st_stimulus *s, double t_ms)
{
    double sum = 0.0;
    for (size_t i = 0; i < s->n; i++)
        sum += term_at(&s->term[i], t_ms);
    return sum;
}

void st_stimulus_render(const st_stimulus *s, uint64_t k0, double dt_ms, double *out, size_t n)
{
    /* One term (the common case) skips the zero + x addition, so a lone step's values are
     * exactly its amplitude as the reference scripts compute them. */
    if (s->n == 1) {
        const st_stim_term *t = &s->term[0];
        for (size_t i = 0; i < n; i++)
            out[i] = term_at(t, (double)(k0 + i) * dt_ms);
        return;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = st_stimulus_at(s, (double)(k0 + i) * dt_ms);
}

void st_stimulus_range(const st_stimulus *s, double t_end_ms, double *lo, double *hi)
{
    /* Piecewise linear: extremes lie at 0, t_end or next to an edge. */
    double probe[2 + 6 * ST_STIM_MAX_TERMS];
    size_t np = 0;
    probe[np++] = 0.0;
    probe[np++] = t_end_ms;
    for (size_t i = 0; i < s->n; i++) {
        double a = s->term[i].start_ms, b = a + s->term[i].dur_ms;
        double eps = 1e-9 * (1.0 + fabs(a));
        probe[np++] = a;
        probe[np++] = a + eps;
        if (isfinite(b)) {
            probe[np++] = b - eps;
            probe[np++] = b;
            probe[np++] = b + eps;
        }
    }
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < np; i++) {
        if (probe[i] < 0.0 || probe[i] > t_end_ms)
            continue;
        double v = st_stimulus_at(s, probe[i]);
        if (isnan(v)) { /* overflowing terms of opposite signs: inf - inf */
            mn = mx = NAN;
            break;
        }
        mn = fmin(mn, v);
        mx = fmax(mx, v);
    }
    *lo = mn;
    *hi = mx;
}

/* ---- formatting ------------------------------------------------------------------------- */

/* Text appended to a caller's buffer, counting what would have been written, as snprintf. */
typedef struct text {
    char *buf;
    size_t size, len;
} text;

static void put(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->size && t->len + 1 < t->size) {
        size_t room = t->size - 1 - t->len;
        memcpy(t->buf + t->len, s, n < room ? n : room);
    }
    t->len += n;
}

static void put_num(text *t, const char *key, double x)
{
    char num[40];
    put(t, key);
    put(t, st_format_double(num, sizeof num, x));
}

int st_stimulus_format(const st_stimulus *s, char *buf, size_t size)
{
    text t = {buf, size, 0};
    if (s->n == 0)
        put(&t, "const:amp=0");
    for (size_t i = 0; i < s->n && i < ST_STIM_MAX_TERMS; i++) {
        const st_stim_term *term = &s->term[i];
        if (i)
            put(&t, "+");
        switch (term->kind) {
        case ST_STIM_CONST:
            put_num(&t, "const:amp=", term->amp);
            break;
        case ST_STIM_STEP:
            put_num(&t, "step:onset=", term->start_ms);
            put_num(&t, ",amp=", term->amp);
            if (isfinite(term->dur_ms))
                put_num(&t, ",dur=", term->dur_ms);
            break;
        case ST_STIM_PULSE:
            put_num(&t, "pulse:start=", term->start_ms);
            put_num(&t, ",width=", term->dur_ms);
            put_num(&t, ",amp=", term->amp);
            break;
        case ST_STIM_RAMP:
            put_num(&t, "ramp:start=", term->start_ms);
            put_num(&t, ",slope=", term->slope);
            if (term->from != 0.0 || signbit(term->from)) /* -0 reads back as -0 */
                put_num(&t, ",from=", term->from);
            if (isfinite(term->dur_ms))
                put_num(&t, ",dur=", term->dur_ms);
            break;
        }
        /* only where the grammar has the flag, so that the text always parses */
        if (term->closed && (term->kind == ST_STIM_STEP || term->kind == ST_STIM_PULSE))
            put(&t, ",closed");
    }
    if (size)
        buf[t.len < size ? t.len : size - 1] = '\0';
    return (int)t.len;
}
