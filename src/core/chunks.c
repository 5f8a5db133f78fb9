/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The chunked driver (ST_RUN_CHUNKS): the study's final live program (seed-summary section 5),
 * mistakes included, on the shared stages and back end. For each chunk of chunk_n samples: the
 * chunk gated and rectified into a window of the last chunk_window chunks, the Hilbert envelope
 * of the whole window, a boxcar sum of smooth_n values centred on each ('same' mode), the
 * newest chunk's part FFT-resampled to chunk_steps values = the current; the neuron restarted
 * at v0 for chunk_run steps (the other values stay at v0), its v FFT-resampled back to
 * chunk_n samples and played one chunk later. */
#include <math.h>
#include <string.h>

#include "core-private.h"
#include "spiketalk/pipeline.h"

typedef struct work {
    size_t chunk, window, steps, run, box;
    double *x;       /* one chunk of input */
    double *win;     /* the last 'window' chunks, gated and rectified */
    double *env;     /* the window's envelope */
    double *sum;     /* the newest chunk of the boxcar sum */
    double *I, *v, *u, *vt, *ut; /* per chunk: current, v and u as the study kept them,
                                    the back end's taps */
    double *back;    /* v resampled back to the chunk */
    double *va;      /* the sound's v, the whole signal (played a chunk late) */
    uint8_t *flag;   /* spikes per audio sample */
} work;

static void work_free(work *w)
{
    double *d[] = {w->x, w->win, w->env, w->sum, w->I, w->v, w->u, w->vt, w->ut, w->back, w->va};
    for (size_t i = 0; i < ST_COUNTOF(d); i++)
        st_free(d[i]);
    st_free(w->flag);
}

static st_status work_alloc(work *w, const st_pipeline_config *c, size_t n, st_error *err)
{
    memset(w, 0, sizeof *w);
    w->chunk = c->chunk_n;
    w->window = c->chunk_n * c->chunk_window;
    w->steps = c->chunk_steps;
    w->run = c->chunk_run;
    w->box = c->smooth_n ? c->smooth_n : 1;
    bool ok = (w->x = st_malloc(w->chunk * sizeof(double))) &&
              (w->win = st_calloc(w->window, sizeof(double))) &&
              (w->env = st_malloc(w->window * sizeof(double))) &&
              (w->sum = st_malloc(w->chunk * sizeof(double))) &&
              (w->I = st_malloc(w->steps * sizeof(double))) &&
              (w->v = st_malloc(w->steps * sizeof(double))) &&
              (w->u = st_malloc(w->steps * sizeof(double))) &&
              (w->vt = st_malloc((w->run + 1) * sizeof(double))) &&
              (w->ut = st_malloc((w->run + 1) * sizeof(double))) &&
              (w->back = st_malloc(w->chunk * sizeof(double))) &&
              (w->va = st_malloc(n * sizeof(double))) && (w->flag = st_calloc(n, 1));
    if (!ok) {
        work_free(w);
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", "seed-live");
    }
    return ST_OK;
}

/* np.convolve(env, ones(box), 'same') restricted to the newest chunk: a centred sum. */
static void boxcar_newest(const work *w)
{
    const long half = (long)w->box / 2, len = (long)w->window;
    for (size_t i = 0; i < w->chunk; i++) {
        long c = len - (long)w->chunk + (long)i;
        double s = 0;
        for (long j = -half; j <= half; j++)
            if (c + j >= 0 && c + j < len)
                s += w->env[c + j];
        w->sum[i] = s;
    }
}

/* One chunk of the front end: window update, envelope, boxcar, current. */
static st_status front(const st_pipeline_config *c, st_gate *g, work *w, st_pipeline_result *r,
                       size_t at, size_t avail, st_error *err)
{
    for (size_t i = 0; i < w->chunk; i++)
        w->x[i] = i < avail ? r->input[at + i] : 0.0;
    memmove(w->win, w->win + w->chunk, (w->window - w->chunk) * sizeof *w->win);
    double *newest = w->win + w->window - w->chunk;
    st_gate_process(g, w->x, newest, w->chunk);
    st_rectify(c->rectify, newest, newest, w->chunk);
    if (r->gated)
        for (size_t i = 0; i < avail; i++) {
            r->gated[at + i] = fabs(w->x[i]) <= c->gate_threshold ? 0.0 : w->x[i];
            r->rectified[at + i] = newest[i];
        }
    st_status st = st_hilbert_envelope(w->win, w->window, w->env, err);
    if (st)
        return st;
    boxcar_newest(w);
    if (r->envelope)
        memcpy(r->envelope + at, w->sum, avail * sizeof *w->sum);
    return st_resample_fft(w->sum, w->chunk, w->I, w->steps, err);
}

