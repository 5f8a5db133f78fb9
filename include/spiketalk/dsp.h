/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audio stages before the neuron: noise gate, rectification, envelopes (the moving average,
 * the streaming FIR Hilbert envelope and the whole-signal FFT Hilbert envelope, boxcar
 * smoothing) and FFT resampling.
 *
 * The stages compute in double precision (the study's arrays were numpy float64 from the gate
 * to the current; a current rounded to float moves spikes by milliseconds); audio enters and
 * leaves the pipeline as float, full scale 1. Each stage with memory has a state struct with
 * init/reset/process/free: 'init' allocates on the control thread, 'process' never allocates,
 * locks or fails, accepts any n >= 0 and gives the same output however a signal is split into
 * blocks. The whole-signal Hilbert envelope, FFT resampling and the spectrogram work on a
 * whole signal (offline). */
#ifndef SPIKETALK_DSP_H
#define SPIKETALK_DSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- noise floor (minimum statistics) ------------------------------------------------------ */

/* A running estimate of the background noise's power, of the kind speech enhancement uses
 * (R. Martin, "Noise power spectral density estimation based on optimal smoothing and minimum
 * statistics", IEEE Trans. Speech and Audio Processing 9(5):504-512, 2001), here on the whole
 * band: the signal's power in frames of 10 ms (441 samples at 44.1 kHz: already an average of
 * hundreds of values, so the recursive smoothing Martin applies to periodogram bins is left at
 * alpha = 0 and a pause of one frame between words counts), the minimum of those powers over
 * the last 1.5 s (10 sub-windows of 15 frames, so the search costs O(1) per frame), times
 * Martin's bias correction B(D, Q_eq) for a window of D = 150 frames and the frame power's
 * equivalent degrees of freedom. Speech rarely holds its loudness for 1.5 s without a pause,
 * noise does: the minimum follows the noise. After a loud start the floor comes down with the
 * first quieter frame (10 ms after a 50 ms click ends); when the room gets noisier it rises
 * once the quieter past has left the window (1.5 to 1.65 s). Causal, block invariant, no
 * allocation. Measured (tests/unit/test-dsp.c): white noise at -40 and -60 dBFS within 0.8 dB
 * of its level. */
#define ST_NOISE_SUBWINDOWS 10

typedef struct st_noise_floor {
    size_t frame;             /* samples per frame */
    double alpha;             /* smoothing per frame */
    double bias;              /* Martin's B_min for this window and smoothing */
    unsigned per_sub;         /* frames per sub-window */
    /* state */
    size_t in_frame;          /* samples of the current frame so far */
    double acc;               /* their sum of squares */
    double p;                 /* smoothed frame power; < 0 before the first frame */
    double sub_min;           /* minimum of p in the current sub-window */
    unsigned sub_frames;      /* frames in the current sub-window */
    double mins[ST_NOISE_SUBWINDOWS];   /* minima of the last complete sub-windows */
    unsigned n_mins, mins_pos;
    double power;             /* the estimate: bias * the window's minimum (0 at first) */
    uint64_t frames;          /* frames so far */
} st_noise_floor;

/* Sets the design for fs_hz (fs_hz > 0) and clears the state. */
ST_API void st_noise_floor_init(st_noise_floor *nf, double fs_hz);
ST_API void st_noise_floor_reset(st_noise_floor *nf);

/* Takes one sample; true when it completed a frame (and the estimate moved). */
static inline bool st_noise_floor_push(st_noise_floor *nf, double x);

/* The floor's amplitude, sqrt of its power (full scale 1); 0 before the first frame. */
ST_API double st_noise_floor_amplitude(const st_noise_floor *nf);

/* ---- noise gate -------------------------------------------------------------------------- */

/* How the gate finds its threshold. Samples with |x| <= threshold become 0. */
typedef enum st_gate_mode {
    ST_GATE_OFF = 0,     /* no gate: samples pass */
    ST_GATE_FIXED,       /* a given threshold */
    ST_GATE_LEADING,     /* k * std of the first 'window' samples, at least 'floor'; a stream
                            stays closed (silent) while it learns them (the study's gate) */
    ST_GATE_ADAPTIVE     /* k * the noise floor's amplitude (minimum statistics), at least
                            'floor', following the room as it changes */
} st_gate_mode;

