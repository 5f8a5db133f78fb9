/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Networks of Izhikevich neurons: populations, connection generators, delays, STDP, threads,
 * and the hooks through which several processes (MPI ranks) run one network.
 *
 * Models. Each population has its neuron model from the registry (st_net_pop.model): the
 * Izhikevich (2003) form, the 2007 book form (izh07.h) or Hodgkin-Huxley (hh.h). The machinery
 * (connections, delays, delivery, drive, STDP, threads, processes) is the same for all; only
 * the update of a population's neurons and its spike test differ (see st_net_pop).
 *
 * The 2003 form (the published networks) is advanced with time step dt by the 2003 network
 * scheme (ST_INT_IZH2003): two half steps of v, then u from the new v,
 *     v += (dt/2) f(v, u, I);   v += (dt/2) f(v, u, I);   u += (dt a) (b v - u)
 * with f = q2 (v v) + q1 v + q0 - u + I (ST_NET_VFORM_SUM, net.m's order, the arithmetic of
 * st_izh_process) or f = (q2 v + q1) v + q0 - u + I (ST_NET_VFORM_HORNER, spnet's order).
 * After the step, v > vpeak is a spike stamped k + 1 (the end of step k, as spikes.h says),
 * and v <- c, u <- u + d. net.m tests v >= 30 instead: the two differ only when v lands on
 * 30 exactly.
 *
 * Input. During step k neuron i receives I = drive + syn:
 *   drive = noise_sd * N(0,1) (its population's thalamic noise; fresh every step)
 *         + pulse_amp if it is one of the 'pulses' neurons drawn at random for this step
 *           (once, even when drawn twice, as spnet sets its input to 20)
 *         + ext (st_net_set_input; or ext alone under ST_NET_DRIVE_REPLACE);
 *   syn   = the sum of the weights of the spikes arriving in step k, in the order
 *           (spike stamp, source id, synapse), whatever the threads or processes.
 * A spike stamped s travels a synapse of delay D >= 1 steps and arrives in step s + D - 1: with
 * D = 1 (every synapse of net.m) a spike changes the very next step, as in net.m and spnet.
 *
 * Plasticity (Izhikevich 2006, spnet). Each plastic synapse has a weight w and a derivative
 * sd. When a spike reaches the synapse in step k (k = s + D - 1), sd -= A- x^(k - P), P being
 * the last spike stamp of the postsynaptic neuron (P <= k); when the postsynaptic neuron fires
 * with stamp t, sd += A+ x^(t - R) for each of its plastic synapses, R = s + D being the last
 * arrival at that synapse (R <= t). Every 'period' steps (1 s): w += bias + sd, then
 * sd *= sd_decay, and w is clipped to [0, w_max]. x^n is computed as spnet computes its
 * traces (A in single precision, multiplied by x = 0.95 once per step); terms older than
 * ST_NET_TRACE_STEPS steps count as 0 (they are below 1e-23). Weights and sd are floats, as
 * in spnet.
 *
 * Random numbers. Every random number is a function of (seed, what, id, step) through the
 * counter-based generator Philox4x32-10 (Salmon et al., SC'11): per-neuron parameters,
 * connections (by source, projection and draw), weights (by source and target), delays, noise
 * (by neuron and step) and pulses (by step). So a run gives the same spikes, bit for bit, for
 * any number of threads or processes.
 *
 * Parallel runs. A network is split into partitions of consecutive neurons: one per thread,
 * and the ranks of several processes own consecutive ranges. A partition holds the synapses
 * that end on its neurons (by source row, then delay, then target), its state as aligned
 * arrays, and the plasticity of its synapses, so threads share nothing but the list of fired
 * ids. Spikes are exchanged every minimum delay (all processes learn all fired ids; each
 * delivers to its own neurons), as NEST and NEURON do.
 *
 * E. M. Izhikevich, Simple model of spiking neurons, IEEE Trans. Neural Networks 14:1569 (2003);
 * Polychronization: computation with spikes, Neural Computation 18:245-282 (2006). */
#ifndef SPIKETALK_NETWORK_H
#define SPIKETALK_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/hh.h"
#include "spiketalk/integrator.h"
#include "spiketalk/izh.h"
#include "spiketalk/izh07.h"
#include "spiketalk/registry.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the counter-based generator ---------------------------------------------------------- */

/* Philox4x32-10: out = the 10-round Philox bijection of counter 'ctr' under 'key'. Equal to
 * Random123's philox4x32 with R = 10 (its known-answer vectors hold). */
ST_API void st_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* ---- describing a network ------------------------------------------------------------------- */

#define ST_NET_MAX_POPS 8
#define ST_NET_MAX_PROJS 16
#define ST_NET_NAME_MAX 16
#define ST_NET_MAX_NEURONS 100000000u /* ids are 32-bit; far beyond one machine's memory */
#define ST_NET_MAX_DELAY 1000u        /* steps */
#define ST_NET_TRACE_STEPS 2048u      /* STDP traces older than this count as 0 */

/* The expression order of v' (see the top of this file). */
typedef enum st_net_vform {
    ST_NET_VFORM_SUM = 0, /* q2 (v v) + q1 v + q0 - u + I: net.m, st_izh_process */
    ST_NET_VFORM_HORNER   /* (q2 v + q1) v + q0 - u + I: spnet */
} st_net_vform;

/* A population: 'n' consecutive neuron ids (populations follow each other in order). Each
 * neuron draws one r ~ U[0, 1) and takes x = x_base + x_r * r^r_power for x = a, b, c, d, so
 * net.m's excitatory c = -65 + 15 r^2, d = 8 - 6 r^2 share their r.
 *
 * Its neurons are of one registry model:
 *   ST_MODEL_IZH    the 2003 form with the network's vpeak, q2, q1, q0 and vform, a, b, c, d
 *                   per neuron; u starts at b v0. Currents in the 2003 units.
 *   ST_MODEL_IZH07  the 2007 book form: the cell 'izh07' (C, k, vr, vt, vpeak and the cell
 *                   rules vu, bh, vbs, pu, ru, umax, ucubic, vb), its a, b, c, d replaced by
 *                   each neuron's own; u starts at b (v0 - vu), vu = vr when NAN (the
 *                   book's u0 = 0 for v0 = vr). Each step of the network is 'substeps'
 *                   steps of 'integrator' (euler, symplectic, izh2003 or rk4) of dt/substeps
 *                   with the input held, and the spike test and reset of izh07.h after each
 *                   (st_izh07_process). Currents in pA.
 *   ST_MODEL_HH     Hodgkin-Huxley with the membrane 'hh'; a, b, c, d and r are unused; the
 *                   gates start at their steady state at v0. Each step is 'substeps' steps of
 *                   'integrator' (euler, rk4 or rush-larsen) of dt/substeps with the input
 *                   held (st_hh_process); an upward crossing of 0 mV in any of them is a spike
 *                   of the step. Currents in uA/cm^2.
 * A neuron fires at most once per step: a second spike of an izh07 neuron within one step (only
 * possible with substeps) resets it but is not counted. For IZH07 and HH the current of a step
 * is gain (drive + syn): with gain 1 the weights, noise, pulses and external currents are in
 * the model's own units; st_net_use_model sets the gain that carries a published network's
 * currents (in the 2003 units) over to another model. */
typedef struct st_net_pop {
    char name[ST_NET_NAME_MAX]; /* "exc", "inh" */
    uint32_t n;                 /* neurons */
    bool inhibitory;            /* counted in the inhibitory rate (reports only) */
    double a, b, c, d;          /* base values in the model's units (2003: 1/ms, -, mV, -) */
    double a_r, b_r, c_r, d_r;  /* coefficients of r^r_power, same units */
    int r_power;                /* 1 or 2 */
    double v0_mv;               /* initial v, mV */
    double noise_sd;            /* standard deviation of the Gaussian input drawn each step */
    st_model_id model;          /* ST_MODEL_IZH (0), ST_MODEL_IZH07 or ST_MODEL_HH */
    st_izh07_params izh07;      /* ST_MODEL_IZH07: the cell */
    st_hh_params hh;            /* ST_MODEL_HH: the membrane (prepared by st_net_create) */
    st_integrator integrator;   /* ST_MODEL_IZH07, ST_MODEL_HH: the scheme of each substep */
    uint32_t substeps;          /* ST_MODEL_IZH07, ST_MODEL_HH: 1 to ST_NET_MAX_SUBSTEPS */
    double gain;                /* ST_MODEL_IZH07, ST_MODEL_HH: > 0 */
} st_net_pop;

#define ST_NET_MAX_SUBSTEPS 10000u

/* How a projection picks the targets of each source neuron. */
typedef enum st_net_rule {
    ST_NET_DENSE = 0,       /* every neuron of the target population */
    ST_NET_FIXED_OUTDEGREE, /* exactly k distinct targets, uniformly at random */
    ST_NET_FIXED_PROB       /* each target independently with probability p */
} st_net_rule;

/* The target population that stands for every neuron of the network. */
#define ST_NET_ALL UINT32_MAX

/* Synapses from every neuron of population 'pre' to neurons of population 'post'. */
typedef struct st_net_proj {
    uint32_t pre, post;     /* population indices; post may be ST_NET_ALL */
    st_net_rule rule;
    uint32_t k;             /* out-degree for ST_NET_FIXED_OUTDEGREE */
    double p;               /* probability for ST_NET_FIXED_PROB */
    bool autapses;          /* a neuron may connect to itself (when pre == post) */
    double w;               /* weight (units of I) */
    bool w_uniform;         /* weight w * U[0, 1) per synapse instead of w */
    uint32_t delay_min;     /* steps, >= 1 */
    uint32_t delay_max;     /* steps; each source's synapses take the delays delay_min ..
                               delay_max in equal shares (as spnet: 5 of each of 1..20 ms),
                               assigned to its targets at random */
    bool plastic;           /* STDP (st_net_stdp) on these synapses */
} st_net_proj;

/* The 2006 STDP rule and its weight update (spnet's numbers). */
typedef struct st_net_stdp {
    double a_plus;      /* potentiation amplitude (0.1) */
    double a_minus;     /* depression amplitude (0.12) */
    double decay;       /* trace factor per step (0.95: tau about 20 ms at 1 ms) */
    double bias;        /* added to every plastic weight each period (0.01) */
    double sd_decay;    /* factor on sd after each period (0.9) */
    double w_max;       /* weights are clipped to [0, w_max] (10) */
    uint32_t period;    /* steps between weight updates (1000) */
} st_net_stdp;

/* A whole network. Plain data: copy it, change it, check it. */
typedef struct st_net_config {
    char name[ST_NET_NAME_MAX];       /* "izh2003" */
    double dt_ms;                     /* step, ms (1 in both papers) */
    st_net_vform vform;
    double vpeak_mv, q2, q1, q0;      /* 30, 0.04, 5, 140 */
    uint64_t seed;
    st_net_pop pop[ST_NET_MAX_POPS];
    size_t n_pops;
    st_net_proj proj[ST_NET_MAX_PROJS];
    size_t n_projs;
    uint32_t pulses;                  /* random pulse inputs per step (spnet: N/1000) */
    double pulse_amp;                 /* their amplitude (spnet: 20) */
    st_net_stdp stdp;
    int threads;                      /* >= 1 */
} st_net_config;

/* The published networks, by name, scaled to 'neurons' (0: 1000) with 'synapses' synapses per
 * neuron (0: the default). Fails with ST_ERR_INVAL naming the bad value.
 *   izh2003  Izhikevich (2003), net.m: 80 % excitatory (a 0.02, b 0.2, c -65 + 15 r^2,
 *            d 8 - 6 r^2, noise 5), 20 % inhibitory (a 0.02 + 0.08 r, b 0.25 - 0.05 r, c -65,
 *            d 2, noise 2); v0 -65; weights 0.5 U (excitatory) and -U (inhibitory), delay 1 ms,
 *            self-connections as in net.m. All-to-all for up to 1000 neurons; beyond, or with
 *            'synapses' K given, a fixed out-degree K (default 1000); weights scaled by 1000/K
 *            (K = N when all-to-all), so each neuron receives net.m's total input.
 *   izh2006  Izhikevich (2006), spnet: 80 % excitatory RS (a 0.02, d 8), 20 % inhibitory FS
 *            (a 0.1, d 2), b 0.2, c -65, v0 -65; each neuron has M = 100 distinct targets (no
 *            self-connections): excitatory ones anywhere with weight 6 and delays 1..20 ms in
 *            equal shares, plastic (STDP, weights in [0, 10]); inhibitory ones only onto
 *            excitatory neurons, weight -5, delay 1 ms; a pulse of 20 to one random neuron each
 *            ms per 1000 neurons. Spnet's v order (ST_NET_VFORM_HORNER). */
ST_API st_status st_net_preset(const char *name, uint32_t neurons, uint32_t synapses,
                               st_net_config *c, st_error *err);

/* "izh2003, izh2006" */
ST_API const char *st_net_preset_names(void);

/* Makes the neurons of every population of 'c' neurons of the registry model 'model' (a name
 * or alias of st_model_find: "izhikevich", "izh2007", "hh"), keeping the network: the same
 * populations, connections, delays, STDP and random numbers. The 2003 form leaves 'c' as it
 * is. Otherwise:
 *   izh2007  the same cells in the book's variables: C = 1, k = q2, vr and vt the roots of
 *            q2 v^2 + q1 v + q0, vu = 0 (so u' = a (b v - u)), vpeak the network's; a, b, c,
 *            d and their variation as they are; the network's scheme (izh2003, 1 substep),
 *            gain 1. A change of variables: the network keeps its behaviour, computed by the
 *            2007 form's own step.
 *   hh       NEURON's hh membrane at 6.3 degrees C; rk4 in 20 substeps of dt/20 (0.05 ms);
 *            no per-neuron variation (the model has no a, b, c, d). The currents (weights,
 *            noise, pulses, external input) keep their values in the 2003 units, which are
 *            mV/ms (v' = ... + I: a capacitance of 1), and the gain is the membrane's
 *            capacitance (1 uF/cm^2), so a current pulse moves v by the same millivolts.
 * ST_ERR_INVAL "--model: unknown model 'X' (choose izhikevich, izh2007 or hh)", or when a
 * population is not of the 2003 form. */
ST_API st_status st_net_use_model(st_net_config *c, const char *model, st_error *err);

/* Validates 'c': populations (n >= 1, finite parameters, r_power 1 or 2, noise_sd >= 0),
 * projections (populations exist, k <= targets available, 0 <= p <= 1, finite w, 1 <=
 * delay_min <= delay_max <= ST_NET_MAX_DELAY, plastic only with w >= 0), dt > 0, threads >= 1,
 * at most ST_NET_MAX_NEURONS neurons. ST_ERR_INVAL "what: why" otherwise. */
ST_API st_status st_net_config_check(const st_net_config *c, st_error *err);

/* The number of neurons in 'c' (the sum of its populations). */
ST_API uint64_t st_net_config_neurons(const st_net_config *c);

/* About how many bytes st_net_create allocates for 'c' on one process: the synapses (8 bytes
 * each, 32 when plastic), their row offsets, the neurons' state and the spike ring. An
 * estimate, for a caller that refuses a run too large before it starts. */
ST_API uint64_t st_net_memory(const st_net_config *c);

/* ---- a run as the front ends ask for it ---------------------------------------------------- */

#define ST_NET_DEFAULT_NET "izh2003"
#define ST_NET_DEFAULT_DURATION_MS 1000.0
#define ST_NET_MIN_NEURONS 5u          /* one inhibitory neuron per four excitatory ones */
#define ST_NET_MAX_THREADS 1024u
#define ST_NET_MAX_DURATION_MS 1e9     /* 11.6 days of model time */

/* The flags of `spiketalk network` as text (NULL: not given), named as the flags without their
 * dashes: the command line passes its arguments, the Python module writes its keywords. */
typedef struct st_net_options {
    const char *net, *neurons, *synapses, *duration, *seed, *threads, *model;
} st_net_options;

/* The run the options ask for, by the rules and with the messages of `spiketalk network`: the
 * preset 'net' [izh2003] scaled to 'neurons' [1000] with 'synapses' per neuron [the preset's]
 * (st_net_preset) with neurons of 'model' [izhikevich, the 2003 form] (st_net_use_model),
 * 'seed' [1] and 'threads' [1] in 'c'; the 'duration' [1000 ms] rounded to
 * whole steps in *steps, and *duration_ms = *steps * dt. ST_ERR_INVAL naming the flag:
 * "--neurons: 'abc' is not a whole number", "--threads: 0 is out of range (1 to 1024)",
 * "--duration: 0 ms is out of range (1 to 1e+09 ms)", the preset's messages, and "--neurons,
 * --synapses: the synapses alone would take X GB, more than this machine's Y GB of memory"
 * (more than 80 % of it). */
ST_API st_status st_net_configure(const st_net_options *o, st_net_config *c, uint64_t *steps,
                                  double *duration_ms, st_error *err);

/* ---- several processes -------------------------------------------------------------------- */

/* What a network needs from a group of processes (network-io.h makes one from MPI). The
 * library itself never talks to another process. Process 'rank' of 'size' owns neurons
 * [floor(N rank / size), floor(N (rank + 1) / size)). */
typedef struct st_net_comm {
    int rank, size;
    void *ud;
    /* All processes call it together: each sends its 'n' words, and every one receives all
     * messages, concatenated in rank order, into 'recv' (room for 'cap' words), with the length
     * of rank r's message in recv_n[r]. */
    st_status (*allgather)(void *ud, const uint32_t *send, size_t n, uint32_t *recv,
                           size_t cap, size_t *recv_n, st_error *err);
    /* All processes call it together: x[i] becomes the sum of x[i] over the processes. */
    st_status (*sum)(void *ud, double *x, size_t n, st_error *err);
} st_net_comm;

/* ---- a network in memory ------------------------------------------------------------------ */

typedef struct st_net st_net;

/* Builds the network 'c' describes (checked first), for the process 'comm' says (NULL: one
 * process, all neurons): draws the neurons' parameters, generates the connections (only
 * those ending on this process's neurons are kept) and allocates every buffer a run needs.
 * With comm, all processes must call it with the same 'c'. Uses c->threads threads.
 * ST_ERR_INVAL (bad config), ST_ERR_NOMEM (memory, or a thread that cannot start). */
ST_API st_status st_net_create(const st_net_config *c, const st_net_comm *comm, st_net **out,
                               st_error *err);

/* Frees everything. NULL-safe. */
ST_API void st_net_free(st_net *net);

/* Called once per step of st_net_run, after the step, on the calling thread: 'stamp' is the
 * step's end (k + 1) and ids[0 .. n) the neurons of the whole network (every process) that
 * fired in it, ascending. */
typedef void (*st_net_spike_fn)(void *ud, uint64_t stamp, const uint32_t *ids, size_t n);

/* Advances 'steps' steps. Runs can be split into any pieces with the same result. Allocates
 * nothing. With comm, all processes must call it with the same 'steps'. ST_ERR_NUMERIC when
 * some v or u becomes non-finite ("network: v of neuron I is not finite at t = T ms (step
 * K)"; the network then refuses to run further), or the comm's error. */
ST_API st_status st_net_run(st_net *net, uint64_t steps, st_net_spike_fn on_spikes, void *ud,
                            st_error *err);

/* How st_net_set_input's currents combine with the network's own drive. */
typedef enum st_net_drive {
    ST_NET_DRIVE_ADD = 0,  /* noise + pulses + ext (the default; ext starts at 0) */
    ST_NET_DRIVE_REPLACE   /* ext alone: the noise and the pulses are off */
} st_net_drive;

/* Sets the external input of neurons first .. first + n - 1 to current[0 .. n) (units of I),
 * held for every following step until set again: the hook through which a caller (a sound's
 * filterbank, a test) drives the network between st_net_run calls. Neurons of other
 * processes are skipped, so every process may pass the same array. ST_ERR_INVAL when the
 * range leaves the network or a current is not finite (nothing is changed then). */
ST_API st_status st_net_set_input(st_net *net, uint32_t first, uint32_t n,
                                  const double *current, st_error *err);
ST_API void st_net_set_drive(st_net *net, st_net_drive mode);

/* What a network is and has done. Counts cover all processes. */
typedef struct st_net_info {
    uint32_t neurons;             /* in the whole network */
    uint32_t neurons_exc, neurons_inh;
    uint64_t synapses;            /* in the whole network */
    uint64_t synapses_plastic;
    uint32_t first, count;        /* this process's neurons */
    int rank, ranks, threads;
    uint32_t delay_min, delay_max; /* steps */
    double dt_ms;
    uint64_t step;                /* steps taken; the state is at t = step * dt */
    uint64_t spikes, spikes_exc, spikes_inh;
    uint64_t events;              /* synaptic events: each spike times its source's out-degree */
    uint64_t exchanges;           /* spike exchanges (one per minimum delay) */
    double exchange_s;            /* wall time this process spent in them: with other
                                     processes packing, the all-gather (waiting for the others
                                     included) and unpacking; alone, thread 0's wait for the
                                     other threads at their meeting (0 on one thread) */
} st_net_info;

ST_API void st_net_get_info(const st_net *net, st_net_info *out);

/* The parameters (a, b, c, d; vpeak and the v coefficients of the network) and the state of
 * neuron 'id'. False (nothing written) when this process does not hold it. For a neuron of the
 * 2007 form, p holds its a, b, c, d (the rest of the cell is its population's); for an HH
 * neuron, u is its gate n. */
ST_API bool st_net_neuron(const st_net *net, uint32_t id, st_izh_params *p, double *v_mv,
                          double *u);

/* The whole state of neuron 'id': y = {v, u, 0, 0} for the Izhikevich forms, {v, m, h, n}
 * (ST_HH_V ...) for HH. False (nothing written) when this process does not hold it. */
ST_API bool st_net_neuron_state(const st_net *net, uint32_t id, double y[ST_HH_NVARS]);

/* One synapse as stored. */
typedef struct st_net_synapse {
    uint32_t pre, post;   /* neuron ids */
    uint32_t delay;       /* steps */
    float w;              /* weight */
    float sd;             /* STDP derivative (0 when not plastic) */
    bool plastic;
} st_net_synapse;

/* Calls fn for every synapse held by this process (those ending on its neurons), by
 * partition, source, delay and target. */
ST_API void st_net_foreach_synapse(const st_net *net,
                                   void (*fn)(void *ud, const st_net_synapse *s), void *ud);

/* Histogram of the plastic weights over the whole network (all processes; with comm, all
 * must call it): counts[j] for w in [lo + j (hi - lo)/bins, ...), the last bin closed. */
ST_API st_status st_net_weight_histogram(const st_net *net, double lo, double hi, size_t bins,
                                         double *counts, st_error *err);

/* ---- what a run shows ----------------------------------------------------------------------- */

/* A growing list of spikes (stamp, neuron), for recording a run from its st_net_spike_fn. */
typedef struct st_net_raster {
    uint64_t *stamp;
    uint32_t *id;
    size_t count, cap;
} st_net_raster;

/* Appends ids[0 .. n) with 'stamp', growing the arrays through the allocator hook.
 * ST_ERR_NOMEM leaves the raster as it was. */
ST_API st_status st_net_raster_add(st_net_raster *r, uint64_t stamp, const uint32_t *ids,
                                   size_t n);
/* Recording a run: st_net_record is an st_net_spike_fn whose 'ud' is an st_net_recorder. It
 * appends each step's spikes to 'raster'; once memory runs out it keeps no more and sets
 * 'failed' (the raster then holds the spikes before). */
typedef struct st_net_recorder {
    st_net_raster *raster;
    bool failed;
} st_net_recorder;

ST_API void st_net_record(void *ud, uint64_t stamp, const uint32_t *ids, size_t n);

ST_API void st_net_raster_free(st_net_raster *r);

/* The population rate of neurons [first, first + count) in Hz per step: rate[k] = spikes
 * stamped k + 1 / count / dt, for k < steps (stamps beyond are ignored). */
ST_API void st_net_rate(const st_net_raster *r, uint32_t first, uint32_t count, double dt_ms,
                        uint64_t steps, double *rate_hz);

/* A one-sided power spectral density by Welch's method: Hann-windowed segments of
 * 'segment' samples (0: 512 when n >= 1024, else the largest power of two <= n / 2), half
 * overlapping, each with its mean removed; density scaling, so that the sum of power * df
 * is the variance. Units: (units of x)^2 / Hz. */
typedef struct st_net_psd {
    double *freq_hz;
    double *power;
    size_t n;        /* frequencies 0 .. fs/2 */
    double df_hz;
    size_t segment;  /* samples per segment */
    size_t segments; /* segments averaged */
} st_net_psd;

/* ST_ERR_INVAL when n < 32 or the segment is longer than n; ST_ERR_NOMEM. */
ST_API st_status st_net_psd_welch(const double *x, size_t n, double dt_ms, size_t segment,
                                  st_net_psd *out, st_error *err);
ST_API void st_net_psd_free(st_net_psd *p);

/* A local maximum of a spectrum. */
typedef struct st_net_peak {
    double freq_hz;
    double power;
    double prominence;   /* power over the median power in [fmin, fmax] */
} st_net_peak;

/* The local maxima (higher than both neighbours) with fmin <= f <= fmax, strongest first; up
 * to 'cap' of them in out. Returns how many were stored. */
ST_API size_t st_net_psd_peaks(const st_net_psd *p, double fmin_hz, double fmax_hz,
                               st_net_peak *out, size_t cap);

/* A rhythm: the strongest local maximum of the spectrum in [lo_hz, hi_hz] (st_net_psd_peaks
 * over 1 to 200 Hz), when it stands at least ST_NET_RHYTHM_PROMINENCE times above the median
 * power from 1 to 200 Hz. False (nothing written) when there is none or it stands lower. */
#define ST_NET_RHYTHM_PROMINENCE 2.0
ST_API bool st_net_psd_rhythm(const st_net_psd *p, double lo_hz, double hi_hz,
                              st_net_peak *out);

/* The rhythms the papers name, alpha (4-14 Hz) and gamma (25-80 Hz), those the spectrum has
 * (st_net_psd_rhythm), with their names, for a figure's marks. Returns how many, 0 to 2. */
ST_API size_t st_net_rhythms(const st_net_psd *psd, st_net_peak marks[2], const char *names[2]);

#define ST_NET_SUMMARY_PEAKS 5       /* spectral peaks kept */
#define ST_NET_SPECTRUM_MS 60000.0   /* longer runs: the spectrum of their last minute */
#define ST_NET_WEIGHT_BINS 20        /* bins of a report's weight histogram over [0, w_max] */

/* What `spiketalk network` reports of a run's spikes, for every front end. */
typedef struct st_net_summary {
    double *rate_hz;             /* 'steps' values: the population rate (st_net_rate), Hz */
    st_net_psd psd;              /* of the rate's last ST_NET_SPECTRUM_MS; n = 0 for runs of
                                    fewer than 64 steps */
    st_net_peak peaks[ST_NET_SUMMARY_PEAKS]; /* the strongest local maxima, 1 to 200 Hz */
    size_t n_peaks;
    double alpha_hz, gamma_hz;   /* st_net_psd_rhythm in 4-14 and 25-80 Hz, or NAN */
} st_net_summary;

/* Summarises the spikes of a run of 'steps' steps of 'neurons' neurons. ST_ERR_NOMEM ("network:
 * out of memory for the population rate"); a spectrum that cannot be made is left empty. */
ST_API st_status st_net_summarise(const st_net_raster *r, uint32_t neurons, double dt_ms,
                                  uint64_t steps, st_net_summary *out, st_error *err);
ST_API void st_net_summary_free(st_net_summary *s);

/* The network's sound: each spike a short tone (a Hann-windowed 5 ms sine burst) whose pitch
 * rises with the neuron's id over five octaves, 200 Hz (id 0) to 6400 Hz (the last id), so
 * excitatory neurons sound below inhibitory ones; 1 s of model time is 1 s of sound. The sum
 * is scaled to a peak of 0.5. out[0 .. n) at fs_hz covers steps * dt. ST_ERR_INVAL for
 * fs_hz < 8000 or more than 2^31 samples. */
ST_API st_status st_net_sonify(const st_net_raster *r, uint32_t neurons, double dt_ms,
                               uint64_t steps, double fs_hz, float **out, size_t *n,
                               st_error *err);

#ifdef __cplusplus
}
#endif
#endif
