/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The web page's C API: the library's streaming pipeline and single-neuron simulation behind a
 * few plain functions that the JavaScript of the page calls on the WebAssembly module
 * (spiketalk.wasm, built for wasm32-wasi as a reactor: call _initialize once, then these).
 *
 * Everything crosses the boundary as numbers: pointers into the module's memory (strings are
 * NUL-terminated UTF-8 written by the caller into a block from st_web_alloc), sizes, doubles
 * and status codes (st_status: 0 is success; the message is then in ..._error). Nothing here
 * prints, exits or reads a clock. One live engine:
 *
 *   st_web_live *w = st_web_live_new();
 *   st_web_live_option(w, "gain", "12");        any st_pipeline_options field, by its name
 *   st_web_live_start(w, 48000, 128);           st_pipeline_configure + st_stream_create
 *   loop: fill st_web_live_input(w)[0..n), st_web_live_process(w, n), read
 *         st_web_live_output(w), st_web_live_scope_envelope(w), st_web_live_scope_v(w)
 *   st_web_live_set_preset(w, "RS");            between blocks: the neuron keeps its state
 *   st_web_live_meters(w)                       st_stream_stats and the envelope's delay
 *
 * and the simulation of one preset under its own protocol (st_web_sim_*). */
#ifndef SPIKETALK_WEB_WASM_H
#define SPIKETALK_WEB_WASM_H

#include <stddef.h>

#if defined(__wasm__)
#define ST_WEB(name) __attribute__((export_name(#name)))
#else
#define ST_WEB(name)
#endif

/* ---- memory and the preset table ------------------------------------------------------------ */

/* A block of 'size' bytes from the library's allocator (for strings handed to the functions
 * below), or NULL. Free it with st_web_free (NULL is allowed). */
ST_WEB(st_web_alloc) void *st_web_alloc(size_t size);
ST_WEB(st_web_free) void st_web_free(void *p);

/* The presets of the Izhikevich (2003) model, in the registry's order: the seven cell types
 * first (the keys 1-7 of `spiketalk live`), then the twenty features of Izhikevich (2004).
 * Index out of range: NULL, or -1 for the kind. Kind 0 is a cell type, 1 a feature. */
ST_WEB(st_web_preset_count) int st_web_preset_count(void);
ST_WEB(st_web_preset_name) const char *st_web_preset_name(int i);
ST_WEB(st_web_preset_title) const char *st_web_preset_title(int i);
ST_WEB(st_web_preset_letter) const char *st_web_preset_letter(int i);
ST_WEB(st_web_preset_kind) int st_web_preset_kind(int i);

/* The model's parameters (the registry's descriptors): name, unit, one line of help, the range
 * a slider offers, and whether it is an advanced one (equation coefficients). */
ST_WEB(st_web_param_count) int st_web_param_count(void);
ST_WEB(st_web_param_name) const char *st_web_param_name(int i);
ST_WEB(st_web_param_unit) const char *st_web_param_unit(int i);
ST_WEB(st_web_param_help) const char *st_web_param_help(int i);
ST_WEB(st_web_param_min) double st_web_param_min(int i);
ST_WEB(st_web_param_max) double st_web_param_max(int i);
ST_WEB(st_web_param_advanced) int st_web_param_advanced(int i);

/* ---- the live engine ------------------------------------------------------------------------ */

typedef struct st_web_live st_web_live;

/* A new engine with no options given (the default recipe's streaming configuration), or NULL
 * when out of memory. */
ST_WEB(st_web_live_new) st_web_live *st_web_live_new(void);
ST_WEB(st_web_live_free) void st_web_live_free(st_web_live *w);

/* Gives option 'name' (an st_pipeline_options field: "recipe", "gate", "gate_k",
 * "gate_window", "gate_thr", "rectify", "envelope", "smooth", "gain", "normalize",
 * "peak_release", "model", "preset", "integrator", "dt", "decimate", "v0", "u0", "sonify")
 * the text 'value' (copied; NULL forgets it), taken by the next st_web_live_start. ST_ERR_INVAL
 * for an unknown name; the value itself is judged by st_web_live_start with the command
 * line's rules and messages. */
ST_WEB(st_web_live_option) int st_web_live_option(st_web_live *w, const char *name,
                                                  const char *value);

/* (Re)builds the stream for fs_hz from the options (st_pipeline_configure with streaming true,
 * st_stream_create) with room for blocks of up to max_block samples and the scope's taps. On
 * failure the previous stream, if any, is kept and the message is in st_web_live_error. */
ST_WEB(st_web_live_start) int st_web_live_start(st_web_live *w, double fs_hz,
                                                size_t max_block);

/* The last failure's "what: why" message ("" after a success). */
ST_WEB(st_web_live_error) const char *st_web_live_error(const st_web_live *w);

/* The block buffers, max_block floats each: the caller writes the input, reads the output and
 * the scope's envelope and membrane potential (mV) of the last block. */
ST_WEB(st_web_live_input) float *st_web_live_input(st_web_live *w);
ST_WEB(st_web_live_output) float *st_web_live_output(st_web_live *w);
ST_WEB(st_web_live_scope_envelope) float *st_web_live_scope_envelope(st_web_live *w);
ST_WEB(st_web_live_scope_v) float *st_web_live_scope_v(st_web_live *w);