ST_API const char *st_gate_mode_name(st_gate_mode m);

typedef struct st_gate_params {
    st_gate_mode mode;
    double threshold;         /* ST_GATE_FIXED: full scale 1 */
    double k;                 /* LEADING and ADAPTIVE: threshold = k * std or k * floor */
    size_t window;            /* ST_GATE_LEADING: samples */
    double floor;             /* the threshold is at least this (1e-4: digital silence still
                                 gates; the study had none: 0) */
    double fs_hz;             /* ST_GATE_ADAPTIVE: the rate, for the noise floor's frames */
} st_gate_params;

/* The thresholds an adaptive gate used, one per noise-floor frame (the threshold from the end
 * of frame j on), in a caller-owned buffer: further frames are counted in 'dropped'. */
typedef struct st_gate_track {
    double *thr;
    size_t cap, count;
    uint64_t dropped;
} st_gate_track;

typedef struct st_gate {
    st_gate_params p;
    double *buf;              /* the learning window (LEADING), 'window' samples */
    size_t seen;              /* samples of the window so far */
    double thr;               /* the threshold in use; valid once 'open' */
    bool open;                /* the threshold is known */
    uint64_t gated;           /* samples zeroed so far */
    st_noise_floor nf;        /* ADAPTIVE */
    st_gate_track *track;     /* ADAPTIVE: where the thresholds go (may be NULL) */
} st_gate;

/* k times the standard deviation of x[0 .. min(window, n)), at least 'floor' (floor when the
 * window is empty). Computed as numpy's np.std is: the mean and the mean square deviation by
 * numpy's pairwise summation, so the study's threshold comes out to the last bit. */
ST_API double st_gate_threshold(const double *x, size_t n, size_t window, double k,
                                double floor);

/* Checks 'p' (a finite threshold or k >= 0 and floor >= 0, window >= 1 when leading, a rate
 * when adaptive) and allocates the learning window. ST_ERR_INVAL naming the flag
 * (--gate-thr, --gate-k, --gate-window), ST_ERR_NOMEM. */
ST_API st_status st_gate_init(st_gate *g, const st_gate_params *p, st_error *err);
ST_API void st_gate_reset(st_gate *g);
ST_API void st_gate_free(st_gate *g);

/* out[i] = |in[i]| <= threshold ? 0 : in[i]; 0 while a leading window is learned; a non-finite
 * input counts as silence (0). An adaptive gate's threshold for sample i comes from the frames
 * that ended before it. in == out allowed. */
ST_API void st_gate_process(st_gate *g, const double *in, double *out, size_t n);

/* The threshold in use, NAN while a leading window is learned, 0 when the gate is off. */
ST_API double st_gate_current_threshold(const st_gate *g);

/* The noise floor's amplitude an adaptive gate has measured (NAN for the other modes). */
ST_API double st_gate_noise_floor(const st_gate *g);

/* ---- rectification ----------------------------------------------------------------------- */

typedef enum st_rectify_mode {
    ST_RECT_NONE = 0,  /* x */
    ST_RECT_FULL,      /* |x| */
    ST_RECT_HALF,      /* max(x, 0) */
    ST_RECT_OFFSET     /* x - min(x) over the whole signal (offline) */
} st_rectify_mode;

ST_API const char *st_rectify_name(st_rectify_mode m);
ST_API st_status st_rectify_parse(const char *name, st_rectify_mode *out, st_error *err);

/* Rectifies n samples (ST_RECT_OFFSET: the whole signal at once). in == out allowed. */
ST_API void st_rectify(st_rectify_mode m, const double *in, double *out, size_t n);

/* ---- moving average (trailing window) ------------------------------------------------------ */

