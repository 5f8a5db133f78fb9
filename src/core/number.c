/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Numbers from text: the whole token is one decimal number, or it is refused with a reason. */
#include "spiketalk/number.h"

#include <locale.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Numerals shorter than this are converted from a copy on the stack. */
#define SMALL_NUMERAL 64

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True if the n characters at s spell 'word' in any case. */
static bool spells(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (n != k)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != word[i])
            return false;
    return true;
}

/* The "C" numeric locale, made once: strtod must read '.' whatever locale a GUI has set.
 * WASI has the C locale only (and its newlocale would import the host's environment). */
static locale_t c_numeric(void)
{
#ifdef __wasi__
    return (locale_t)0;
#endif
    static _Atomic(locale_t) cached = (locale_t)0;
    locale_t loc = atomic_load(&cached);
    if (loc)
        return loc;
    locale_t made = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!made)
        return (locale_t)0;
    locale_t expected = (locale_t)0;
    if (!atomic_compare_exchange_strong(&cached, &expected, made)) {
        freelocale(made); /* another thread was first */
        return expected;
    }
    return made;
}

/* Checks the grammar; *nonzero tells whether any digit of the significand is not 0. */
static st_number_status check_syntax(const char *s, size_t n, bool *nonzero)
{
    size_t i = 0, digits = 0;
    *nonzero = false;
    if (s[i] == '+' || s[i] == '-')
        i++;
    const char *body = s + i;
    size_t rest = n - i;
    if (spells(body, rest, "inf") || spells(body, rest, "infinity") || spells(body, rest, "nan") ||
        (rest > 4 && spells(body, 4, "nan(")))
        return ST_NUMBER_WORD;
    if (rest >= 2 && body[0] == '0' && lower(body[1]) == 'x')
        return ST_NUMBER_HEX;
    for (; i < n && is_digit(s[i]); i++, digits++)
        *nonzero |= s[i] != '0';
    if (i < n && s[i] == '.')
        for (i++; i < n && is_digit(s[i]); i++, digits++)
            *nonzero |= s[i] != '0';
    if (digits == 0)
        return ST_NUMBER_SYNTAX;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = 0;
        for (; i < n && is_digit(s[i]); i++)
            exp_digits++;
        if (exp_digits == 0)
            return ST_NUMBER_SYNTAX;
    }
    return i == n ? ST_NUMBER_OK : ST_NUMBER_SYNTAX;
}

st_number_status st_number_parse(const char *s, size_t n, double *out)
{
    if (!s || n == 0)
        return ST_NUMBER_EMPTY;
    for (size_t i = 0; i < n; i++)
        if (is_blank(s[i]))
            return ST_NUMBER_SPACE;
    bool nonzero;
    st_number_status st = check_syntax(s, n, &nonzero);
    if (st)
        return st;
    /* strtod needs a terminated copy: the span may be followed by more text, or by nothing. */
    char small[SMALL_NUMERAL];
    char *buf = n < sizeof small ? small : st_malloc(n + 1);
    if (!buf)
        return ST_NUMBER_NOMEM;
    memcpy(buf, s, n);
    buf[n] = '\0';
    locale_t c = c_numeric();
    locale_t saved = c ? uselocale(c) : (locale_t)0;
    char *end;
    double x = strtod(buf, &end);
    if (c)
        uselocale(saved);
    bool whole = end == buf + n;
    if (buf != small)
        st_free(buf);
    if (!whole)
        return ST_NUMBER_SYNTAX; /* not reached: the grammar is a subset of strtod's */
    if (isinf(x))
        return ST_NUMBER_OVERFLOW;
    if (x == 0.0 && nonzero)
        return ST_NUMBER_UNDERFLOW;
    *out = x;
    return ST_NUMBER_OK;
}

const char *st_number_why(st_number_status st)
{
    switch (st) {
    case ST_NUMBER_OK: return "";
    case ST_NUMBER_EMPTY: return "empty";
    case ST_NUMBER_SPACE: return "spaces are not part of a number";
    case ST_NUMBER_HEX: return "hexadecimal is not accepted; write it in decimal";
    case ST_NUMBER_WORD: return "inf and nan are not accepted";
    case ST_NUMBER_SYNTAX: return "not a decimal number such as 5, -0.25 or 1e-3";
    case ST_NUMBER_OVERFLOW: return "too large: beyond 1.8e308";
    case ST_NUMBER_UNDERFLOW: return "too close to 0: it would read as 0 (below 4.9e-324)";
    case ST_NUMBER_NOMEM: return "out of memory";
    }
    return "not a number";
}
