/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness: the stimulus parser on any text. Properties: a parse either succeeds or
 * says why under the caller's name; what st_stimulus_format writes for a parsed stimulus fits
 * ST_STIMULUS_TEXT_MAX and parses back to the same terms, bit for bit (format -> parse round
 * trip), and formats again to the same text; evaluation never misbehaves. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/stimulus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "fuzz-stimulus: %s\n  first:  %s\n  second: %s\n", what, a, b);
    abort();
}

static int same_bits(double a, double b)
{
    return !memcmp(&a, &b, sizeof a);
}

static int same_terms(const st_stimulus *a, const st_stimulus *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const st_stim_term *x = &a->term[i], *y = &b->term[i];
        if (x->kind != y->kind || x->closed != y->closed || !same_bits(x->amp, y->amp) ||
            !same_bits(x->start_ms, y->start_ms) || !same_bits(x->dur_ms, y->dur_ms) ||
            !same_bits(x->slope, y->slope) || !same_bits(x->from, y->from))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';
    st_stimulus s;
    st_error err = {0};
    if (st_stimulus_parse(spec, &s, "--input", &err) != ST_OK) {
        if (strncmp(err.msg, "--input: ", 9) || err.code != ST_ERR_INVAL)
            fail("a refusal that does not name its caller", spec, err.msg);
        free(spec);
        return 0;
    }
    if (s.n < 1 || s.n > ST_STIM_MAX_TERMS)
        fail("a parse with no terms or too many", spec, "");
    static char text[ST_STIMULUS_TEXT_MAX], again[ST_STIMULUS_TEXT_MAX];
    int len = st_stimulus_format(&s, text, sizeof text);
    if (len <= 0 || (size_t)len >= sizeof text || strlen(text) != (size_t)len)
        fail("st_stimulus_format's length is wrong or too long", spec, text);
    st_stimulus back;
    if (st_stimulus_parse(text, &back, "--input", &err) != ST_OK)
        fail("the formatted text does not parse", text, err.msg);
    if (!same_terms(&s, &back))
        fail("the formatted text parses to other terms", spec, text);
    st_stimulus_format(&back, again, sizeof again);
    if (strcmp(text, again))
        fail("formatting is not stable", text, again);
    /* a cut copy is a prefix, terminated */
    char small[16];
    if (st_stimulus_format(&s, small, sizeof small) != len || strncmp(small, text, 15))
        fail("a small buffer gets something else", text, small);
    /* evaluation at awkward times: no undefined behaviour whatever the values */
    const double t[] = {-1.0, 0.0, 0.5, 1e3, 1e300, INFINITY, NAN};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        (void)st_stimulus_at(&s, t[i]);
    double out[8], lo, hi;
    st_stimulus_render(&s, 3, 0.25, out, 8);
    st_stimulus_range(&s, 1000.0, &lo, &hi);
    if (!isnan(lo) && lo > hi)
        fail("range: lo > hi", spec, text);
    free(spec);
    return 0;
}
