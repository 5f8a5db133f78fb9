/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seed-live: the study's final live program, reproduced chunk by chunk, mistakes included. */
#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "core-private.h"
#include "spiketalk/pipeline.h"

enum {
    CHUNK = ST_SEED_LIVE_CHUNK,
    WINDOW = 10 * CHUNK,
    NI = ST_SEED_LIVE_STEPS,
    NSTEP = 115,
    BOX = 21
};

/* Per-chunk work buffers, allocated once. */
typedef struct live {
    double win[WINDOW];   /* the last 10 chunks of |x| with values below 0.2 zeroed */
    double z[2 * WINDOW]; /* analytic signal */
    double env[WINDOW];
    double box[CHUNK];    /* the newest chunk of the 21-sample boxcar sum */
    double I[NI], v[NI], u[NI];
    double back[CHUNK];
} live;

/* np.convolve(env, ones(21), 'same') restricted to the newest chunk. */
static void boxcar_newest(const double *env, double *out)
{
    for (size_t i = 0; i < CHUNK; i++) {
        size_t c = WINDOW - CHUNK + i;
        double s = 0;
        for (int j = -BOX / 2; j <= BOX / 2; j++) {
            long k = (long)c + j;
            if (k >= 0 && k < WINDOW)
                s += env[k];
        }
        out[i] = s;
    }
}

/* One chunk: window update, envelope, current, neuron from rest, the way back to 1024. */
static st_status chunk(const st_pipeline_config *c, live *L, const float *x, size_t avail,
                       uint64_t step0, st_spikes *sp, st_error *err)
{
    memmove(L->win, L->win + CHUNK, (WINDOW - CHUNK) * sizeof *L->win);
    for (size_t i = 0; i < CHUNK; i++) {
        double a = i < avail ? fabs((double)x[i]) : 0.0;
        L->win[WINDOW - CHUNK + i] = a < 0.2 ? 0.0 : a;
    }
    st_status st = st_analytic_signal(L->win, WINDOW, L->z, err);
    if (st)
        return st;
    for (size_t i = 0; i < WINDOW; i++)
        L->env[i] = hypot(L->z[2 * i], L->z[2 * i + 1]);
    boxcar_newest(L->env, L->box);
    if ((st = st_resample_fft(L->box, CHUNK, L->I, NI, err)))
        return st;
    st_model_state s;
    double u0 = c->model->default_u0(&c->params, -65.0);
    c->model->reset(&s, &c->params, -65.0, u0);
    for (size_t i = 0; i < NI; i++) {
        L->v[i] = -65.0;
        L->u[i] = u0;
    }
    size_t before = sp->count;
    c->model->process(&s, &c->params, c->how, 0.2, L->I, L->v, L->u, NSTEP, sp);
    for (size_t i = before; i < sp->count; i++)
        sp->step[i] += step0;
    if (c->model->fault_step(&s))
        return st_error_set(err, ST_ERR_NUMERIC, "neuron: v is not finite in chunk at step %llu",
                            (unsigned long long)step0);
    return st_resample_fft(L->v, NI, L->back, CHUNK, err);
}

st_status st_recipe_seed_live(const st_pipeline_config *c, const float *x, size_t n,
                              double fs_hz, st_pipeline_result *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return st_error_set(err, ST_ERR_INVAL, "input: no samples");
    size_t chunks = (n + CHUNK - 1) / CHUNK;
    live *L = st_calloc(1, sizeof *L);
    double *vout = st_malloc(n * sizeof *vout);
    out->fs_hz = fs_hz;
    out->dt_ms = 0.2;
    out->chunked = true;
    out->input = x;
    st_status st = st_pipeline_alloc(out, n, chunks * NI, err);
    if (!st && (!L || !vout || st_spikes_reserve(&out->spikes, chunks * NSTEP)))
        st = st_error_set(err, ST_ERR_NOMEM, "seed-live: out of memory");
    if (st)
        goto done;
    out->gate_threshold = 0.2;
    out->env_ref = 1.0;
    for (size_t i = 0; i < n; i++) {
        out->gated[i] = fabsf(x[i]) < 0.2f ? 0.0f : x[i];
        out->rectified[i] = fabsf(out->gated[i]);
    }
    /* the program queued each result as the next chunk's output: the first chunk is rest */
    for (size_t i = 0; i < n; i++)
        vout[i] = -65.0;
    for (size_t ch = 0; ch < chunks; ch++) {
        size_t at = ch * CHUNK, avail = n - at < CHUNK ? n - at : CHUNK;
        if ((st = chunk(c, L, x + at, avail, ch * NI, &out->spikes, err)))
            goto done;
        for (size_t i = 0; i < avail; i++)
            out->envelope[at + i] = (float)L->box[i];
        for (size_t i = 0; i < NI; i++) {
            out->current[ch * NI + i] = (float)L->I[i];
            out->v[ch * NI + i] = (float)L->v[i];
            out->u[ch * NI + i] = (float)L->u[i];
        }
        for (size_t i = 0; i < CHUNK && at + CHUNK + i < n; i++)
            vout[at + CHUNK + i] = L->back[i];
    }
    st = st_pipeline_sound(c, out, vout, err);
done:
    st_free(L);
    st_free(vout);
    if (st)
        st_pipeline_result_free(out);
    return st;
}
