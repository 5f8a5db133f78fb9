/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Input-current protocols: steps, pulses, ramps and constants, summed, parsed from one string.
 *
 * Grammar:  SPEC := TERM ( '+' TERM )*
 *           TERM := KIND ':' KEY '=' NUMBER ( ',' KEY '=' NUMBER | ',' FLAG )*
 *   const:amp=A                          A at all times
 *   step:onset=T,amp=A[,dur=D]           A while T < t (and t < T + D when D is given)
 *   pulse:start=T,width=W,amp=A          A while T < t < T + W
 *   ramp:start=T,slope=S[,from=B][,dur=D]
 *                                        B for t <= T, B + S (t - T) for t > T
 *                                        (and 0 for t >= T + D when D is given)
 * Times are in ms; amplitudes in the model's current unit. Blanks are allowed around the
 * separators (+ : , =) and at the ends, never inside a kind, a key or a number. A '+' followed
 * by a letter (a kind) separates terms; before a digit or a point it belongs to a number
 * ("amp=1e+3", "onset=+5"). NUMBER is a whole decimal number by the rules of number.h: no
 * hexadecimal, no inf or nan, subnormal numbers accepted. A trailing or doubled ',' or '+' is an
 * error, and so is an empty spec. The whole text is parsed, whatever its length: nothing is
 * cut short.
 *
 * Edges: a step or pulse is OFF at its edges (open interval T < t < T + D), as the study
 * ("I = 5 when t > 300") and Izhikevich's 2004 figure script ("T1 < t < T1 + 5") define them.
 * The flag 'closed' (e.g. "step:onset=50,dur=200,amp=-5,closed") makes both edges ON
 * (T <= t <= T + D), which two of the 2004 protocols use.
 *
 * Time convention: the neuron step from t_k to t_{k+1} uses I(t_k), t_k = k * dt. */
#ifndef SPIKETALK_STIMULUS_H
#define SPIKETALK_STIMULUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ST_STIM_MAX_TERMS 16

typedef enum st_stim_kind {
    ST_STIM_CONST,
    ST_STIM_STEP,
    ST_STIM_PULSE,
    ST_STIM_RAMP
} st_stim_kind;

typedef struct st_stim_term {
    st_stim_kind kind;
    double amp;        /* const/step/pulse amplitude (current unit) */
    double start_ms;   /* step onset, pulse start, ramp start */
    double dur_ms;     /* step duration, pulse width, ramp duration; INFINITY: unbounded */
    double slope;      /* ramp slope (current unit per ms) */
    double from;       /* ramp level at and before its start */
    bool closed;       /* edges included (T <= t <= T + D) instead of excluded */
} st_stim_term;

typedef struct st_stimulus {
    size_t n;                              /* number of terms; 0 is the zero current */
    st_stim_term term[ST_STIM_MAX_TERMS];
} st_stimulus;

/* Parses 'spec' into 'out'. On failure returns ST_ERR_INVAL and err->msg names the offending
 * token, e.g. "--input: 'stp:onset=1': unknown kind 'stp' (const, step, pulse, ramp)".
 * 'what' is the name used at the start of the message (e.g. "--input"); NULL means "input".
 * Numbers must be finite; durations and widths > 0; a term kind's required keys present. */
ST_API st_status st_stimulus_parse(const char *spec, st_stimulus *out, const char *what,
                                   st_error *err);

/* The current at time t_ms: the sum of the terms. */
ST_API double st_stimulus_at(const st_stimulus *s, double t_ms);

/* Fills out[i] = st_stimulus_at(s, (k0 + i) * dt_ms) for i < n. No allocation. */
ST_API void st_stimulus_render(const st_stimulus *s, uint64_t k0, double dt_ms, double *out,
                               size_t n);

/* A buffer of this size holds the text of any stimulus st_stimulus_format writes (16 terms of
 * at most 170 characters each). */
#define ST_STIMULUS_TEXT_MAX 4096

/* Writes the canonical text of 's' into buf (NUL-terminated when size > 0, cut short when it
 * does not fit) and returns the length of the whole text, as snprintf; it is always below
 * ST_STIMULUS_TEXT_MAX. For any 's' that st_stimulus_parse made, st_stimulus_parse reads the
 * text back to the same terms, bit for bit (numbers are written with st_format_double). The zero
 * stimulus prints "const:amp=0". */
ST_API int st_stimulus_format(const st_stimulus *s, char *buf, size_t size);

/* Smallest and largest value over [0, t_end_ms] (exact for these piecewise-linear terms): +-inf
 * where the terms overflow, NAN for both where their sum is not a number (inf - inf). */
ST_API void st_stimulus_range(const st_stimulus *s, double t_end_ms, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif
