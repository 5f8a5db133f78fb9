/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal helpers shared by the core modules; not installed. */
#ifndef SPIKETALK_CORE_PRIVATE_H
#define SPIKETALK_CORE_PRIVATE_H

#include <assert.h>
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

/* The index of 'name' (case-insensitive) among names[0 .. n), or -1 (also for NULL). */
int st_name_index(const char *const *names, size_t n, const char *name);

#include "spiketalk/pipeline.h"
#include "spiketalk/registry.h"

/* pipeline.c, shared with the drivers: allocate a result's output (and, when asked, its audio
 * and per-step taps) for r->n samples and r->steps steps; the message of a neuron's blow-up at
 * 'step'. */
st_status st_pipeline_alloc_taps(st_pipeline_result *r, bool audio, bool steps, st_error *err);
st_status st_pipeline_fault(const st_pipeline_result *r, uint64_t step, st_error *err);

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
