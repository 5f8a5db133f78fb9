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

/* seed-live's literal sizes: a 1024-sample chunk becomes 232 neuron steps. */
#define ST_SEED_LIVE_CHUNK 1024
#define ST_SEED_LIVE_STEPS 232

/* pipeline.c, shared with recipe-live.c: allocate a result's arrays; sonify its v (or
 * 'v_audio', one value per audio sample, when not NULL) into r->output. */
st_status st_pipeline_alloc(st_pipeline_result *r, size_t n, size_t steps, st_error *err);
st_status st_pipeline_sound(const st_pipeline_config *c, st_pipeline_result *r,
                            const double *v_audio, st_error *err);

/* The preset tables (izh-presets.c, which checks these counts), read by the registry. */
#define ST_IZH_N_PRESETS 27
#define ST_IZH07_N_PRESETS 7
#ifndef ST_DEFINING_PRESETS
extern const st_preset st_izh_presets[ST_IZH_N_PRESETS];
extern const st_preset st_izh07_presets[ST_IZH07_N_PRESETS];
#endif

#endif
