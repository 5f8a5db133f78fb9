/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal helpers shared by the core modules; not installed. */
#ifndef SPIKETALK_CORE_PRIVATE_H
#define SPIKETALK_CORE_PRIVATE_H

#include <assert.h>
#include <math.h>
#include <stddef.h>

#if defined(__GNUC__)
#define ST_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ST_ALWAYS_INLINE inline
#endif

/* Programmer errors only (never bad input): active in debug and test builds. */
#ifdef NDEBUG
#define ST_ASSERT(x) ((void)0)
#else
#define ST_ASSERT(x) assert(x)
#endif

#define ST_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* "%.*s%s" arguments that quote user text in a message, cut at 60 characters with "...";
 * the text itself is always parsed whole. */
#define ST_QUOTE_MAX 60
#define ST_QUOTED(s, n)                                                                     \
    (int)((n) > ST_QUOTE_MAX ? ST_QUOTE_MAX : (n)), (s), ((n) > ST_QUOTE_MAX ? "..." : "")

/* The index of 'name' (case-insensitive) among names[0 .. n), or -1 (also for NULL). */
int st_name_index(const char *const *names, size_t n, const char *name);

#include "spiketalk/pipeline.h"
#include "spiketalk/registry.h"

/* pipeline.c, shared with the drivers: allocate a result's output (and, when asked, its audio
 * and per-step taps) for r->n samples and r->steps steps; the message of a neuron's blow-up at
 * 'step'. */
st_status st_pipeline_alloc_taps(st_pipeline_result *r, bool audio, bool steps, st_error *err);
st_status st_pipeline_fault(const st_pipeline_result *r, uint64_t step, st_error *err);

/* frontend.c: the causal front end (gate, rectify, moving average / FIR Hilbert / none,
 * boxcar), block by block with its state carried across blocks. */
typedef struct st_front {
    st_gate gate;
    st_rectify_mode rectify;
    bool use_envma, use_fir, use_smooth;
    st_movavg envma, smooth;
    st_fir_hilbert fir;
} st_front;

/* The windows a configuration asks for at fs_hz, in samples. */
size_t st_front_movavg_window(const st_pipeline_config *c, double fs_hz);
size_t st_front_smooth_window(const st_pipeline_config *c, double fs_hz);
size_t st_front_gate_window(const st_pipeline_config *c, double fs_hz);

/* The gate of a configuration as a stream runs it. */
st_gate_params st_front_gate_params(const st_pipeline_config *c, double fs_hz);

st_status st_front_init(st_front *f, const st_pipeline_config *c, const st_gate_params *gate,
                        double fs_hz, st_error *err);
void st_front_reset(st_front *f);
/* x -> gated g -> rectified r -> envelope e, n samples; g, r and e may be the same buffer. */
void st_front_process(st_front *f, const double *x, double *g, double *r, double *e, size_t n);
void st_front_free(st_front *f);

/* chunks.c: the ST_RUN_CHUNKS driver (the study's live program) over r->input. */
st_status st_chunks_run(const st_pipeline_config *c, st_pipeline_result *r, st_error *err);

/* The preset tables (izh-presets.c, which checks these counts), read by the registry. */
#define ST_IZH_N_PRESETS 27
#define ST_IZH07_N_PRESETS 7
#ifndef ST_DEFINING_PRESETS
extern const st_preset st_izh_presets[ST_IZH_N_PRESETS];
extern const st_preset st_izh07_presets[ST_IZH07_N_PRESETS];
#endif

#endif
