/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Input-current protocols: parsing, evaluation and formatting of summed step/pulse/ramp terms. */
#include "spiketalk/stimulus.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TOKEN_MAX 128

static const char *const kind_names[] = {"const", "step", "pulse", "ramp"};

/* Keys a kind accepts, in the order --help and errors list them. */
static const char *const kind_keys[] = {
    "amp", "onset, amp, dur, closed", "start, width, amp, closed", "start, slope, from, dur"};

/* ---- parsing ---------------------------------------------------------------------------- */

/* Copies s[0..n) into buf without spaces; NUL-terminates; truncates with "...". */
static void copy_token(char *buf, size_t size, const char *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < size; i++)
        if (!isspace((unsigned char)s[i]))
            buf[j++] = s[i];
    buf[j] = '\0';
    if (j + 1 == size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

static bool parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(x))
        return false;
    *out = x;
    return true;
}

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
static unsigned key_field(st_stim_kind k, const char *key)
{
    if (!strcmp(key, "amp")) return F_AMP;
    if (!strcmp(key, "slope")) return F_SLOPE;
    if (!strcmp(key, "from")) return F_FROM;
    if (!strcmp(key, "closed")) return F_CLOSED;
    if (!strcmp(key, k == ST_STIM_STEP ? "onset" : "start")) return F_START;
    if (!strcmp(key, k == ST_STIM_PULSE ? "width" : "dur")) return F_DUR;
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

/* Parses one "key=value" (or flag) item into 't'. */
static st_status parse_item(st_stim_term *t, unsigned *seen, const char *item, const char *what,
                            const char *term, st_error *err)
{
    char key[TOKEN_MAX];
    const char *eq = strchr(item, '=');
    copy_token(key, sizeof key, item, eq ? (size_t)(eq - item) : strlen(item));
    unsigned f = key_field(t->kind, key);
    if (!f || !(f & allowed(t->kind)))
        return st_error_set(err, ST_ERR_INVAL, "%s: '%s': unknown key '%s' for %s (%s)", what,
                            term, key, kind_names[t->kind], kind_keys[t->kind]);
    if (*seen & f)
        return st_error_set(err, ST_ERR_INVAL, "%s: '%s': '%s' given twice", what, term, key);
    *seen |= f;
    if (f == F_CLOSED) {
        if (eq)
            return st_error_set(err, ST_ERR_INVAL, "%s: '%s': 'closed' takes no value", what,
                                term);
        t->closed = true;
        return ST_OK;
    }
    double x;
    if (!eq || !parse_number(eq + 1, &x))
        return st_error_set(err, ST_ERR_INVAL, "%s: '%s': '%s' is not a finite number", what,
                            term, item);
    if (f == F_DUR && !(x > 0))
        return st_error_set(err, ST_ERR_INVAL, "%s: '%s': '%s' must be > 0", what, term, item);
    switch (f) {
    case F_AMP: t->amp = x; break;
    case F_START: t->start_ms = x; break;
    case F_DUR: t->dur_ms = x; break;
    case F_SLOPE: t->slope = x; break;
    default: t->from = x; break;
    }
    return ST_OK;
}

/* Parses one term "kind:item,item,..." (spaces already removed). */
static st_status parse_term(const char *term, st_stim_term *t, const char *what, st_error *err)
{
    const char *colon = strchr(term, ':');
    char kind[TOKEN_MAX];
    copy_token(kind, sizeof kind, term, colon ? (size_t)(colon - term) : strlen(term));
    memset(t, 0, sizeof *t);
    t->dur_ms = INFINITY;
    size_t k = 0;
    while (k < 4 && strcasecmp(kind, kind_names[k]))
        k++;
    if (k == 4)
        return st_error_set(err, ST_ERR_INVAL,
                            "%s: '%s': unknown kind '%s' (const, step, pulse, ramp)", what, term,
                            kind);
    t->kind = (st_stim_kind)k;
    if (!colon || !colon[1])
        return st_error_set(err, ST_ERR_INVAL, "%s: '%s': %s needs %s", what, term, kind,
                            kind_keys[k]);
    unsigned seen = 0;
    for (const char *p = colon + 1; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char item[TOKEN_MAX];
        copy_token(item, sizeof item, p, n);
        st_status st = parse_item(t, &seen, item, what, term, err);
        if (st)
            return st;
        p += n + (comma ? 1 : 0);
    }
    unsigned missing = required(t->kind) & ~seen;
    if (missing)
        return st_error_set(err, ST_ERR_INVAL, "%s: '%s': missing '%s'", what, term,
                            field_key(t->kind, missing & -missing));
    return ST_OK;
}

st_status st_stimulus_parse(const char *spec, st_stimulus *out, const char *what, st_error *err)
{
    what = what ? what : "input";
    if (!spec)
        return st_error_set(err, ST_ERR_INVAL, "%s: empty protocol", what);
    char text[1024];
    copy_token(text, sizeof text, spec, strlen(spec));
    if (strlen(spec) >= sizeof text - 1)
        return st_error_set(err, ST_ERR_INVAL, "%s: protocol too long", what);
    if (!text[0])
        return st_error_set(err, ST_ERR_INVAL, "%s: empty protocol", what);
    st_stimulus s = {0};
    char *p = text;
    for (;;) {
        /* A '+' separates terms when a kind name (a letter) follows it; '+' after '=' or an
         * exponent 'e' is part of a number. */
        char *q = p;
        while (*q && !(*q == '+' && isalpha((unsigned char)q[1])))
            q++;
        char sep = *q;
        *q = '\0';
        if (s.n == ST_STIM_MAX_TERMS)
            return st_error_set(err, ST_ERR_INVAL, "%s: more than %d terms", what,
                                ST_STIM_MAX_TERMS);
        st_status st = parse_term(p, &s.term[s.n], what, err);
        if (st)
            return st;
        s.n++;
        if (!sep)
            break;
        p = q + 1;
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
        mn = fmin(mn, v);
        mx = fmax(mx, v);
    }
    *lo = mn;
    *hi = mx;
}

/* ---- formatting ------------------------------------------------------------------------- */

#define FMT(buf, x) st_format_double(buf, sizeof buf, x)

int st_stimulus_format(const st_stimulus *s, char *buf, size_t size)
{
    char tmp[1024];
    size_t len = 0;
    if (s->n == 0)
        len = (size_t)snprintf(tmp, sizeof tmp, "const:amp=0");
    for (size_t i = 0; i < s->n && len < sizeof tmp; i++) {
        const st_stim_term *t = &s->term[i];
        char *p = tmp + len;
        size_t room = sizeof tmp - len;
        const char *plus = i ? "+" : "";
        char a[40], b[40], c[40];
        int w = 0;
        switch (t->kind) {
        case ST_STIM_CONST:
            w = snprintf(p, room, "%sconst:amp=%s", plus, FMT(a, t->amp));
            break;
        case ST_STIM_STEP:
            w = snprintf(p, room, "%sstep:onset=%s,amp=%s", plus, FMT(a, t->start_ms),
                         FMT(b, t->amp));
            if (isfinite(t->dur_ms) && w > 0 && (size_t)w < room)
                w += snprintf(p + w, room - (size_t)w, ",dur=%s", FMT(c, t->dur_ms));
            break;
        case ST_STIM_PULSE:
            w = snprintf(p, room, "%spulse:start=%s,width=%s,amp=%s", plus,
                         FMT(a, t->start_ms), FMT(b, t->dur_ms), FMT(c, t->amp));
            break;
        case ST_STIM_RAMP:
            w = snprintf(p, room, "%sramp:start=%s,slope=%s", plus, FMT(a, t->start_ms),
                         FMT(b, t->slope));
            if (t->from != 0.0 && w > 0 && (size_t)w < room)
                w += snprintf(p + w, room - (size_t)w, ",from=%s", FMT(c, t->from));
            if (isfinite(t->dur_ms) && w > 0 && (size_t)w < room)
                w += snprintf(p + w, room - (size_t)w, ",dur=%s", FMT(c, t->dur_ms));
            break;
        }
        if (t->closed && w > 0 && (size_t)w < room)
            w += snprintf(p + w, room - (size_t)w, ",closed");
        len += w > 0 ? (size_t)w : 0;
    }
    return snprintf(buf, size, "%s", tmp);
}