/* Runs n <= max_block samples from the input buffer to the output buffer (st_stream_process:
 * no allocation) and returns the spikes of the block; silence out and 0 before a successful
 * start or for n > max_block. */
ST_WEB(st_web_live_process) int st_web_live_process(st_web_live *w, size_t n);

/* Publishes the cell type 'name' (a preset of the stream's model) as `spiketalk live`'s keys
 * do: its parameters take effect at the next block, the neuron's state carries on. ST_ERR_INVAL
 * "preset: unknown preset 'X' ..." for a name the model lacks; ST_ERR_INVAL before a start. */
ST_WEB(st_web_live_set_preset) int st_web_live_set_preset(st_web_live *w, const char *name);

/* The preset in use (after the last successful start or switch), or "". */
ST_WEB(st_web_live_preset) const char *st_web_live_preset(const st_web_live *w);

/* The running stream's current gain and envelope ("movavg", "hilbert", "none"): what the
 * options gave or the recipe's defaults; NAN and "" before a start. */
ST_WEB(st_web_live_gain) double st_web_live_gain(const st_web_live *w);
ST_WEB(st_web_live_envelope) const char *st_web_live_envelope(const st_web_live *w);

/* The meters, ST_WEB_METERS doubles refreshed by each call (see st_web_meter_name for what
 * each holds); NULL before a start. */
enum {
    ST_WEB_M_SAMPLES = 0,   /* processed since the start */
    ST_WEB_M_SPIKES,        /* spikes since the start */
    ST_WEB_M_PEAK,          /* |x| peak of the last block, full scale 1 */
    ST_WEB_M_ENVELOPE,      /* last envelope value */
    ST_WEB_M_CURRENT,       /* last input current */
    ST_WEB_M_V,             /* last membrane potential, mV */
    ST_WEB_M_GATE,          /* the gate's threshold in use (NAN while learning), full scale 1 */
    ST_WEB_M_NOISE,         /* the adaptive gate's noise floor (NAN for other gates) */
    ST_WEB_M_DELAY,         /* the envelope's algorithmic delay, samples */
    ST_WEB_M_FAULT,         /* 1 once v has become non-finite (silent until a new start) */
    ST_WEB_M_RATE,          /* the stream's rate, Hz */
    ST_WEB_METERS
};
ST_WEB(st_web_live_meters) const double *st_web_live_meters(st_web_live *w);
ST_WEB(st_web_meter_count) int st_web_meter_count(void);
ST_WEB(st_web_meter_name) const char *st_web_meter_name(int i);

/* ---- the simulation of one neuron ----------------------------------------------------------- */

typedef struct st_web_sim st_web_sim;

ST_WEB(st_web_sim_new) st_web_sim *st_web_sim_new(void);
ST_WEB(st_web_sim_free) void st_web_sim_free(st_web_sim *s);

/* Loads preset 'name' (st_sim_config_init): its parameters, v0, u0, protocol, dt, duration and
 * integrator, as `spiketalk simulate --preset NAME` runs it. ST_ERR_INVAL for an unknown
 * name. */
ST_WEB(st_web_sim_preset) int st_web_sim_preset(st_web_sim *s, const char *name);

/* Reads / sets model parameter i (st_web_param_name) of the loaded configuration; the check
 * comes with the run. */
ST_WEB(st_web_sim_param) double st_web_sim_param(const st_web_sim *s, int i);
ST_WEB(st_web_sim_set_param) void st_web_sim_set_param(st_web_sim *s, int i, double x);

/* Runs the configuration and keeps the whole trace (st_sim_collect); on failure (a bad
 * parameter, a blow-up) the trace is empty and the message in st_web_sim_error. */
ST_WEB(st_web_sim_run) int st_web_sim_run(st_web_sim *s);
ST_WEB(st_web_sim_error) const char *st_web_sim_error(const st_web_sim *s);

/* The last run: 'steps' + 1 samples of t (ms), I and v (mV), the spikes' count and their step
 * stamps (as doubles), the step, the protocol's text and the height a spike is drawn to. */
ST_WEB(st_web_sim_steps) size_t st_web_sim_steps(const st_web_sim *s);
ST_WEB(st_web_sim_t) const double *st_web_sim_t(const st_web_sim *s);
ST_WEB(st_web_sim_current) const double *st_web_sim_current(const st_web_sim *s);
ST_WEB(st_web_sim_v) const double *st_web_sim_v(const st_web_sim *s);
ST_WEB(st_web_sim_spike_count) size_t st_web_sim_spike_count(const st_web_sim *s);
ST_WEB(st_web_sim_spike_step) double st_web_sim_spike_step(const st_web_sim *s, size_t i);
ST_WEB(st_web_sim_dt) double st_web_sim_dt(const st_web_sim *s);
ST_WEB(st_web_sim_input) const char *st_web_sim_input(st_web_sim *s);
ST_WEB(st_web_sim_vpeak) double st_web_sim_vpeak(const st_web_sim *s);

#endif
