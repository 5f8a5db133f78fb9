/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A network's team of threads: the calling thread and n - 1 workers that run one job at a time
 * together, meeting at a barrier inside it. The barrier spins briefly (a step's work is short)
 * and then yields the core, so a team that shares its cores with other programs still moves:
 * a waiting thread never holds a core that the thread it waits for could use. Between jobs the
 * workers sleep on a condition variable. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "network-private.h"

#define SPINS 4000 /* polls before yielding: some tens of microseconds */

typedef struct worker {
    st_net_pool *pool;
    int t;
    pthread_t id;
} worker;

struct st_net_pool {
    int n;
    int spins;                 /* SPINS, or 0 when the team has more threads than cores */
    worker *w;
    int started;               /* workers created */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned job_gen;          /* under mu: bumped for each job */
    bool quit;                 /* under mu */
    st_net_job job;
    void *ud;
    _Atomic unsigned arrived;  /* the barrier: threads in it so far */
    _Atomic unsigned phase;    /* and how many times it opened */
};

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

void st_net_pool_barrier(st_net_pool *p)
{
    if (!p || p->n == 1)
        return;
    unsigned phase = atomic_load_explicit(&p->phase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&p->arrived, 1, memory_order_acq_rel) + 1 == (unsigned)p->n) {
        atomic_store_explicit(&p->arrived, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&p->phase, 1, memory_order_acq_rel);
        return;
    }
    for (int spin = 0; atomic_load_explicit(&p->phase, memory_order_acquire) == phase; spin++) {
        if (spin < p->spins)
            relax();
        else
            sched_yield();
    }
}

static void *work(void *arg)
{
    worker *w = arg;
    st_net_pool *p = w->pool;
    unsigned seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->job_gen == seen && !p->quit)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit)
            break;
        seen = p->job_gen;
        st_net_job job = p->job;
        void *ud = p->ud;
        pthread_mutex_unlock(&p->mu);
        job(ud, w->t, p->n);
        st_net_pool_barrier(p);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

st_status st_net_pool_create(int n, st_net_pool **out)
{
    *out = NULL;
    st_net_pool *p = st_calloc(1, sizeof *p);
    if (!p)
        return ST_ERR_NOMEM;
    p->n = n;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    p->spins = cores > 0 && n > cores ? 0 : SPINS;
    atomic_init(&p->arrived, 0);
    atomic_init(&p->phase, 0);
    if (pthread_mutex_init(&p->mu, NULL)) {
        st_free(p);
        return ST_ERR_NOMEM;
    }
    if (pthread_cond_init(&p->cv, NULL)) {
        pthread_mutex_destroy(&p->mu);
        st_free(p);
        return ST_ERR_NOMEM;
    }
    p->w = st_calloc((size_t)n, sizeof *p->w);
    if (!p->w) {
        st_net_pool_free(p);
        return ST_ERR_NOMEM;
    }
    for (int t = 1; t < n; t++) {
        p->w[t] = (worker){.pool = p, .t = t};
        if (pthread_create(&p->w[t].id, NULL, work, &p->w[t])) {
            st_net_pool_free(p);
            return ST_ERR_NOMEM;
        }
        p->started = t;
    }
    *out = p;
    return ST_OK;
}

void st_net_pool_free(st_net_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int t = 1; t <= p->started; t++)
        pthread_join(p->w[t].id, NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    st_free(p->w);
    st_free(p);
}

void st_net_pool_run(st_net_pool *p, st_net_job job, void *ud)
{
    if (!p || p->n == 1) {
        job(ud, 0, 1);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->job = job;
    p->ud = ud;
    p->job_gen++;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    job(ud, 0, p->n);
    st_net_pool_barrier(p);
}