/* The trailing window of the last w inputs as a running sum: while fewer than w + 1 inputs
 * were seen (i < w) the sum gains each input and the output is sum / (i + 1), as the study
 * wrote it; then the mean, sum + (new - leaving) times 1 / w, or with the study's scaling (its
 * seed-movavg quirk) in its order: the sum gains the new input, then loses the one that left,
 * and the output is sum * 2 / w. */
typedef struct st_movavg {
    size_t w;           /* window, samples */
    double *hist;       /* the last w inputs (ring) */
    size_t pos;         /* next slot of 'hist' */
    uint64_t seen;      /* inputs so far */
    double sum;         /* the running sum */
    bool seed_scaling;  /* sum * 2 / w once the window is full */
} st_movavg;

/* Allocates the window (w >= 1). ST_ERR_INVAL for w == 0, ST_ERR_NOMEM. */
ST_API st_status st_movavg_init(st_movavg *s, size_t w, bool seed_scaling, st_error *err);
ST_API void st_movavg_reset(st_movavg *s);
ST_API void st_movavg_process(st_movavg *s, const double *in, double *out, size_t n);
ST_API void st_movavg_free(st_movavg *s);

/* ---- sliding minimum -------------------------------------------------------------------- */

/* The minimum of the last w inputs (zeros before the first: a level counts once it has lasted
 * w samples), by the
 * monotonic queue (amortised O(1) per sample; D. Lemire, "Streaming maximum-minimum filter
 * using no more than three comparisons per element", 2006). The pipeline's current uses it
 * for the envelope's sustained level: a transient shorter than w cannot set the reference. */
typedef struct st_slide_min {
    size_t w;           /* window, samples */
    double *val;        /* the queue's values (ring of w) ... */
    uint64_t *idx;      /* ... and their sample indices */
    size_t head, len;   /* the queue: oldest at head */
    uint64_t seen;      /* inputs so far */
} st_slide_min;

ST_API st_status st_slide_min_init(st_slide_min *s, size_t w, st_error *err);
ST_API void st_slide_min_reset(st_slide_min *s);
ST_API void st_slide_min_process(st_slide_min *s, const double *in, double *out, size_t n);
ST_API void st_slide_min_free(st_slide_min *s);

/* ---- sustained level ---------------------------------------------------------------------- */

/* The level an envelope has held for the last 'window' samples: its peaks in frames of 'frame'
 * samples, bridged over 'span' samples (the sliding maximum of the frames' peaks: a fast
 * envelope's ripple is covered), then the sliding minimum of that over 'window' (a
 * morphological closing, then an erosion, on the frames). What the current's reference
 * follows: a click or a door slam shorter than window - span leaves it as it was. The level
 * moves once per frame (1 ms is plenty for a reference), so the per-sample cost is one
 * comparison. Block invariant; zero until a level has lasted a whole window. */
typedef struct st_sustain {
    size_t frame;             /* samples per frame */
    size_t in_frame;          /* samples of the current frame so far */
    double peak;              /* its maximum so far */
    double level;             /* the output, held between frames */
    st_slide_min peaks;       /* of -frame peak: the sliding maximum */
    st_slide_min min;
} st_sustain;

/* frame >= 1; span and window in samples (rounded to frames, at least one frame each). */
ST_API st_status st_sustain_init(st_sustain *s, size_t frame, size_t span, size_t window,
                                 st_error *err);
ST_API void st_sustain_reset(st_sustain *s);
ST_API void st_sustain_process(st_sustain *s, const double *in, double *out, size_t n);
/* The same over in[k * stride] for k < n, writing nothing: returns the larger of 'max' and
 * the largest level that st_sustain_process would have written (the reference of a whole
 * signal, fed in pieces). */
ST_API double st_sustain_max(st_sustain *s, const double *in, size_t stride, size_t n,
                             double max);
ST_API void st_sustain_free(st_sustain *s);

/* ---- Hilbert envelope, streaming (FIR) ----------------------------------------------------- */

/* |x + i H{x}| with H a causal FIR Hilbert transformer of 2M + 1 taps (ideal taps 2 / (pi m)
 * for odd m under a Kaiser window, beta 5): the real part is the input delayed by M samples,
 * so the envelope lags the sound by M. Within +-0.5 % from 0.018 fs to 0.482 fs at M = 44. */
