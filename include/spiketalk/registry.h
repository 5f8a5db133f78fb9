/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The model registry: one const entry per neuron model with its parameter table, defaults and
 * presets. The CLI's flags and --help, the JSON output, the GUI's controls and the all-model
 * tests read from here, so a model is described once. */
#ifndef SPIKETALK_REGISTRY_H
#define SPIKETALK_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "spiketalk/hh.h"
#include "spiketalk/integrator.h"
#include "spiketalk/izh.h"
#include "spiketalk/izh07.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_model_id {
    ST_MODEL_IZH = 0,   /* Izhikevich 2003/2004, dimensionless */
    ST_MODEL_IZH07,     /* Izhikevich 2007 book form, pF/pA/mV */
    ST_MODEL_HH,        /* Hodgkin-Huxley 1952 point neuron, uA/cm^2 */
    ST_MODEL_COUNT
} st_model_id;

/* Parameters of any registered model, as the model's own struct. */
typedef union st_model_params {
    st_izh_params izh;
    st_izh07_params izh07;
    st_hh_params hh;
} st_model_params;

typedef union st_model_state {
    st_izh_state izh;
    st_izh07_state izh07;
    st_hh_state hh;
} st_model_state;

/* One parameter: its flag name, unit, meaning, default and sane range, and where it lives. */
typedef struct st_param_desc {
    const char *name;    /* also the CLI flag: --NAME */
    const char *unit;    /* "mV", "1/ms", "" for dimensionless */
    const char *help;    /* one line */
    double def;          /* default (the model's reference cell) */
    double min, max;     /* range a GUI offers; the check function is the authority */
    size_t offset;       /* byte offset of the double in the model's params struct */
    bool advanced;       /* equation coefficients and cell-type rules, hidden in short help */
} st_param_desc;

typedef enum st_preset_kind {
    ST_PRESET_CELL,      /* a cell type (the study's seven, or the book's seven) */
    ST_PRESET_FEATURE    /* one of the 20 features of Izhikevich (2004), Fig. 1 */
} st_preset_kind;

/* A named parameter set with the protocol it is shown with. */
typedef struct st_preset {
    const char *name;         /* "RS", "tonic-spiking" */
    const char *letter;       /* "A".."T" for features, NULL for cells */
    const char *title;        /* "regular spiking", "tonic spiking" */
    st_model_id model;
    st_preset_kind kind;
    st_model_params params;
    double v0_mv;             /* initial v */
    double u0;                /* initial u; NAN: the model's default (b*v0 or 0) */
    const char *input;        /* protocol string (stimulus.h); NULL: the model's default */
    double dt_ms;             /* 0: the model's default */
    double duration_ms;       /* 0: the model's default */
    st_integrator integrator; /* used when 'has_integrator' */
    bool has_integrator;
    const char *note;         /* what is special (modified equations, rules), or NULL */
} st_preset;

typedef struct st_model {
    st_model_id id;
    const char *name;             /* "izhikevich", "izh2007" */
    const char *const *aliases;   /* NULL-terminated alternative names */
    const char *title;            /* "Izhikevich (2003) simple model" */
    const char *equations;        /* multi-line text for --help */
    const char *citation;
    const char *current_unit;     /* "" (dimensionless) or "pA" */
    const char *spike_rule;       /* "v > vpeak" / "v >= vpeak" / "upward crossing of 0 mV" */
    const char *u_name;           /* what the second traced variable is: "u", or "n" (HH) */
    double default_gain;          /* the audio pipeline's --gain for this model's current */
    const st_param_desc *params;
    size_t n_params;
    unsigned integrators;         /* ST_INT_BIT mask */
    st_integrator default_integrator;
    double default_dt_ms;
    double default_duration_ms;
    const char *default_input;
    const char *default_preset;
    double v_min_mv, v_max_mv;    /* the range v lives in, for plots and sonification */
    const st_preset *presets;
    size_t n_presets;
    /* operations */
    st_status (*check)(const st_model_params *p, st_error *err);
    double (*default_u0)(const st_model_params *p, double v0_mv);
    /* where plots and sound draw a spike the trace cannot show (the reset hides it); NAN for
     * models whose trace holds the action potential itself */
    double (*vpeak)(const st_model_params *p);
    double (*rest_v)(const st_model_params *p);   /* default v0 when no preset says */
    /* the state at v0 (and u0, for the two-variable models) before the first step */
    void (*reset)(st_model_state *s, const st_model_params *p, double v0_mv, double u0);
    /* non-zero after a numerical blow-up: the time index where it happened */
    uint64_t (*fault_step)(const st_model_state *s);
    void (*process)(st_model_state *s, const st_model_params *p, st_integrator how, double dt_ms,
                    const double *current, double *v_out, double *u_out, size_t n,
                    st_spikes *spikes);
} st_model;

/* The registered models, indexed by st_model_id. */
ST_API const st_model *st_model_get(st_model_id id);

/* Finds a model by name or alias (case-insensitive); NULL if none. */
ST_API const st_model *st_model_find(const char *name);

/* Finds a preset of 'm' by name (case-insensitive; '_' and ' ' match '-') or, for features,
 * by letter; NULL if none. 'kind' restricts the search unless it is negative. */
ST_API const st_preset *st_preset_find(const st_model *m, const char *name, int kind);

/* Finds preset 'name' of 'm' as st_preset_find does (ST_PRESET_CELL also accepts a feature),
 * or says why not for option 'flag': ST_ERR_INVAL "FLAG: unknown preset 'NAME' for model M;
 * closest: A, B, C, D (see 'spiketalk presets')" ("feature" when kind is ST_PRESET_FEATURE). */
ST_API st_status st_preset_lookup(const st_model *m, const char *name, int kind,
                                  const char *flag, const st_preset **out, st_error *err);

/* Writes into buf (comma separated) up to 'max' preset names of 'm' closest to 'name' by edit
 * distance, for "unknown preset" messages. Returns buf. */
ST_API char *st_preset_suggest(const st_model *m, const char *name, int kind, char *buf,
                               size_t size, int max);

/* Reads / writes parameter 'd' of a params struct. */
ST_API double st_param_get(const st_model_params *p, const st_param_desc *d);
ST_API void st_param_set(st_model_params *p, const st_param_desc *d, double x);

/* Finds parameter 'name' of 'm' (exact, case-sensitive as C/c differ); NULL if none. */
ST_API const st_param_desc *st_param_find(const st_model *m, const char *name);

/* The model's default parameters (its first preset's, or the descriptors' defaults). */
ST_API st_model_params st_model_default_params(const st_model *m);

/* A simple Levenshtein distance, case-insensitive. */
ST_API size_t st_edit_distance(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
