/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A network's process group over MPI: the all-gather of fired ids and the sums a run needs.
 * It lives in the io layer because it talks to other processes; the core only sees the
 * st_net_comm hooks. Without MPI (ST_HAVE_MPI undefined) every run is one process. */
#include <stdlib.h>
#include <string.h>

#include "spiketalk/network-io.h"

bool st_net_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE", "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

#ifdef ST_HAVE_MPI
#include <mpi.h>

/* The exchange takes one MPI_Allgather of fixed-size blocks, each holding a process's message
 * behind its length: one collective per minimum delay instead of two (the lengths, then the
 * messages). When a message outgrows the block, every process sees it in the lengths, the
 * messages go once more by MPI_Allgatherv, and the block doubles past the longest. */
#define FIRST_BLOCK_WORDS 256

typedef struct group {
    int size;
    int *counts, *displs;
    uint32_t *block;     /* size * (words + 1) */
    size_t words;        /* message words a block holds */
    uint32_t *mine;      /* this process's block */
} group;

static group world;
static bool started;

bool st_net_mpi_built(void)
{
    return true;
}

static st_status mpi_fail(st_error *err, const char *what, int code)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(code, msg, &len) != MPI_SUCCESS)
        len = 0;
    msg[len < MPI_MAX_ERROR_STRING ? len : MPI_MAX_ERROR_STRING - 1] = '\0';
    return st_error_set(err, ST_ERR_DEVICE, "MPI: %s failed: %s", what, msg);
}

static bool size_blocks(group *g, size_t words)
{
    uint32_t *b = realloc(g->block, (size_t)g->size * (words + 1) * sizeof *b);
    uint32_t *m = b ? realloc(g->mine, (words + 1) * sizeof *m) : NULL;
    if (b)
        g->block = b;
    if (!b || !m)
        return false;
    g->mine = m;
    g->words = words;
    return true;
}

static st_status allgather(void *ud, const uint32_t *send, size_t n, uint32_t *recv, size_t cap,
                           size_t *recv_n, st_error *err)
{
    group *g = ud;
    if (n > (size_t)INT32_MAX / 2)
        return st_error_set(err, ST_ERR_INVAL, "MPI: a spike message of %zu words is too long",
                            n);
    size_t B = g->words + 1;
    g->mine[0] = (uint32_t)n;
    memcpy(g->mine + 1, send, (n < g->words ? n : g->words) * sizeof *send);
    int rc = MPI_Allgather(g->mine, (int)B, MPI_UINT32_T, g->block, (int)B, MPI_UINT32_T,
                           MPI_COMM_WORLD);
    if (rc)
        return mpi_fail(err, "the exchange of spikes", rc);
    size_t total = 0, longest = 0;
    for (int r = 0; r < g->size; r++) {
        recv_n[r] = g->block[(size_t)r * B];
        g->counts[r] = (int)recv_n[r];
        g->displs[r] = (int)total;
        total += recv_n[r];
        longest = recv_n[r] > longest ? recv_n[r] : longest;
    }
    if (total > cap || total > (size_t)INT32_MAX)
        return st_error_set(err, ST_ERR_INVAL, "MPI: %zu words of spikes exceed the buffer",
                            total);
    if (longest <= g->words) {
        for (int r = 0; r < g->size; r++)
            memcpy(recv + g->displs[r], g->block + (size_t)r * B + 1,
                   recv_n[r] * sizeof *recv);
        return ST_OK;
    }
    if ((rc = MPI_Allgatherv(send, (int)n, MPI_UINT32_T, recv, g->counts, g->displs,
                             MPI_UINT32_T, MPI_COMM_WORLD)))
        return mpi_fail(err, "the exchange of spikes", rc);
    if (!size_blocks(g, 2 * longest))
        return st_error_set(err, ST_ERR_NOMEM, "MPI: out of memory");
    return ST_OK;
}

static st_status sum(void *ud, double *x, size_t n, st_error *err)
{
    (void)ud;
    int rc = MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return rc ? mpi_fail(err, "a sum over the processes", rc) : ST_OK;
}

st_status st_net_mpi_start(st_net_comm *comm, bool *on, st_error *err)
{
    *on = false;
    if (!st_net_mpi_launched())
        return ST_OK;
    if (!started) {
        int provided = 0, rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
        if (rc)
            return mpi_fail(err, "MPI_Init_thread", rc);
        started = true;
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_size(MPI_COMM_WORLD, &world.size);
        world.counts = calloc((size_t)world.size, sizeof *world.counts);
        world.displs = calloc((size_t)world.size, sizeof *world.displs);
        if (!world.counts || !world.displs || !size_blocks(&world, FIRST_BLOCK_WORDS))
            return st_error_set(err, ST_ERR_NOMEM, "MPI: out of memory");
    }
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    *comm = (st_net_comm){.rank = rank, .size = world.size, .ud = &world,
                          .allgather = allgather, .sum = sum};
    *on = true;
    return ST_OK;
}

void st_net_mpi_stop(void)
{
    if (!started)
        return;
    MPI_Finalize();
    free(world.counts);
    free(world.displs);
    free(world.block);
    free(world.mine);
    world = (group){0};
    started = false;
}

#else

bool st_net_mpi_built(void)
{
    return false;
}

/* Started by mpirun with several processes but unable to talk to them: each would run the
 * whole network alone and write the same files, so refuse. */
st_status st_net_mpi_start(st_net_comm *comm, bool *on, st_error *err)
{
    (void)comm;
    *on = false;
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    if (!size)
        size = getenv("PMI_SIZE");
    if (size && atoi(size) > 1)
        return st_error_set(err, ST_ERR_INVAL,
                            "network: started as %s processes, but this spiketalk was built "
                            "without MPI (install libopenmpi-dev and rebuild)", size);
    return ST_OK;
}

void st_net_mpi_stop(void)
{
}

#endif