typedef struct st_fir_hilbert {
    unsigned M;         /* half length: delay, samples */
    double *coef;       /* taps h[1], h[3], .. (M + 1) / 2 of them */
    double *ring;       /* the last 2M + 1 inputs, stored twice */
    size_t pos;         /* next slot of 'ring' */
} st_fir_hilbert;

#define ST_FIR_HILBERT_MAX_HALF 8192u

/* Designs the taps and allocates the ring (1 <= M <= ST_FIR_HILBERT_MAX_HALF). ST_ERR_INVAL,
 * ST_ERR_NOMEM. */
ST_API st_status st_fir_hilbert_init(st_fir_hilbert *h, unsigned M, st_error *err);
ST_API void st_fir_hilbert_reset(st_fir_hilbert *h);
ST_API void st_fir_hilbert_process(st_fir_hilbert *h, const double *in, double *out, size_t n);
ST_API void st_fir_hilbert_free(st_fir_hilbert *h);

/* ---- Hilbert envelope (whole signal) ------------------------------------------------------- */

/* The analytic signal of x (as scipy.signal.hilbert computes it: FFT, keep DC, double the
 * positive frequencies, keep Nyquist for even n, zero the negative ones, inverse FFT), stored
 * as interleaved re, im pairs in 'z' (2 n doubles). FFTW with FFTW_ESTIMATE. */
ST_API st_status st_analytic_signal(const double *x, size_t n, double *z, st_error *err);

/* env[i] = |analytic signal of x|[i] (hypot, as numpy's abs of a complex). in == out
 * allowed. */
ST_API st_status st_hilbert_envelope(const double *x, size_t n, double *env, st_error *err);

/* ---- FFT resampling (scipy.signal.resample) ------------------------------------------------ */

/* Resamples x (n values) to m values by truncating or zero-padding its spectrum, exactly as
 * scipy.signal.resample does for real input (including its Nyquist-bin handling and the m/n
 * scaling). n, m >= 1. */
ST_API st_status st_resample_fft(const double *x, size_t n, double *y, size_t m, st_error *err);

/* ---- spectrogram (whole signal) ----------------------------------------------------------- */

/* Short-time power spectra, as a figure draws a sound. */
typedef struct st_spectrogram {
    double *power_db;         /* bins rows of frames values: power_db[k * frames + j] is bin k
                                 of frame j, in dB re a full-scale sine */
    size_t frames, bins;      /* bins 0 .. bins - 1, spaced df_hz */
    double df_hz;             /* fs / window */
    size_t window, hop;       /* samples; frame j covers samples [j hop, j hop + window) */
    double fs_hz;
} st_spectrogram;

/* The spectrogram of x[0 .. n) at fs_hz: Hann windows of 'window' samples every 'hop' samples
 * (the last frame zero-padded past the end; a signal shorter than a window is one frame), the
 * bins from 0 Hz up to fmax_hz (at most fs / 2). A sine of amplitude A at a bin's frequency
 * reads 20 log10(A) dB there; silence reads -200 dB. FFTW with FFTW_ESTIMATE. ST_ERR_INVAL
 * for window < 2, hop < 1, n = 0 or a bad rate; ST_ERR_NOMEM. */
ST_API st_status st_spectrogram_compute(const float *x, size_t n, double fs_hz, size_t window,
                                        size_t hop, double fmax_hz, st_spectrogram *out,
                                        st_error *err);
ST_API void st_spectrogram_free(st_spectrogram *s);

/* ---- inline ------------------------------------------------------------------------------ */

/* The noise floor's frame update (gate.c). */
ST_API void st_noise_floor_frame(st_noise_floor *nf);

static inline bool st_noise_floor_push(st_noise_floor *nf, double x)
{
    nf->acc += x * x;
    if (++nf->in_frame < nf->frame)
        return false;
    st_noise_floor_frame(nf);
    return true;
}

#ifdef __cplusplus
}
#endif
#endif
