/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network's internals shared by network*.c: the partitions, the spike ring, the random
 * streams and the vectorised kernels; not installed. */
#ifndef SPIKETALK_NETWORK_PRIVATE_H
#define SPIKETALK_NETWORK_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "spiketalk/network.h"

/* The hot kernels are compiled for the baseline x86-64 and for AVX2 and AVX-512 machines, and
 * the loader picks one (ifunc). Without FMA contraction (-ffp-contract=off) every version
 * computes the same bits, so a run's result does not depend on the machine's vector width. */
#if defined(ST_NET_CLONES)
#define ST_NET_KERNEL __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define ST_NET_KERNEL
#endif

/* A team of n threads: the caller (t = 0) and n - 1 workers (network-pool.c). */
typedef struct st_net_pool st_net_pool;

#define ST_NET_ALIGN 64 /* bytes: a cache line, and one AVX-512 register */

/* What each random stream is for: the fourth counter word. */
enum {
    NET_STREAM_PARAM = 1,  /* ctr (id, 0, 0): the neuron's r */
    NET_STREAM_NOISE = 2,  /* ctr (id / 4, step lo, step hi): four normals per call */
    NET_STREAM_PULSE = 3,  /* ctr (draw, step lo, step hi): the pulsed neurons */
    NET_STREAM_CONN = 4,   /* ctr (source, draw, projection): targets */
    NET_STREAM_WEIGHT = 5, /* ctr (source, target, projection): weights */
    NET_STREAM_DELAY = 6   /* ctr (source, draw, projection): the order of the delays */
};

/* One kind of synapses (static or plastic) ending in a partition, by source row: those of
 * source s with delay dmin + j sit at [seg[s nd + j], seg[s nd + j + 1]), by target. */
typedef struct net_syn {
    uint64_t count;
    uint64_t *seg;       /* N * nd + 1 offsets */
    uint32_t *tgt;       /* target, local index in the partition */
    float *w;            /* weight */
    float *sd;           /* plastic: STDP derivative */
    uint64_t *arrival;   /* plastic: stamp of the last arrival (s + D); 0: none yet */
    uint64_t *in_ptr;    /* plastic: the synapses onto local neuron i are */
    uint64_t *in_syn;    /*   in_syn[in_ptr[i] .. in_ptr[i + 1]) */
} net_syn;

/* A partition: neurons [lo, hi) and everything that ends on them. */
typedef struct net_part {
    uint32_t lo, hi, n;
    double *v, *u;                 /* state */
    double *a, *b, *c, *d;         /* parameters */
    double *gm, *gh, *gn;          /* HH populations' gates m, h, n (NULL when none) */
    double *noise_sd;              /* per neuron; NULL when the network has no noise */
    double *syn;                   /* synaptic input of the coming step (zeroed once used) */
    double *drive;                 /* noise + pulses + ext of the coming step */
    double *ext;                   /* st_net_set_input's currents */
    double *z;                     /* scratch: normals for the partition's noise groups */
    uint8_t *mark;                 /* scratch: neurons pulsed in this step */
    uint64_t *last_spike;          /* plastic: last stamp (0: none) */
    net_syn st, pl;                /* static and plastic synapses */
    uint32_t *fired;               /* with other processes: this interval's spikes, step after */
    uint32_t *fired_n;             /*   step, and how many in each step (else NULL) */
    size_t n_fired;                /* total this interval */
    size_t cursor;                 /* the exchange's read position in 'fired' */
    /* Without other processes the partition writes its spikes of stamp s straight into its
     * own segment of the ring, ring[(s % R) N + lo ..], ring_n[s % R] of them, and counts
     * them here; the other threads read them after one barrier. */
    uint32_t *ring_n;
    uint64_t spikes, spikes_exc, spikes_inh, events;
    bool fault;
    uint32_t fault_id;
    uint64_t fault_stamp;
    _Atomic uint64_t fault_at;     /* fault_stamp once fault_id is set; 0: none */
    void *mem;                     /* the one block the arrays above live in */
} net_part;