/* One chunk of the neuron: from rest, chunk_run steps; v and u as the study's arrays held
 * them (entry i is the state after step i + 1, the rest at v0). */
static st_status neuron(const st_pipeline_config *c, st_backend *b, work *w,
                        st_pipeline_result *r, size_t ch, st_error *err)
{
    st_backend_reset(b);
    if (st_spikes_reserve(&r->spikes, w->run))
        return st_error_set(err, ST_ERR_NOMEM, "seed-live: out of memory for spikes");
    size_t first = r->spikes.count;
    st_backend_taps t = {NULL, w->vt, w->ut};
    st_backend_process(b, &c->params, w->I, w->run + 1, NULL, 0, &r->spikes, &t);
    if (st_backend_fault(b))
        return st_error_set(err, ST_ERR_NUMERIC, "neuron: v is not finite in chunk %zu", ch);
    for (size_t i = first; i < r->spikes.count; i++)
        r->spikes.step[i] += ch * w->steps;
    for (size_t i = 0; i < w->steps; i++) {
        w->v[i] = i < w->run ? w->vt[i + 1] : c->v0_mv;
        w->u[i] = i < w->run ? w->ut[i + 1] : c->u0;
    }
    return st_resample_fft(w->v, w->steps, w->back, w->chunk, err);
}

st_status st_chunks_run(const st_pipeline_config *c, st_pipeline_result *r, st_error *err)
{
    const size_t n = r->n, chunks = (n + c->chunk_n - 1) / c->chunk_n;
    r->steps = chunks * c->chunk_steps;
    r->dt_ms = c->dt_ms;
    r->chunked = true;
    r->chunk_n = c->chunk_n;
    r->chunk_steps = c->chunk_steps;
    r->decimate = 1;
    r->gate_threshold = c->gate_threshold;
    r->env_ref = 1.0;
    work w;
    st_gate g = {0};
    st_backend *b = NULL;
    st_gate_params gp = st_front_gate_params(c, r->fs_hz);
    st_backend_config bc = {.gain = c->gain, .normalize = c->normalize, .ref = 1.0,
                            .model = c->model, .params = c->params, .v0_mv = c->v0_mv,
                            .u0 = c->u0, .how = c->how, .dt_ms = c->dt_ms, .sonify = c->sonify,
                            .fs_hz = r->fs_hz, .hold = 1};
    st_status st = work_alloc(&w, c, n, err);
    if (st)
        return st;
    if ((st = st_pipeline_alloc_taps(r, c->keep_taps, c->keep_taps, err)) ||
        (st = st_gate_init(&g, &gp, err)) || (st = st_backend_create(&bc, &b, err)))
        goto done;
    /* the program queued each result as the next chunk's output: the first chunk is rest */
    for (size_t i = 0; i < n; i++)
        w.va[i] = c->v0_mv;
    for (size_t ch = 0; ch < chunks; ch++) {
        size_t at = ch * w.chunk, avail = n - at < w.chunk ? n - at : w.chunk;
        if ((st = front(c, &g, &w, r, at, avail, err)) ||
            (st = neuron(c, b, &w, r, ch, err)))
            goto done;
        if (r->current) {
            memcpy(r->current + ch * w.steps, w.I, w.steps * sizeof *w.I);
            memcpy(r->v + ch * w.steps, w.v, w.steps * sizeof *w.v);
            memcpy(r->u + ch * w.steps, w.u, w.steps * sizeof *w.u);
        }
        for (size_t i = 0; i < w.chunk && at + w.chunk + i < n; i++)
            w.va[at + w.chunk + i] = w.back[i];
    }
    for (size_t i = 0; i < r->spikes.count; i++)
        if (r->spikes.step[i] < r->steps)
            w.flag[st_pipeline_sample(r, (size_t)r->spikes.step[i])] = 1;
    st_backend_reset(b);
    st_backend_sound(b, w.va, w.flag, r->output, n);
done:
    st_backend_destroy(b);
    st_gate_free(&g);
    work_free(&w);
    return st;
}