struct st_net {
    st_net_config cfg;
    st_net_comm comm;
    bool has_comm;
    uint32_t N, first, count;       /* all neurons; this process's range */
    uint32_t pop_lo[ST_NET_MAX_POPS + 1];
    uint32_t n_exc, n_inh;
    int threads;
    st_net_pool *pool;              /* NULL with one thread */
    uint32_t dmin, dmax, nd;        /* delays in steps; nd = dmax - dmin + 1 */
    bool plastic;
    bool noise, pulses;
    bool hh;                        /* some population is HH: the partitions have gates */
    uint32_t key[2];                /* Philox key from the seed */
    /* the spike ring: the fired ids of stamp s in ring[(s % R) N ..], ring_n[s % R] of them
     * (with 'direct', by partition: see net_part.ring_n) */
    uint32_t R;
    bool direct;                    /* one process: no pack, all-gather or unpack */
    uint32_t *ring, *ring_n;
    /* exchange buffers */
    uint32_t *send, *recv;
    size_t send_cap, recv_cap, *recv_n;
    uint32_t *outdeg;               /* out-degree of every neuron (whole network) */
    net_part *part;
    int n_parts;
    uint64_t step;
    uint64_t synapses, synapses_plastic;
    uint64_t spikes, spikes_exc, spikes_inh, events;
    uint64_t exchanges;             /* intervals exchanged */
    double exchange_s;              /* time spent exchanging (with comm: in the all-gather) */
    st_net_drive drive_mode;
    bool has_ext;
    bool broken;                    /* a fault happened: refuse to run on */
    float ltp[ST_NET_TRACE_STEPS];  /* A+ x^n, spnet's float trace */
    float ltd[ST_NET_TRACE_STEPS];  /* A- x^n */
};

/* The population of neuron 'id'. */
static inline const st_net_pop *st_net_pop_of(const st_net *net, uint32_t id)
{
    size_t q = 0;
    while (id >= net->pop_lo[q + 1])
        q++;
    return &net->cfg.pop[q];
}

/* ---- threads (network-pool.c) ---- */

typedef void (*st_net_job)(void *ud, int t, int n);

/* Starts the n - 1 workers (they sleep until a job comes). ST_ERR_NOMEM if one cannot start. */
st_status st_net_pool_create(int n, st_net_pool **out);

/* Stops and joins the workers. NULL-safe. */
void st_net_pool_free(st_net_pool *p);

/* Runs job(ud, t, n) on every thread of the team (the caller is t = 0) and returns when all
 * have finished. A NULL pool runs job(ud, 0, 1) on the caller. */
void st_net_pool_run(st_net_pool *p, st_net_job job, void *ud);

/* Inside a job: waits until every thread of the team has reached it. */
void st_net_pool_barrier(st_net_pool *p);

/* ---- memory ---- */

/* 'size' bytes aligned to ST_NET_ALIGN through the allocator hook; st_net_afree frees. */
void *st_net_aalloc(size_t size);
void st_net_afree(void *p);

/* ---- random numbers (network-rng.c) ---- */

/* Philox with a 4-word counter, inlined for the hot loops. */
static inline void st_net_philox(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                 uint32_t k0, uint32_t k1, uint32_t out[4])
{
    for (int r = 0; r < 10; r++) {
        if (r) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* A uniform double in [0, 1) from two words (53 bits). */
static inline double st_net_u01(uint32_t hi, uint32_t lo)
{
    uint64_t x = ((uint64_t)hi << 21) ^ (lo >> 11);
    return (double)x * 0x1p-53;
}

/* An unbiased integer in [0, range) (range >= 1) from a counter: Lemire's multiply-shift with
 * rejection, trying the call's four words in turn (all four rejected: p < 2^-32 per word
 * even for range 2^31; then the last word's biased value). */
uint32_t st_net_bounded(uint32_t range, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                        const uint32_t key[2]);

/* ln x for a positive normal double x, the same bits on every machine (within 1e-15). */
double st_net_log(double x);

/* Normals for neurons 4 g0 .. 4 g1 - 1 at 'step': z[4 (g - g0) + j] = normal j of group g. */
void st_net_normals(uint64_t step, uint32_t g0, uint32_t g1, const uint32_t key[2], double *z);

/* ---- building (network-build.c) ---- */

/* Generates the synapses of every projection, keeping those that end in the partitions;
 * fills the partitions' net_syn, net->outdeg, the synapse counts and the delay range. */
st_status st_net_build_synapses(st_net *net, st_error *err);

#endif
